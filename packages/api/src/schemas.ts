import { Type, type Static } from '@sinclair/typebox';
import { ClaimMatch, HoaxSignal, IssueStatus, IssueTopic, PostTopic, TOPIC_IDS } from '@pantau/core';
import { MAX_QUERY_LENGTH } from '@pantau/query';
import { CHANNEL_NAMES } from '@pantau/alerts';

/**
 * Request and response schemas of the HTTP API (TypeBox = JSON Schema). Response schemas are what
 * gets serialised: a field missing here never leaves the server.
 */
const IsoDate = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 128 });
/** A topic id of the fixed taxonomy (kesehatan, ekonomi, bencana, …). */
export const TopicIdParam = Type.Union(TOPIC_IDS.map((t) => Type.Literal(t)));

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

// Agencies
export const CreateAgencyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type CreateAgencyBody = Static<typeof CreateAgencyBody>;
export const CreatedAgency = Type.Object({
  id: Type.String(),
  name: Type.String(),
  apiKey: Type.String(),
  role: Type.String(),
});

// API keys of an agency (the key itself is shown once, when it is made; stored only as a hash)
export const RoleParam = Type.Union([
  Type.Literal('admin'),
  Type.Literal('analyst'),
  Type.Literal('automation'),
]);
export const CreateKeyBody = Type.Object(
  {
    role: RoleParam,
    /** What the key is for ("dashboard Bu Rina", "integrasi SP4N-LAPOR"): shown in the list, never secret. */
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;
export const ApiKeyInfo = Type.Object({
  /** The first 16 hex digits of the key's SHA-256: enough to name it, useless to use it. */
  id: Type.String(),
  role: Type.String(),
  label: Type.Optional(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});
export const CreatedKey = Type.Object({
  id: Type.String(),
  apiKey: Type.String(),
  role: Type.String(),
  label: Type.Optional(Type.String()),
  createdAt: Type.String(),
});
export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKeyInfo) });
export const RevokedKey = Type.Object({ id: Type.String(), revokedAt: Type.String() });
export const KeyParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{16}$' }) },
  { additionalProperties: false },
);
export type KeyParams = Static<typeof KeyParams>;

/** An agency's topics of interest: rising issues in them alert the agency without any keyword watchlist. */
export const AgencyTopicsBody = Type.Object(
  { topics: Type.Array(TopicIdParam, { maxItems: 12, uniqueItems: true }) },
  { additionalProperties: false },
);
export type AgencyTopicsBody = Static<typeof AgencyTopicsBody>;
export const AgencyTopics = Type.Object({
  topics: Type.Array(Type.String()),
  /** Defaults for this agency's name (Kemenkes → kesehatan, BNPB → bencana, …). */
  suggested: Type.Array(Type.String()),
  labels: Type.Record(Type.String(), Type.Object({ id: Type.String(), en: Type.String() })),
});

// Ingest
export const MAX_INGEST_ITEMS = 1000;
export const IngestResult = Type.Object({
  accepted: Type.Integer(),
  ids: Type.Array(Type.String()),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
  /** Accepted posts of which something was left out (a region that names no province or city). */
  warnings: Type.Optional(Type.Array(Type.Object({ index: Type.Integer(), message: Type.String() }))),
});

// Posts
export const PostsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 500 })),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    source: Type.Optional(Type.String({ maxLength: 64 })),
    minHoax: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    issueId: Type.Optional(Type.String({ maxLength: 128 })),
    topic: Type.Optional(TopicIdParam),
    /** Only posts about this province or city (named in the text or declared by the source; GET /v1/regions). */
    region: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,64}$' })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    /** The next page: the `nextCursor` of the previous one (same filters). */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type PostsQuery = Static<typeof PostsQuery>;

