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
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type PostsQuery = Static<typeof PostsQuery>;

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
});
export const PostList = Type.Object({ total: Type.Integer(), items: Type.Array(PostItem) });

// Issues
export const IssuesQuery = Type.Object(
  {
    status: Type.Optional(IssueStatus),
    topic: Type.Optional(TopicIdParam),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type IssuesQuery = Static<typeof IssuesQuery>;

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
export const IssueList = Type.Object({ items: Type.Array(IssueItem) });
export const IssueDetail = Type.Object({
  ...issueFields,
  timeline: Type.Array(TimelineEntry),
  posts: Type.Array(PostItem),
});

// Watchlists
export const CreateWatchlistBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
  },
  { additionalProperties: false },
);
export type CreateWatchlistBody = Static<typeof CreateWatchlistBody>;
export const Watchlist = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  ast: Type.Unknown(),
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

// Subscriptions
/** Channel options, each for its channel (checked per channel by the route): webhook url+secret, slack url, telegram chatId, email to. */
export const CreateSubscriptionBody = Type.Object(
  {
    channel: Type.Union(CHANNEL_NAMES.map((c) => Type.Literal(c))),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' })),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
    /** A Telegram chat: numeric id (groups negative) or @channelusername. */
    chatId: Type.Optional(Type.String({ pattern: '^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$' })),
    to: Type.Optional(
      Type.Array(Type.String({ format: 'email', maxLength: 254 }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);
export type CreateSubscriptionBody = Static<typeof CreateSubscriptionBody>;
export const Subscription = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  /** Webhook URL; for Slack only its origin (the full URL is a secret). */
  url: Type.Optional(Type.String()),
  chatId: Type.Optional(Type.String()),
  to: Type.Optional(Type.Array(Type.String())),
  language: Type.String(),
  createdAt: Type.String(),
});
export const SubscriptionList = Type.Object({ items: Type.Array(Subscription) });

// Alerts
export const AlertsQuery = Type.Object(
  { size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
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
  }),
  summary: Type.Object({ id: Type.String(), en: Type.String() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveries: Type.Array(Delivery),
});
export const AlertList = Type.Object({ items: Type.Array(Alert) });

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
