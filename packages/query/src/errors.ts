/** Error codes a caller can branch on without parsing the message. */
export type QuerySyntaxErrorCode = 'QUERY_SYNTAX';

/**
 * Thrown by `parseQuery` for input that is not a usable watchlist query. The API returns it to agency
 * admins as a 400, so it carries both an English `message` (logs, API clients) and an Indonesian
 * `messageId` (shown in the dashboard next to the query box) plus the 0-based character `position` so the
 * UI can underline the culprit.
 */
export class QuerySyntaxError extends Error {
  readonly code: QuerySyntaxErrorCode = 'QUERY_SYNTAX';

  constructor(
    message: string,
    readonly position: number,
    readonly messageId: string,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}
