import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * One schema per topic, written once in TypeBox (JSON Schema) and used both by Fastify routes and by
 * every Kafka consumer. Messages carry `v`; a consumer accepts the versions it knows.
 */
export const SCHEMA_VERSION = 1 as const;

const IsoDate = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp with zone' });
const Count = Type.Integer({ minimum: 0 });

export const Author = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 256 })),
  handle: Type.Optional(Type.String({ maxLength: 256 })),
  name: Type.Optional(Type.String({ maxLength: 512 })),
});

export const Metrics = Type.Object({
  likes: Type.Optional(Count),
  shares: Type.Optional(Count),
  replies: Type.Optional(Count),
  views: Type.Optional(Count),
});

/** What a source or a push client gives us about one post (the HTTP ingest body item). */
export const PostInput = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
  sourceId: Type.String({ minLength: 1, maxLength: 512 }),
  /** The connector kind that brought the post (rss, mastodon …); absent for pushed posts. */
  sourceKind: Type.Optional(Type.String({ maxLength: 32, pattern: '^[a-z0-9-]+$' })),
  text: Type.String({ minLength: 1, maxLength: 20_000 }),
  publishedAt: IsoDate,
  url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
  author: Type.Optional(Author),
  metrics: Type.Optional(Metrics),
  replyTo: Type.Optional(Type.String({ maxLength: 512 })),
  lang: Type.Optional(Type.String({ maxLength: 16 })),
  /**
   * Where the post is from or about, when its source knows (a regional outlet, a provincial office's
   * feed): a province or city of GET /v1/regions, by id or name (`jatim`, `Jawa Timur`), stored as its
   * id. Counts for the issue's regions as a place the text names would. One that names no region is
   * dropped with a warning; the post is kept.
   */
  region: Type.Optional(Type.String({ maxLength: 128 })),
});
export type PostInput = Static<typeof PostInput>;

/** `posts.raw`, key `source:sourceId`. */
export const RawPost = Type.Composite([
  PostInput,
  Type.Object({
    v: Type.Literal(SCHEMA_VERSION),
    id: Type.String({ minLength: 1, maxLength: 128 }),
    fetchedAt: IsoDate,
  }),
]);
export type RawPost = Static<typeof RawPost>;

export const HoaxSignal = Type.Object({
  id: Type.String(),
  weight: Type.Number(),
  label: Type.Object({ id: Type.String(), en: Type.String() }),
  evidence: Type.Optional(Type.String()),
});
export type HoaxSignal = Static<typeof HoaxSignal>;

export const Entity = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  name: Type.String(),
  matched: Type.String(),
  /** A city's province: id and name. */
  province: Type.Optional(Type.String()),
  provinceName: Type.Optional(Type.String()),
});

export const ClaimMatch = Type.Object({
  factCheckId: Type.String(),
  title: Type.String(),
  similarity: Type.Number({ minimum: 0, maximum: 1 }),
  url: Type.Optional(Type.String()),
});

/** A topic of the fixed taxonomy (nlp-id topic-taxonomy.ts) with its calibrated score and explaining words. */
export const PostTopic = Type.Object({
  id: Type.String(),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  words: Type.Optional(Type.Array(Type.String())),
});
export type PostTopic = Static<typeof PostTopic>;

/** An issue's topic mix: how many of its posts carry each topic (topics with a share ≥ ISSUE_TOPIC_MIN_SHARE, or its top one). */
export const IssueTopic = Type.Object({
  id: Type.String(),
  count: Count,
  share: Type.Number({ minimum: 0, maximum: 1 }),
});
export type IssueTopic = Static<typeof IssueTopic>;

/** Posts of an issue from one source (source id), busiest first. */
export const IssueSourceCount = Type.Object({
  source: Type.String(),
  count: Count,
  share: Type.Number({ minimum: 0, maximum: 1 }),
});
/** A fact-checked claim an issue's posts restate, and how many of them do. */
export const IssueFactCheck = Type.Object({
  id: Type.String(),
  title: Type.String(),
  url: Type.Optional(Type.String()),
  posts: Count,
});

/**
 * `posts.scored`, key `source:sourceId`: a raw post with everything that can be worked out from the
 * post alone (language, terms, hoax score, watchlists …). Scorers compute it in parallel; the single
 * issue assigner reads it in order and adds the issue.
 */
