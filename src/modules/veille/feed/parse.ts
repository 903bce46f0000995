import { createHash } from "node:crypto";
import { parseFeed as feedsmithParse } from "feedsmith";
import { decodeBody } from "./charset.js";
import { parseDate } from "./dates.js";
import { type DiscoveredFeed, discoverFeeds } from "./discovery.js";
import { repairXml } from "./lenient.js";
import { escapeHtml, htmlToText, sanitizeHtml, textToHtml } from "./sanitize.js";
import type { FeedEnclosure, FeedFormat, FeedItem, NormalizedFeed, ParseOptions } from "./types.js";

/**
 * Feed bytes → NormalizedFeed (src/modules/veille/feed/types.ts, docs/FEEDS.md).
 * 1. decode (charset.ts: BOM > HTTP charset > XML declaration, checked against the bytes);
 * 2. parse with feedsmith; when it refuses malformed XML, repair the XML with a lenient tokenizer
 *    (lenient.ts) and parse again, so whatever is readable is kept;
 * 3. normalise: plain-text titles, ISO dates, absolute links (feed URL, then xml:base on the feed, the entry
 *    and the content), sanitized HTML, namespaces (content:, dc:, media:, itunes:) folded in.
 * An HTML page is refused with kind "not_a_feed" and the feeds it declares in `details.feeds`.
 */

export type FeedParseErrorKind = "not_a_feed" | "empty" | "unreadable";

export class FeedParseError extends Error {
  constructor(
    readonly kind: FeedParseErrorKind,
    message: string,
    readonly details: { feeds?: DiscoveredFeed[]; candidates?: string[] } = {},
  ) {
    super(message);
    this.name = "FeedParseError";
  }
}

type Node = Record<string, unknown>;
const EMPTY: Node = Object.freeze({}) as Node;

function o(v: unknown): Node {
  if (Array.isArray(v)) return o(v[0]);
  return v && typeof v === "object" ? (v as Node) : EMPTY;
}
function a(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}
function s(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (v && typeof v === "object" && !Array.isArray(v) && "value" in v) return s((v as Node).value);
  return undefined;
}
function n(v: unknown): number | null {
  const x = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
  return Number.isFinite(x) && x >= 0 ? Math.floor(x) : null;
}
function first<T>(...values: (T | null | undefined)[]): T | null {
  for (const v of values) if (v !== null && v !== undefined && (v as unknown) !== "") return v;
  return null;
}

