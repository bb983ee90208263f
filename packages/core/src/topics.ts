/**
 * Kafka topic names. A prefix (config `TOPIC_PREFIX`) lets tests and several deployments share one
 * cluster without seeing each other's messages.
 */
export interface Topics {
  readonly postsRaw: string;
  readonly postsScored: string;
  readonly postsEnriched: string;
  readonly issues: string;
  readonly dlq: string;
}

export function topicNames(prefix = ''): Topics {
  return {
    postsRaw: `${prefix}posts.raw`,
    postsScored: `${prefix}posts.scored`,
    postsEnriched: `${prefix}posts.enriched`,
    issues: `${prefix}issues`,
    dlq: `${prefix}dlq`,
  };
}

/**
 * Partition counts: enough for a few consumers per stage on one machine; raise to scale out.
 * `posts.scored` has ONE partition on purpose: issue assignment is a single writer (one story, one
 * issue, whatever scorer enriched its posts); every scorer process runs an assigner, one is active,
 * the others take over if it dies.
 */
export const TOPIC_PARTITIONS: Record<keyof Topics, number> = {
  postsRaw: 6,
  postsScored: 1,
  postsEnriched: 6,
  issues: 3,
  dlq: 1,
};

/**
 * Header on every `posts.enriched` message: how many watchlists the post matched ("0", "2"). The API's
 * rule stage reads every enriched post but has work only for posts some watchlist matched; with this
 * header it skips the others without parsing them (a whole enriched post is several kilobytes of JSON:
 * parsing each one was ~90 µs, a quarter of the API's CPU per post under load). A message without the
 * header (from an older scorer) is parsed as before.
 */
export const WATCHLIST_COUNT_HEADER = 'x-pantau-watchlists';

/**
 * Header on every `posts.enriched` message: the post's id. A detector starting up reads back the
 * messages it handled last (`Bus.recall`) for their ids only — a replayed duplicate of one of them is
 * then not counted again — and with this header it need not parse them.
 */
export const POST_ID_HEADER = 'x-pantau-post';