export const PostSourcesQuery = Type.Object(
  {
    /** Sources with posts published at or after this (default: the last 7 days). */
    from: Type.Optional(IsoDate),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type PostSourcesQuery = Static<typeof PostSourcesQuery>;
export const PostSourceList = Type.Object({
  items: Type.Array(Type.Object({ source: Type.String(), posts: Type.Integer() })),
});

export const PostItem = Type.Object({
  id: Type.String(),
  source: Type.Optional(Type.String()),
  sourceKind: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  publishedAt: Type.Optional(Type.String()),
  hoaxScore: Type.Optional(Type.Number()),
  signals: Type.Optional(Type.Array(HoaxSignal)),
  issueId: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  topics: Type.Optional(Type.Array(PostTopic)),
  claimMatches: Type.Optional(Type.Array(ClaimMatch)),
  language: Type.Optional(Type.String()),
  /** The region its source declared (a province or city id). */
  region: Type.Optional(Type.String()),
  /** The provinces and cities it is about: named in its text, or its source's region. */
  regions: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
});
/** A page is full when a `nextCursor` comes with it: pass it as `cursor` for the next page. */
const NextCursor = Type.Optional(Type.String());
export const PostList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(PostItem),
  nextCursor: NextCursor,
});

/** One agency's official clarification of an issue (narasi tunggal). */
export const Clarification = Type.Object({
  id: Type.String(),
  issueId: Type.String(),
  agencyId: Type.String(),
  agencyName: Type.String(),
  text: Type.String(),
  url: Type.Optional(Type.String()),
  actor: Type.String(),
  createdAt: Type.String(),
});

// Issues
export const IssuesQuery = Type.Object(
  {
    status: Type.Optional(IssueStatus),
    topic: Type.Optional(TopicIdParam),
    /** Only issues about this province or city (a gazetteer id, see GET /v1/regions). */
    region: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,64}$' })),
    /** Only issues with posts from this source (among the issue's 20 busiest sources). */
    source: Type.Optional(Type.String({ maxLength: 64 })),
    /** Every word in the issue's title or among its keywords. */
    q: Type.Optional(Type.String({ maxLength: 500 })),
    /** Only issues with at least this share of likely-hoax posts (0–1). */
    minHoax: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Only issues with (true) or without (false) coordinated copy-paste. */
    coordinated: Type.Optional(Type.Boolean()),
    /** Only issues active in this period: seen last at or after `from`, first at or before `to`. */
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    /** The next page: the `nextCursor` of the previous one (same filters). */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type IssuesQuery = Static<typeof IssuesQuery>;

/** CSV exports: the list's filters, without paging (every page is read, up to `limit` rows). */
const exportParams = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 })),
  /** `semicolon` for spreadsheets set to Indonesian (list separator ";"). */
  delimiter: Type.Optional(Type.Union([Type.Literal('comma'), Type.Literal('semicolon')])),
};
/** The agency's alerts have no filters: their export takes only these. */
export const AlertsExportQuery = Type.Object(exportParams, { additionalProperties: false });
export type AlertsExportQuery = Static<typeof AlertsExportQuery>;
export type ExportParams = AlertsExportQuery;
const { size: _postsSize, cursor: _postsCursor, ...postFilters } = PostsQuery.properties;
const { size: _issuesSize, cursor: _issuesCursor, ...issueFilters } = IssuesQuery.properties;
export const PostsExportQuery = Type.Object(
  { ...postFilters, ...exportParams },
  { additionalProperties: false },
);
export type PostsExportQuery = Static<typeof PostsExportQuery>;
export const IssuesExportQuery = Type.Object(
  { ...issueFilters, ...exportParams },
  { additionalProperties: false },
);
export type IssuesExportQuery = Static<typeof IssuesExportQuery>;
/** What the OpenAPI document says an export answers. */
export const CsvFile = Type.String({ description: 'text/csv; charset=utf-8 (with a byte-order mark)' });

