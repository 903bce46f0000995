/** The feed core: database-free, used by the veille poller, the subscription flow and `relais feeds parse`. */
export { decodeBody, normalizeCharset } from "./charset.js";
export { parseDate } from "./dates.js";
export { candidateFeedUrls, type DiscoveredFeed, type Discovery, discoverFeeds } from "./discovery.js";
export { FEED_ERROR_KINDS, FEED_ERROR_MESSAGES, type FeedErrorKind, feedErrorMessage } from "./errors.js";
export {
  classifyHttpError,
  FEED_ACCEPT,
  type FetchFeedOptions,
  type FetchResult,
  type FetchState,
  fetchFeed,
  parseMaxAge,
  parseRetryAfter,
} from "./fetch.js";
export { detectLanguage } from "./language.js";
export { absoluteUrl, FeedParseError, type FeedParseErrorKind, parseFeed } from "./parse.js";
export { escapeHtml, htmlToText, sanitizeHtml, textToHtml } from "./sanitize.js";
export * from "./types.js";