/** A URL made absolute against `base`, or null (javascript:, garbage). Google redirect links unwrapped. */
export function absoluteUrl(href: string | null | undefined, base?: string | null): string | null {
  if (!href) return null;
  const h = href.trim();
  if (!h) return null;
  let url: URL;
  try {
    url = base ? new URL(h, base) : new URL(h);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return unwrapRedirect(url).toString();
}

/** Google Alerts (and Google News) wrap links as https://www.google.com/url?…&url=REAL: keep REAL. */
function unwrapRedirect(url: URL): URL {
  if (/(^|\.)google\.[a-z.]{2,6}$/.test(url.hostname) && url.pathname === "/url") {
    const target = url.searchParams.get("url") ?? url.searchParams.get("q");
    if (target) {
      try {
        const t = new URL(target);
        if (t.protocol === "http:" || t.protocol === "https:") return t;
      } catch {}
    }
  }
  return url;
}

function baseOf(node: unknown, parent: string | null): string | null {
  const b = s(o(o(node).xml).base);
  if (!b) return parent;
  try {
    return parent ? new URL(b.trim(), parent).toString() : new URL(b.trim()).toString();
  } catch {
    return parent;
  }
}

function plain(v: unknown): string | null {
  return htmlToText(s(v) ?? null);
}
function plainText(v: unknown): string | null {
  const t = s(v)?.replace(/\s+/g, " ").trim();
  return t || null;
}

/** Atom text constructs: type text (escaped), html (escaped markup) or xhtml (inline markup). */
function atomHtml(node: unknown, base: string | null): string | null {
  const value = s(node);
  if (!value) return null;
  const type = (s(o(node).type) ?? "text").toLowerCase();
  const b = baseOf(node, base) ?? undefined;
  if (type === "text" || type === "text/plain") return textToHtml(value);
  if (type === "html" || type === "xhtml" || type.includes("html")) return sanitizeHtml(value, b);
  return null; // other media types (base64 payloads, out-of-line src)
}
function atomText(node: unknown): string | null {
  const type = (s(o(node).type) ?? "text").toLowerCase();
  return type === "text" || type === "text/plain" ? plainText(node) : plain(node);
}

function languageTag(v: unknown): string | null {
  const t = s(v)?.trim().toLowerCase();
  if (!t) return null;
  const primary = t.split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

const EXT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  opus: "audio/opus",
  wav: "audio/wav",
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  pdf: "application/pdf",
};

function guessType(url: string, medium?: string): string | null {
  const ext = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const byExt = ext ? EXT_TYPES[ext] : undefined;
  if (byExt && (!medium || byExt.startsWith(medium))) return byExt;
  if (medium && /^(image|audio|video)$/.test(medium)) return `${medium}/*`;
  return byExt ?? null;
}

class Enclosures {
  readonly list: FeedEnclosure[] = [];
  constructor(private readonly base: string | null) {}
  add(href: unknown, type?: unknown, length?: unknown, medium?: unknown) {
    const url = absoluteUrl(s(href), this.base);
    if (!url) return;
    const existing = this.list.find((e) => e.url === url);
    const t = s(type)?.trim().toLowerCase() || guessType(url, s(medium)?.toLowerCase());
    const len = n(length);
    if (existing) {
      existing.type ??= t ?? null;
      existing.length ??= len && len > 0 ? len : null;
      return;
    }
    this.list.push({ url, type: t ?? null, length: len && len > 0 ? len : null });
  }
  /** media:content, media:thumbnail, in media:group too. */
  media(node: unknown) {
    const m = o(node);
    const groups = [m, ...a(m.groups).map(o)];
    for (const g of groups) {
      for (const c of a(g.contents).map(o)) {
        this.add(c.url, c.type, c.fileSize, c.medium);
        for (const t of a(c.thumbnails).map(o)) this.add(t.url, undefined, undefined, "image");
      }
    }
    for (const g of groups) for (const t of a(g.thumbnails).map(o)) this.add(t.url, undefined, undefined, "image");
  }
}

function mediaDescription(node: unknown): string | null {
  const m = o(node);
  for (const g of [m, ...a(m.groups).map(o), ...a(m.contents).map(o)]) {
    const d = o(g.description);
    const value = s(d);
    if (value) return (s(d.type) ?? "plain") === "html" ? sanitizeHtml(value) : textToHtml(value);
  }
  return null;
}

function categories(...lists: unknown[][]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const list of lists)
    for (const c of list) {
      const node = o(c);
      const text = plain(typeof c === "string" ? c : first(s(node.label), s(node.name), s(node.term), s(node.text)));
      if (!text) continue;
      const key = text.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(text);
    }
  return out;
}

function authorText(v: unknown): string | null {
  const t = plain(v);
  if (!t) return null;
  // RSS <author> is "email (Name)": keep the name.
  const m = /^\S+@\S+\s*\((.+)\)$/.exec(t);
  return m?.[1]?.trim() || t;
}
function names(list: unknown[]): string | null {
  const out = list.map((x) => authorText(typeof x === "string" ? x : s(o(x).name))).filter(Boolean);
  return out.length ? [...new Set(out)].join(", ") : null;
}

function hashId(item: Omit<FeedItem, "id">): string {
  const h = createHash("sha256")
    .update([item.title ?? "", item.published ?? "", item.content ?? item.summary ?? ""].join("\u0000"))
    .digest("hex");
  return `sha256:${h.slice(0, 32)}`;
}

