import type { Connector, SourceKind } from '../types';
import { factcheckConnector } from './factcheck';
import { mastodonConnector } from './mastodon';
import { redditConnector } from './reddit';
import { rssConnector } from './rss';
import { telegramConnector } from './telegram';
import { tiplineConnector } from './tipline';
import { xConnector } from './x';
import { youtubeConnector } from './youtube';

/** Every connector Pantau ships, by kind. */
export const CONNECTORS: ReadonlyMap<SourceKind, Connector> = new Map<SourceKind, Connector>(
  [
    rssConnector,
    factcheckConnector,
    mastodonConnector,
    redditConnector,
    telegramConnector,
    xConnector,
    youtubeConnector,
    tiplineConnector,
  ].map((c) => [c.kind, c]),
);

export {
  rssConnector,
  factcheckConnector,
  mastodonConnector,
  redditConnector,
  telegramConnector,
  xConnector,
  youtubeConnector,
  tiplineConnector,
};
export { parseVerdict } from './factcheck';
export { DEFAULT_ACK_TEXT, clarificationFollowUpText } from './tipline';
export { msUntilQuotaReset } from './youtube';
