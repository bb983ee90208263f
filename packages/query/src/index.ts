export type { QueryAst, TermNode, PhraseNode, AndNode, OrNode, NotNode } from './ast';
export { formatQuery, hashtagKey, topicKey, TOPIC_FIELD, requiresPositiveTerm } from './ast';
export { QuerySyntaxError, type QuerySyntaxErrorCode } from './errors';
export { parseQuery, MAX_QUERY_LENGTH, MAX_NESTING_DEPTH } from './parser';
export { compileToOpenSearch, type OpenSearchCompileOptions, type OpenSearchQuery } from './opensearch';
export { compileMatcher, basicNormalizeTerm, type MatchDoc, type NormalizeTerm } from './matcher';
export { createWatchlistIndex, type WatchlistIndex, type WatchlistIndexOptions } from './watchlist-index';