const issueFields = {
  id: Type.String(),
  title: Type.String(),
  terms: Type.Array(Type.String()),
  status: Type.String(),
  count: Type.Number(),
  windowCount: Type.Optional(Type.Number()),
  baseline: Type.Number(),
  score: Type.Optional(Type.Number()),
  growth: Type.Optional(Type.Number()),
  firstSeen: Type.String(),
  lastSeen: Type.String(),
  hoaxShare: Type.Number(),
  distinctAuthors: Type.Optional(Type.Number()),
  coordinated: Type.Optional(Type.Boolean()),
  topics: Type.Optional(Type.Array(IssueTopic)),
  /** Provinces and cities a good share of the issue's posts name (gazetteer ids; a city counts for its province). */
  regions: Type.Optional(
    Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), count: Type.Number(), share: Type.Number() }),
    ),
  ),
  /** Posts per source (source id), busiest first: the top 20. */
  sources: Type.Optional(
    Type.Array(Type.Object({ source: Type.String(), count: Type.Number(), share: Type.Number() })),
  ),
  /** Fact-checked claims the issue's posts restate, most posts first: the top 10. */
  factChecks: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        url: Type.Optional(Type.String()),
        posts: Type.Number(),
      }),
    ),
  ),
};
const TimelineEntry = Type.Object({
  at: Type.String(),
  type: Type.String(),
  windowCount: Type.Number(),
  count: Type.Number(),
  baseline: Type.Number(),
  /** Why this lifecycle event happened, in plain English and in Bahasa Indonesia. */
  reason: Type.Optional(Type.String()),
  reasonId: Type.Optional(Type.String()),
});
/** A list item carries its lifecycle timeline too: the dashboard draws it as a sparkline. */
export const IssueItem = Type.Object({ ...issueFields, timeline: Type.Optional(Type.Array(TimelineEntry)) });
export const IssueList = Type.Object({ items: Type.Array(IssueItem), nextCursor: NextCursor });
/** Issues told around the same keywords or fact-checks as one issue (GET /v1/issues/:id/related). */
export const RelatedIssuesQuery = Type.Object(
  { size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })) },
  { additionalProperties: false },
);
export type RelatedIssuesQuery = Static<typeof RelatedIssuesQuery>;
export const RelatedIssueList = Type.Object({
  items: Type.Array(
    Type.Object({
      ...issueFields,
      /** Keywords both issues have. */
      sharedTerms: Type.Array(Type.String()),
      /** Fact-checks (ids) the posts of both restate. */
      sharedFactChecks: Type.Array(Type.String()),
    }),
  ),
});
export const IssueDetail = Type.Object({
  ...issueFields,
  timeline: Type.Array(TimelineEntry),
  posts: Type.Array(
    Type.Composite([PostItem, Type.Object({ alreadyClarified: Type.Optional(Type.Boolean()) })]),
  ),
  /** Official clarifications (narasi tunggal), newest first, each with its agency's name. */
  clarifications: Type.Array(Clarification),
  /** True once any agency clarified the issue: later posts restate a clarified issue. */
  clarified: Type.Boolean(),
});

// Watchlist rules (issue 10): when a list alerts, and why.
const Minutes = Type.Integer({ minimum: 1, maximum: 24 * 60 });
export const WatchlistRuleSchema = Type.Union([
  Type.Object({ type: Type.Literal('rising') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('growing') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('volume'),
      min: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      windowMinutes: Minutes,
    },
    {
      additionalProperties: false,
      description:
        'At least `min` matching posts published within `windowMinutes` (a sliding window); after firing it rests one window.',
    },
  ),
  Type.Object(
    {
      type: Type.Literal('spike'),
      ratio: Type.Optional(Type.Number({ minimum: 1.1, maximum: 1000 })),
      minCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      windowMinutes: Type.Optional(Minutes),
      baselineWindows: Type.Optional(Type.Integer({ minimum: 1, maximum: 96 })),
    },
    {
      additionalProperties: false,
      description:
        'A sliding window of `windowMinutes` with at least `ratio` × the average matching posts per window over the `baselineWindows` windows before it, and at least `minCount`; after firing it rests one window.',
    },
  ),
  Type.Object(
    { type: Type.Literal('hoax'), minScore: Type.Number({ minimum: 0, maximum: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('claim'), minSimilarity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('match') }, { additionalProperties: false }),
]);

// Watchlists
export const CreateWatchlistBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
    /** When the list alerts (default `[{"type":"rising"}]`). */
    rules: Type.Optional(Type.Array(WatchlistRuleSchema, { minItems: 1, maxItems: 7 })),
  },
  { additionalProperties: false },
);
export type CreateWatchlistBody = Static<typeof CreateWatchlistBody>;
export const Watchlist = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  ast: Type.Unknown(),
  rules: Type.Array(WatchlistRuleSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const WatchlistList = Type.Object({ items: Type.Array(Watchlist) });
export const CheckWatchlistBody = Type.Object(
  { query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }) },
  { additionalProperties: false },
);
export type CheckWatchlistBody = Static<typeof CheckWatchlistBody>;
export const WatchlistCheck = Type.Object({
  valid: Type.Boolean(),
  /** Backtest: posts of the last `days` days the query matches. */
  backtest: Type.Object({ days: Type.Integer(), matched: Type.Integer() }),
});