function withId(id: string | null | undefined, item: Omit<FeedItem, "id">): FeedItem {
  const i = id?.trim();
  return { id: i || item.link || hashId(item), ...item };
}

function finishItem(item: Omit<FeedItem, "id">): Omit<FeedItem, "id"> {
  if (!item.published && item.updated) item.published = item.updated;
  return item;
}

// ---------------------------------------------------------------------------------------------- RSS, RDF

function rssItem(raw: unknown, feedBase: string | null): FeedItem {
  const it = o(raw);
  const base = baseOf(it, feedBase);
  const guid = o(it.guid);
  const guidValue = s(it.guid)?.trim();
  const guidLink = guidValue && guid.isPermaLink !== false && /^https?:\/\//i.test(guidValue) ? guidValue : undefined;
  const atomLinks = a(o(it.atom).links).map(o);
  const dc = o(it.dc);
  const dcterms = o(it.dcterms);
  const itunes = o(it.itunes);
  const link = absoluteUrl(
    first(s(it.link), guidLink, s(atomLinks.find((l) => !l.rel || l.rel === "alternate")?.href)),
    base,
  );
  const enclosures = new Enclosures(base);
  for (const e of a(it.enclosures).map(o)) enclosures.add(e.url, e.type, e.length);
  enclosures.media(it.media);
  if (itunes.image) enclosures.add(s(o(itunes.image).href) ?? s(itunes.image), undefined, undefined, "image");
  const b = base ?? undefined;
  const item = finishItem({
    title: first(plain(it.title), plain(a(dc.titles)[0]), plain(itunes.title)),
    link,
    published: first(parseDate(s(it.pubDate)), parseDate(s(a(dc.dates)[0])), parseDate(s(dcterms.issued))),
    updated: first(parseDate(s(dcterms.modified)), parseDate(s(o(it.atom).updated))),
    author: first(names(a(dc.creators)), authorText(s(it.authors) ?? s(a(it.authors)[0])), authorText(itunes.author)),
    summary: first(
      sanitizeHtml(s(it.description), b),
      sanitizeHtml(s(a(dc.descriptions)[0]), b),
      textToHtml(s(itunes.summary)),
      textToHtml(s(itunes.subtitle)),
      mediaDescription(it.media),
    ),
    content: sanitizeHtml(s(o(it.content).encoded), b),
    categories: categories(a(it.categories), a(dc.subjects), a(o(it.media).keywords)),
    enclosures: enclosures.list,
  });
  return withId(first(guidValue, s(o(it.rdf).about)), item);
}

function rssFeed(feed: Node, format: FeedFormat, url: string | null): NormalizedFeed {
  const dc = o(feed.dc);
  const channelLink = first(
    s(feed.link),
    s(
      a(o(feed.atom).links)
        .map(o)
        .find((l) => l.rel === "alternate")?.href,
    ),
  );
  const base = baseOf(feed, first(url, absoluteUrl(channelLink)));
  const items = a(feed.items).map((it) => rssItem(it, base));
  return {
    format,
    title: first(plain(feed.title), plain(a(dc.titles)[0])),
    link: absoluteUrl(channelLink, base),
    description: first(plain(feed.description), plain(a(dc.descriptions)[0]), plain(o(feed.itunes).summary)),
    language: first(languageTag(feed.language), languageTag(a(dc.languages)[0]), languageTag(o(feed.xml).lang)),
    updated: first(parseDate(s(feed.lastBuildDate)), parseDate(s(feed.pubDate)), parseDate(s(a(dc.dates)[0]))),
    items,
  };
}

// ---------------------------------------------------------------------------------------------------- Atom

function atomLink(links: Node[], base: string | null): string | null {
  const alternates = links.filter((l) => !l.rel || l.rel === "alternate");
  const html = alternates.find((l) => !l.type || /html/i.test(s(l.type) ?? "")) ?? alternates[0];
  return absoluteUrl(s(html?.href), baseOf(html, base));
}

