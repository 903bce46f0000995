/**
 * The normalized feed: one shape for every format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1).
 * It is exactly what `relais feeds parse --json` prints; docs/FEEDS.md documents every field.
 */
export const FEED_FORMATS = ["rss0.9x", "rss1.0", "rss2.0", "atom0.3", "atom1.0", "json1.0", "json1.1"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface FeedEnclosure {
  /** Absolute URL. */
  url: string;
  /** MIME type; guessed from the extension (or "image/*", "video/*"…) when the feed does not say. */
  type: string | null;
  /** Bytes, when the feed says. */
  length: number | null;
}

export interface FeedItem {
  /** guid / Atom id / JSON id; else the link; else "sha256:" + a hash of title, date and content. */
  id: string;
  /** Plain text (tags removed, entities decoded, whitespace collapsed). */
  title: string | null;
  /** Absolute URL (Google Alerts redirect links unwrapped). */
  link: string | null;
  /** ISO-8601 UTC (Date.toISOString()); the updated date when the feed gives no publication date. */
  published: string | null;
  updated: string | null;
  /** Plain text; several authors joined with ", ". */
  author: string | null;
  /** Sanitized HTML: the short text (description, Atom summary, JSON summary, itunes:summary, media:description). */
  summary: string | null;
  /** Sanitized HTML: the full text (content:encoded, Atom content, JSON content_html / content_text). */
  content: string | null;
  /** Plain text, deduplicated, in feed order. */
  categories: string[];
  enclosures: FeedEnclosure[];
}

export interface NormalizedFeed {
  format: FeedFormat;
  /** Plain text. */
  title: string | null;
  /** The site's absolute URL. */
  link: string | null;
  /** Plain text. */
  description: string | null;
  /** The declared language's primary subtag, lower case ("fr" for "fr-FR"); null when undeclared. */
  language: string | null;
  /** ISO-8601 UTC. */
  updated: string | null;
  items: FeedItem[];
}

export interface ParseOptions {
  /** The feed's URL: the base for relative links (before any xml:base). */
  url?: string;
  /** The HTTP Content-Type, for its charset parameter and to tell an HTML page from a feed. */
  contentType?: string;
}