// Subscription hygiene (issue 10): digests, quiet hours, routing, regions.
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const SubscriptionHygiene = {
  digest: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('hourly'), Type.Literal('daily')])),
  quietHours: Type.Optional(
    Type.Object(
      { start: ClockTime, end: ClockTime, tz: Type.String({ minLength: 1, maxLength: 64 }) },
      { additionalProperties: false },
    ),
  ),
  watchlistIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true })),
  regions: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, uniqueItems: true }),
  ),
};

/** GET /v1/regions: what a subscription's `regions` can name (the gazetteer's provinces and cities). */
export const RegionList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([Type.Literal('province'), Type.Literal('city')]),
      name: Type.String(),
      province: Type.Optional(Type.String()),
    }),
  ),
});

// Subscriptions
/** Channel options, each for its channel (checked per channel by the route): webhook url+secret, slack url or slackChannel, telegram chatId, email to. */
export const CreateSubscriptionBody = Type.Object(
  {
    channel: Type.Union(CHANNEL_NAMES.map((c) => Type.Literal(c))),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' })),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
    /** A Telegram chat: numeric id (groups negative) or @channelusername. */
    chatId: Type.Optional(Type.String({ pattern: '^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$' })),
    /** Slack through Pantau's Slack app: a conversation id (C…, G…), instead of a webhook `url`. */
    slackChannel: Type.Optional(Type.String({ pattern: '^[CG][A-Z0-9]{8,20}$' })),
    to: Type.Optional(
      Type.Array(Type.String({ format: 'email', maxLength: 254 }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])),
    ...SubscriptionHygiene,
  },
  { additionalProperties: false },
);
export type CreateSubscriptionBody = Static<typeof CreateSubscriptionBody>;
/**
 * PATCH /v1/subscriptions/:id: how the alerts reach the target, not the target (a new target is a new
 * subscription). A field given replaces the stored one; null removes it.
 */
export const UpdateSubscriptionBody = Type.Object(
  {
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])),
    digest: Type.Optional(Type.Union([SubscriptionHygiene.digest, Type.Null()])),
    quietHours: Type.Optional(Type.Union([SubscriptionHygiene.quietHours, Type.Null()])),
    watchlistIds: Type.Optional(Type.Union([SubscriptionHygiene.watchlistIds, Type.Null()])),
    regions: Type.Optional(Type.Union([SubscriptionHygiene.regions, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSubscriptionBody = Static<typeof UpdateSubscriptionBody>;
export const Subscription = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  /** Webhook URL; for Slack only its origin (the full URL is a secret). */
  url: Type.Optional(Type.String()),
  chatId: Type.Optional(Type.String()),
  to: Type.Optional(Type.Array(Type.String())),
  slackChannel: Type.Optional(Type.String()),
  language: Type.String(),
  createdAt: Type.String(),
  ...SubscriptionHygiene,
});
export const SubscriptionList = Type.Object({ items: Type.Array(Subscription) });

// Clarifications (narasi tunggal)
export const ClarificationBody = Type.Object(
  {
    text: Type.String({ minLength: 10, maxLength: 4000, pattern: '\\S' }),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' })),
  },
  { additionalProperties: false },
);
export type ClarificationBody = Static<typeof ClarificationBody>;
export const ClarificationCreated = Type.Object({
  clarification: Clarification,
  /**
   * Agencies alerted on the issue it was pushed to, deliveries enqueued, and tipline reports in the
   * issue whose senders will get it back (one message per sender).
   */
  pushedTo: Type.Object({ alerts: Type.Integer(), deliveries: Type.Integer(), reports: Type.Integer() }),
});

// Alerts: which rule fired and why, clarifications, ack and snooze.
const LocalizedText = Type.Object({ id: Type.String(), en: Type.String() });
const AlertHygiene = {
  trigger: Type.Optional(
    Type.Object({
      rule: Type.String(),
      watchlistId: Type.Optional(Type.String()),
      watchlistName: Type.Optional(Type.String()),
      reason: LocalizedText,
      at: Type.String(),
    }),
  ),
  firings: Type.Optional(
    Type.Array(
      Type.Object({
        rule: Type.String(),
        watchlistId: Type.Optional(Type.String()),
        count: Type.Integer(),
        lastAt: Type.String(),
      }),
    ),
  ),
  clarifications: Type.Optional(Type.Array(Clarification)),
  clarified: Type.Optional(Type.Boolean()),
  critical: Type.Optional(Type.Boolean()),
  ackedAt: Type.Optional(Type.String()),
  ackedBy: Type.Optional(Type.String()),
  snoozedUntil: Type.Optional(Type.String()),
};
export const SnoozeBody = Type.Object({ until: IsoDate }, { additionalProperties: false });
export type SnoozeBody = Static<typeof SnoozeBody>;

// Backtest
export const BacktestBody = Type.Object({ from: IsoDate, to: IsoDate }, { additionalProperties: false });
export type BacktestBody = Static<typeof BacktestBody>;
const BacktestExample = Type.Object({
  at: Type.String(),
  issueId: Type.Optional(Type.String()),
  postId: Type.Optional(Type.String()),
  reason: LocalizedText,
});
export const BacktestResult = Type.Object({
  watchlistId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  /** Matching posts in the range that the backtest looked at (capped; see `truncated`). */
  posts: Type.Integer(),
  truncated: Type.Boolean(),
  rules: Type.Array(
    Type.Object({
      rule: Type.Unknown(),
      type: Type.String(),
      /** How often it would have fired over stored history … */
      wouldHaveFired: Type.Integer(),
      /** … and how often it did fire live (the rule log) in the same range. */
      fired: Type.Integer(),
      summary: LocalizedText,
      examples: Type.Array(BacktestExample),
    }),
  ),
});

// Audit
export const AuditQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditList = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String(),
      actor: Type.String(),
      agencyId: Type.Optional(Type.String()),
      action: Type.String(),
      target: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  ),
});

