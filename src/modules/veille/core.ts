/**
 * The veille's view of the database-free feed core (src/modules/veille/feed/): one import point, so the
 * service code does not depend on the core's file layout.
 */
export {
  candidateFeedUrls,
  type DiscoveredFeed,
  decodeBody,
  detectLanguage,
  type FeedErrorKind,
  type FeedItem,
  FeedParseError,
  type FetchResult,
  feedErrorMessage,
  fetchFeed,
  htmlToText,
  type NormalizedFeed,
  parseFeed,
  sanitizeHtml,
} from "./feed/index.js";