function atomEntry(raw: unknown, feedBase: string | null, feedAuthors: string | null): FeedItem {
  const e = o(raw);
  const base = baseOf(e, feedBase);
  const links = a(e.links).map(o);
  const enclosures = new Enclosures(base);
  for (const l of links.filter((l) => l.rel === "enclosure")) enclosures.add(l.href, l.type, l.length);
  enclosures.media(e.media);
  const itunes = o(e.itunes);
  const dc = o(e.dc);
  const item = finishItem({
    title: atomText(e.title),
    link: atomLink(links, base),
    published: first(parseDate(s(e.published)), parseDate(s(a(dc.dates)[0]))),
    updated: parseDate(s(e.updated)),
    author: first(names(a(e.authors)), names(a(dc.creators)), feedAuthors, authorText(itunes.author)),
    summary: first(atomHtml(e.summary, base), textToHtml(s(itunes.summary)), mediaDescription(e.media)),
    content: atomHtml(e.content, base),
    categories: categories(a(e.categories), a(dc.subjects)),
    enclosures: enclosures.list,
  });
  return withId(s(e.id), item);
}

function atomFeed(feed: Node, format: FeedFormat, url: string | null): NormalizedFeed {
  const links = a(feed.links).map(o);
  const base = baseOf(feed, url ?? atomLink(links, null));
  const authors = names(a(feed.authors));
  return {
    format,
    title: atomText(feed.title),
    link: atomLink(links, base),
    description: first(atomText(feed.subtitle), atomText(feed.tagline)),
    language: first(languageTag(o(feed.xml).lang), languageTag(a(o(feed.dc).languages)[0])),
    updated: parseDate(s(feed.updated)),
    items: a(feed.entries).map((e) => atomEntry(e, base, authors)),
  };
}

// ----------------------------------------------------------------------------------------------- JSON Feed

function jsonItem(raw: unknown, base: string | null, feedAuthors: string | null): FeedItem {
  const it = o(raw);
  const enclosures = new Enclosures(base);
  for (const att of a(it.attachments).map(o)) enclosures.add(att.url, att.mime_type, att.size_in_bytes);
  enclosures.add(it.image, undefined, undefined, "image");
  enclosures.add(it.banner_image, undefined, undefined, "image");
  const b = base ?? undefined;
  const summary = s(it.summary)?.trim();
  const item = finishItem({
    title: plainText(it.title),
    link: absoluteUrl(first(s(it.url), s(it.external_url)), base),
    published: parseDate(s(it.date_published)),
    updated: parseDate(s(it.date_modified)),
    author: first(names(a(it.authors)), names(a(it.author)), feedAuthors),
    summary: summary ? escapeHtml(summary) : null,
    content: first(sanitizeHtml(s(it.content_html), b), textToHtml(s(it.content_text))),
    categories: categories(a(it.tags)),
    enclosures: enclosures.list,
  });
  return withId(s(it.id), item);
}

function jsonFeed(feed: Node, format: FeedFormat, url: string | null): NormalizedFeed {
  const home = s(feed.home_page_url);
  const base = first(url, absoluteUrl(home));
  const authors = first(names(a(feed.authors)), names(a(feed.author)));
  return {
    format,
    title: plainText(feed.title),
    link: absoluteUrl(home, base),
    description: plainText(feed.description),
    language: languageTag(feed.language),
    updated: null,
    items: a(feed.items).map((it) => jsonItem(it, base, authors)),
  };
}

// -------------------------------------------------------------------------------------------- entry point

/** The root element's name and start tag, after the prolog (declaration, comments, doctype, PIs). */
function rootTag(text: string): { name: string; tag: string } | null {
  const m =
    /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w.:-]*)([^>]*)>/i.exec(
      text.slice(0, 8192),
    );
  return m ? { name: m[1] as string, tag: m[0].slice(m[0].lastIndexOf(`<${m[1]}`)) } : null;
}