// Alerts
export const AlertsQuery = Type.Object(
  {
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    /** The next page: the `nextCursor` of the previous one. */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type AlertsQuery = Static<typeof AlertsQuery>;
export const Delivery = Type.Object({
  subscriptionId: Type.String(),
  channel: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  lastStatus: Type.Optional(Type.Integer()),
  clarificationId: Type.Optional(Type.String()),
  deliveredAt: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
  heldUntil: Type.Optional(Type.String()),
});
export const Alert = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  version: Type.Integer(),
  issueId: Type.String(),
  watchlistIds: Type.Array(Type.String()),
  issue: Type.Object({
    id: Type.String(),
    title: Type.String(),
    status: Type.String(),
    windowCount: Type.Number(),
    total: Type.Number(),
    baseline: Type.Number(),
    hoaxShare: Type.Number(),
    regions: Type.Optional(
      Type.Array(
        Type.Object({ id: Type.String(), name: Type.String(), count: Type.Number(), share: Type.Number() }),
      ),
    ),
  }),
  summary: Type.Object({ id: Type.String(), en: Type.String() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveries: Type.Array(Delivery),
  ...AlertHygiene,
});
export const AlertList = Type.Object({ items: Type.Array(Alert), nextCursor: NextCursor });

// Analysts' labels and the hoax models they train
export const LabelBody = Type.Object(
  {
    label: Type.Union([Type.Literal('hoax'), Type.Literal('not_hoax')]),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type LabelBody = Static<typeof LabelBody>;
export const Label = Type.Object({
  id: Type.String(),
  postId: Type.String(),
  agencyId: Type.String(),
  label: Type.String(),
  note: Type.Optional(Type.String()),
  actor: Type.String(),
  at: IsoDate,
});
export const ModelItem = Type.Object({
  version: Type.String(),
  status: Type.String({ description: "'promoted' | 'rejected' | 'shipped'" }),
  createdAt: IsoDate,
  labels: Type.Integer(),
  reason: Type.String(),
  figures: Type.Unknown(),
});
export const ModelList = Type.Object({ inUse: Type.String(), items: Type.Array(ModelItem) });
export const RetrainAccepted = Type.Object({ jobId: Type.String() });