export const ScoredPost = Type.Composite([
  RawPost,
  Type.Object({
    normalizedText: Type.String(),
    language: Type.String(),
    terms: Type.Array(Type.String()),
    hashtags: Type.Array(Type.String()),
    mentions: Type.Array(Type.String()),
    domains: Type.Array(Type.String()),
    urls: Type.Optional(Type.Array(Type.String())),
    entities: Type.Array(Entity),
    signature: Type.Array(Type.String(), { description: 'near-duplicate LSH band keys' }),
    hoaxScore: Type.Number({ minimum: 0, maximum: 1 }),
    signals: Type.Array(HoaxSignal),
    modelVersion: Type.String(),
    watchlistIds: Type.Array(Type.String()),
    claimMatches: Type.Array(ClaimMatch),
    /** Topics at or above their threshold, best first (absent on posts enriched before topics existed). */
    topics: Type.Optional(Type.Array(PostTopic)),
    /**
     * The provinces and cities the post is about: those its text names (a city with its province) and
     * its source's region. Absent on posts scored before regions were resolved by the scorer.
     */
    regions: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
    enrichedAt: IsoDate,
  }),
]);
export type ScoredPost = Static<typeof ScoredPost>;

/** `posts.enriched`, key = issue id: a scored post in its issue. */
export const EnrichedPost = Type.Composite([
  ScoredPost,
  Type.Object({
    nearDuplicateOf: Type.Optional(Type.String()),
    issueId: Type.String(),
    issueTerms: Type.Array(Type.String()),
    issueTitle: Type.Optional(Type.String({ description: "the issue's most representative post so far" })),
  }),
]);
export type EnrichedPost = Static<typeof EnrichedPost>;

export const IssueStatus = Type.Union([
  Type.Literal('new'),
  Type.Literal('rising'),
  Type.Literal('growing'),
  Type.Literal('peaked'),
  Type.Literal('cooled'),
]);
export type IssueStatus = Static<typeof IssueStatus>;

/** `issues`, key = issue id: lifecycle events. */
export const IssueEvent = Type.Object({
  v: Type.Literal(SCHEMA_VERSION),
  /** Deterministic (issue, type, time, count): a re-published event has the same id, so consumers can drop it. */
  id: Type.Optional(Type.String()),
  type: IssueStatus,
  /** Why, in plain words: "84 posts in 10 min, 12× its usual level, 31 accounts" (English) … */
  reason: Type.Optional(Type.String()),
  /** … and in Bahasa Indonesia. */
  reasonId: Type.Optional(Type.String()),
  issueId: Type.String(),
  title: Type.String(),
  terms: Type.Array(Type.String()),
  at: IsoDate,
  windowMs: Count,
  windowCount: Count,
  total: Count,
  baseline: Type.Number({ minimum: 0 }),
  score: Type.Number(),
  growth: Type.Number(),
  samplePostIds: Type.Array(Type.String()),
  hoaxShare: Type.Number({ minimum: 0, maximum: 1 }),
  distinctAuthors: Count,
  coordinated: Type.Boolean(),
  watchlistIds: Type.Array(Type.String()),
  /** The issue's topic mix (absent from events of detectors older than topics). */
  topics: Type.Optional(Type.Array(IssueTopic)),
  /** Provinces and cities a good share of its posts name (see regions.ts); absent when none. */
  regions: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        count: Count,
        share: Type.Number({ minimum: 0, maximum: 1 }),
      }),
    ),
  ),
  /** Where its posts come from (the 20 busiest sources); absent from older detectors' events. */
  sources: Type.Optional(Type.Array(IssueSourceCount)),
  /** Fact-checks its posts restate, most posts first (the top 10); absent when none. */
  factChecks: Type.Optional(Type.Array(IssueFactCheck)),
  firstSeen: IsoDate,
  lastSeen: IsoDate,
});
export type IssueEvent = Static<typeof IssueEvent>;

/** `dlq`: what could not be handled, with why, and the original bytes. */
export const DeadLetter = Type.Object({
  v: Type.Literal(SCHEMA_VERSION),
  topic: Type.String(),
  partition: Type.Integer(),
  offset: Type.String(),
  key: Type.Union([Type.String(), Type.Null()]),
  valueBase64: Type.String(),
  errorCode: Type.String(),
  errorMessage: Type.String(),
  consumerGroup: Type.String(),
  failedAt: IsoDate,
});
export type DeadLetter = Static<typeof DeadLetter>;

export type { Static, TSchema };