function xmlFormat(root: { name: string; tag: string } | null, kind: string): FeedFormat {
  const tag = root?.tag ?? "";
  if (kind === "atom") return /version\s*=\s*["']0\.3|purl\.org\/atom\/ns#/i.test(tag) ? "atom0.3" : "atom1.0";
  if (kind === "rdf") return /my\.netscape\.com\/rdf\/simple\/0\.9/i.test(tag) ? "rss0.9x" : "rss1.0";
  const v = /version\s*=\s*["']\s*([\d.]+)/i.exec(tag)?.[1];
  return v?.startsWith("0.9") ? "rss0.9x" : v === "1.0" ? "rss1.0" : "rss2.0";
}

function normalize(format: string, feed: Node, root: { name: string; tag: string } | null, url: string | null) {
  if (format === "rss" || format === "rdf") return rssFeed(feed, xmlFormat(root, format), url);
  if (format === "atom") return atomFeed(feed, xmlFormat(root, "atom"), url);
  return jsonFeed(feed, /version\/1\.1/.test(root?.tag ?? "") ? "json1.1" : "json1.0", url);
}

function looksLikeHtml(text: string, root: { name: string } | null, contentType?: string): boolean {
  if (root?.name.toLowerCase() === "html") return true;
  if (/^\s*(<!--[\s\S]*?-->\s*)*<!doctype\s+html/i.test(text.slice(0, 2048))) return true;
  return Boolean(
    contentType && /text\/html|application\/xhtml/i.test(contentType) && !root?.name.match(/^(rss|feed|rdf:rdf)$/i),
  );
}

/** Parses a feed. Throws FeedParseError when nothing can be read. */
export function parseFeed(input: Buffer | string, opts: ParseOptions = {}): NormalizedFeed {
  const text = (typeof input === "string" ? input : decodeBody(input, opts.contentType).text).replace(/^\uFEFF/, "");
  const url = absoluteUrl(opts.url) ?? null;
  const start = text.trimStart();
  if (!start) throw new FeedParseError("empty", "The document is empty");

  if (start[0] === "{") {
    let json: unknown;
    try {
      json = JSON.parse(start);
    } catch {
      throw new FeedParseError("unreadable", "The JSON document is malformed");
    }
    const version = s(o(json).version) ?? "";
    if (!/jsonfeed\.org\/version\/1/.test(version) && !Array.isArray(o(json).items))
      throw new FeedParseError("not_a_feed", "This JSON document is not a JSON Feed");
    let parsed: { format: string; feed: unknown };
    try {
      parsed = feedsmithParse(json) as { format: string; feed: unknown };
    } catch {
      parsed = { format: "json", feed: json };
    }
    return normalize("json", o(parsed.feed), { name: "json", tag: version }, url);
  }

  const root = rootTag(start);
  if (looksLikeHtml(start, root, opts.contentType)) {
    const found = discoverFeeds(start, url ?? "http://localhost/");
    throw new FeedParseError("not_a_feed", "This is an HTML page, not a feed", {
      feeds: url ? found.links : found.links.filter((f) => !f.url.startsWith("http://localhost/")),
      candidates: url ? found.candidates : [],
    });
  }
  if (!start.startsWith("<")) throw new FeedParseError("unreadable", "The document is neither XML nor JSON");
  if (root && !/^(rss|feed|([\w-]+:)?rdf|channel)$/i.test(root.name))
    throw new FeedParseError("not_a_feed", `The document is XML but not a feed (root element <${root.name}>)`);

  let parsed: { format: string; feed: unknown } | null = null;
  try {
    parsed = feedsmithParse(start) as { format: string; feed: unknown };
  } catch {
    try {
      parsed = feedsmithParse(repairXml(start)) as { format: string; feed: unknown };
    } catch {
      parsed = null;
    }
  }
  if (!parsed) throw new FeedParseError("unreadable", "The feed is malformed beyond repair");
  return normalize(parsed.format, o(parsed.feed), root, url);
}
