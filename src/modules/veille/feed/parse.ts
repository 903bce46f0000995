import { createHash } from "node:crypto";
import { parseFeed as feedsmithParse } from "feedsmith";
import { decodeWithCharset, detectCharset, singleByteToUtf8 } from "./charset.js";
import { parseDate } from "./dates.js";
import { type DiscoveredFeed, discoverFeeds } from "./discovery.js";
import { escapeHtml, htmlToText, sanitizeHtml, textToHtml } from "./sanitize.js";
import type { FeedEnclosure, FeedFormat, FeedItem, NormalizedFeed, ParseOptions } from "./types.js";
import { resolveUrl } from "./url.js";
import {
  attr,
  child,
  children,
  latin1,
  readXml,
  slice,
  text,
  type XmlDocument,
  type XmlElement,
  type XmlKind,
} from "./xml.js";

/**
 * Feed bytes → NormalizedFeed (src/modules/veille/feed/types.ts, docs/FEEDS.md).
 * 1. decode (charset.ts: BOM > HTTP charset > XML declaration, checked against the bytes);
 * 2. read XML with our lenient reader (xml.ts: htmlparser2's tokenizer in XML mode, an element tree; malformed
 *    XML gives whatever is readable), JSON Feed with JSON.parse and feedsmith;
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
  const plain = resolveUrl(h, base);
  if (plain !== undefined && !(plain.includes("google.") && GOOGLE_HOST.test(plain))) return plain;
  let url: URL;
  try {
    url = base ? new URL(h, base) : new URL(h);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return unwrapRedirect(url).toString();
}

const GOOGLE_HOST = /^https?:\/\/[^/]*google\./;

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

function plain(v: unknown): string | null {
  return htmlToText(s(v) ?? null);
}
function plainText(v: unknown): string | null {
  const str = s(v);
  if (!str) return null;
  const t = /[^\S ]| {2}/.test(str) ? str.replace(/\s+/g, " ").trim() : str.trim();
  return t || null;
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

/** The path of an absolute http(s) URL as URL.toString() writes it (no second parse). */
function pathOf(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  if (slash === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", slash);
  if (query !== -1) end = query;
  const hash = url.indexOf("#", slash);
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(slash, end);
}

function guessType(url: string, medium?: string): string | null {
  const ext = /\.([a-z0-9]{2,5})$/i.exec(pathOf(url))?.[1]?.toLowerCase();
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
}

function categories(...lists: unknown[][]): string[] {
  const out: string[] = [];
  const seen: string[] = []; // lower case, for the (few) categories of an item
  for (const list of lists)
    for (const c of list) {
      const node = typeof c === "string" ? EMPTY : o(c);
      const text = plain(typeof c === "string" ? c : first(s(node.label), s(node.name), s(node.term), s(node.text)));
      if (!text) continue;
      const key = text.toLowerCase();
      if (seen.includes(key)) continue;
      seen.push(key);
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
  if (list.length === 0) return null;
  if (list.length === 1) {
    const x = list[0];
    return authorText(typeof x === "string" ? x : s(o(x).name));
  }
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
  return {
    id: i || item.link || hashId(item),
    title: item.title,
    link: item.link,
    published: item.published,
    updated: item.updated,
    author: item.author,
    summary: item.summary,
    content: item.content,
    categories: item.categories,
    enclosures: item.enclosures,
  };
}

function finishItem(item: Omit<FeedItem, "id">): Omit<FeedItem, "id"> {
  if (!item.published && item.updated) item.published = item.updated;
  return item;
}

// ------------------------------------------------------------------------------------------- XML reading

/** Everything the XML normalisers read from: the document and helpers over its element tree. */
class Doc {
  constructor(readonly xml: XmlDocument) {}
  /** An element's text (comments removed, CDATA unwrapped, references decoded, trimmed), or undefined. */
  t(el: XmlElement | undefined): string | undefined {
    return text(this.xml, el);
  }
  /** The text of a child. */
  c(el: XmlElement | undefined, name: string): string | undefined {
    return text(this.xml, child(el, name));
  }
  /** The text of a child that never holds markup (a link, a date): what comes before a stray tag. */
  bare(el: XmlElement | undefined, name: string): string | undefined {
    const v = text(this.xml, child(el, name));
    const lt = v ? v.indexOf("<") : -1;
    return lt === -1 ? v : v?.slice(0, lt).trim() || undefined;
  }
  /** An attribute's value (references decoded, trimmed), or undefined. */
  a(el: XmlElement | undefined, name: string): string | undefined {
    return attr(this.xml, el, name);
  }
  /** The texts of the children with that name. */
  all(el: XmlElement | undefined, name: string): string[] {
    const out: string[] = [];
    for (const c of children(el, name)) {
      const v = text(this.xml, c);
      if (v) out.push(v);
    }
    return out;
  }
}

/** The base for an element's relative links: its xml:base resolved against the parent's base. */
function resolveBase(b: string | undefined, parent: string | null): string | null {
  if (!b) return parent;
  const plain = resolveUrl(b, parent);
  if (plain !== undefined) return plain;
  try {
    return parent ? new URL(b, parent).toString() : new URL(b).toString();
  } catch {
    return parent;
  }
}
function baseOf(d: Doc, el: XmlElement | undefined, parent: string | null): string | null {
  return resolveBase(d.a(el, "xml:base"), parent);
}

const XHTML_DIV = /^(?:[a-z][\w.-]*:)?div$/;

/** The value of an Atom text construct or content, with its type and the base of its links. */
function atomValue(d: Doc, el: XmlElement | undefined, base: string | null) {
  if (!el) return null;
  const type = (d.a(el, "type") ?? "text").toLowerCase();
  let elementBase = baseOf(d, el, base);
  let value: string | undefined;
  if (type === "xhtml" || type === "application/xhtml+xml") {
    // Inline XHTML: the content of its wrapping <div> (with the div's xml:base), verbatim.
    const src = (from: number, to: number) => slice(d.xml, from, to);
    const div = el.children.length === 1 ? (el.children[0] as XmlElement) : undefined;
    if (div && XHTML_DIV.test(div.name) && !src(el.start, div.open).trim() && !src(div.close, el.end).trim()) {
      let inner = escapeCdata(src(div.start, div.end));
      const prefix = /^<([a-zA-Z][\w.-]*):/.exec(src(div.open, div.start))?.[1];
      if (prefix) inner = inner.replace(new RegExp(`(</?)${prefix.replace(/\./g, "\\.")}:`, "g"), "$1");
      value = inner.trim() || undefined;
      elementBase = baseOf(d, div, elementBase);
    } else {
      const whole = escapeCdata(src(el.start, el.end));
      value = /^\s*<(?:[a-zA-Z][\w.-]*:)?div[\s/>]/.test(whole) ? whole.trim() || undefined : d.t(el);
    }
  } else value = d.t(el);
  return value ? { value, type, base: elementBase } : null;
}

function escapeCdata(s: string): string {
  if (!s.includes("<![CDATA[")) return s;
  return s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, content: string) =>
    content.replace(/&/g, "&amp;").replace(/</g, "&lt;"),
  );
}

/** Atom text constructs as HTML: type text (escaped), html (escaped markup) or xhtml (inline markup). */
function atomHtml(d: Doc, el: XmlElement | undefined, base: string | null): string | null {
  const v = atomValue(d, el, base);
  if (!v) return null;
  if (v.type === "text" || v.type === "text/plain") return textToHtml(v.value);
  if (v.type === "html" || v.type === "xhtml" || v.type.includes("html"))
    return sanitizeHtml(v.value, v.base ?? undefined);
  return null; // other media types (base64 payloads, out-of-line src)
}
/** Atom text constructs as plain text. */
function atomText(d: Doc, el: XmlElement | undefined): string | null {
  const v = atomValue(d, el, null);
  if (!v) return null;
  return v.type === "text" || v.type === "text/plain" ? plainText(v.value) : plain(v.value);
}

/** media:content, media:thumbnail (in media:group too) as enclosures. */
function mediaEnclosures(d: Doc, enclosures: Enclosures, el: XmlElement) {
  const groups = [el, ...children(el, "media:group")];
  for (const g of groups)
    for (const c of children(g, "media:content")) {
      enclosures.add(d.a(c, "url"), d.a(c, "type"), d.a(c, "filesize"), d.a(c, "medium"));
      for (const t of children(c, "media:thumbnail")) enclosures.add(d.a(t, "url"), undefined, undefined, "image");
    }
  for (const g of groups)
    for (const t of children(g, "media:thumbnail")) enclosures.add(d.a(t, "url"), undefined, undefined, "image");
}

/** The first media:description: the element's own, then its media:group's, then its media:content's. */
function mediaDescription(d: Doc, el: XmlElement): string | null {
  for (const g of [el, ...children(el, "media:group"), ...children(el, "media:content")]) {
    const desc = child(g, "media:description");
    const value = d.t(desc);
    if (value) return d.a(desc, "type") === "html" ? sanitizeHtml(value) : textToHtml(value);
  }
  return null;
}

/** A non-empty date text: the first of the elements present (a later one is not tried when it is garbage). */
function dateText(d: Doc, el: XmlElement, ...names: string[]): string | null {
  for (const name of names) {
    const v = d.bare(el, name);
    if (v) return parseDate(v);
  }
  return null;
}

/** An Atom link: href (or its text, in old feeds), rel, type. */
function atomLinks(d: Doc, el: XmlElement, name: string) {
  return children(el, name).map((l) => ({
    el: l,
    href: d.a(l, "href") ?? d.t(l),
    rel: d.a(l, "rel"),
    type: d.a(l, "type"),
    length: d.a(l, "length"),
  }));
}
type AtomLink = ReturnType<typeof atomLinks>[number];

// ---------------------------------------------------------------------------------------------- RSS, RDF

function rssItem(d: Doc, it: XmlElement, feedBase: string | null): FeedItem {
  const base = baseOf(d, it, feedBase);
  const guid = child(it, "guid");
  const guidValue = d.t(guid);
  const permalink = !/^\s*false\s*$/i.test(d.a(guid, "ispermalink") ?? "");
  const guidLink = guidValue && permalink && /^https?:\/\//i.test(guidValue) ? guidValue : undefined;
  const link = absoluteUrl(
    d.bare(it, "link") ?? guidLink ?? atomLinks(d, it, "atom:link").find((l) => !l.rel || l.rel === "alternate")?.href,
    base,
  );
  const enclosures = new Enclosures(base);
  for (const e of children(it, "enclosure")) enclosures.add(d.a(e, "url"), d.a(e, "type"), d.a(e, "length"));
  mediaEnclosures(d, enclosures, it);
  const itunesImage = child(it, "itunes:image");
  if (itunesImage) enclosures.add(d.a(itunesImage, "href") ?? d.t(itunesImage), undefined, undefined, "image");
  const b = base ?? undefined;
  const keywords = d.c(it, "media:keywords");
  const item = finishItem({
    title: plain(d.c(it, "title")) ?? plain(d.c(it, "dc:title")) ?? plain(d.c(it, "itunes:title")),
    link,
    published: dateText(d, it, "pubdate") ?? dateText(d, it, "dc:date") ?? dateText(d, it, "dcterms:issued"),
    updated: dateText(d, it, "dcterms:modified") ?? dateText(d, it, "atom:updated", "atom:modified"),
    author: names(d.all(it, "dc:creator")) ?? authorText(d.c(it, "author")) ?? authorText(d.c(it, "itunes:author")),
    summary:
      sanitizeHtml(d.c(it, "description"), b) ??
      sanitizeHtml(d.c(it, "dc:description"), b) ??
      textToHtml(d.c(it, "itunes:summary")) ??
      textToHtml(d.c(it, "itunes:subtitle")) ??
      mediaDescription(d, it),
    content: sanitizeHtml(d.c(it, "content:encoded"), b),
    categories: categories(
      d.all(it, "category"),
      d.all(it, "dc:subject"),
      keywords ? keywords.split(",").map((k) => k.trim()) : [],
    ),
    enclosures: enclosures.list,
  });
  return withId(guidValue ?? d.a(it, "about") ?? d.a(it, "rdf:about"), item);
}

/** RSS 1.0 / 0.90: the items are the channel's siblings, in the order of the channel's rdf:Seq when it has one. */
function rdfItems(d: Doc, root: XmlElement, channel: XmlElement | undefined): readonly XmlElement[] {
  const items = children(root, "item");
  if (!items.length) return children(channel, "item");
  const list = child(channel, "items");
  const seq = child(list, "seq") ?? child(list, "rdf:seq");
  const refs = [...children(seq, "li"), ...children(seq, "rdf:li")]
    .map((li) => d.a(li, "resource") ?? d.a(li, "rdf:resource"))
    .filter((r): r is string => Boolean(r));
  if (!refs.length) return items;
  const about = (el: XmlElement) => d.a(el, "about") ?? d.a(el, "rdf:about");
  const ordered = refs.map((r) => items.find((it) => about(it) === r)).filter((it): it is XmlElement => Boolean(it));
  return ordered.length ? ordered : items;
}

function rssFeed(d: Doc, root: XmlElement, kind: XmlKind, format: FeedFormat, url: string | null): NormalizedFeed {
  const channel = root.name === "channel" ? root : (child(root, "channel") ?? root);
  const channelLink =
    d.bare(channel, "link") ?? atomLinks(d, channel, "atom:link").find((l) => l.rel === "alternate")?.href;
  const rootBase = baseOf(d, root, url ?? absoluteUrl(channelLink));
  const base = channel === root ? rootBase : baseOf(d, channel, rootBase);
  const itemElements =
    kind === "rdf"
      ? rdfItems(d, root, channel)
      : children(channel, "item").length || channel === root
        ? children(channel, "item")
        : children(root, "item");
  return {
    format,
    title: plain(d.c(channel, "title")) ?? plain(d.c(channel, "dc:title")),
    link: absoluteUrl(channelLink, base),
    description:
      plain(d.c(channel, "description")) ??
      plain(d.c(channel, "dc:description")) ??
      plain(d.c(channel, "itunes:summary")),
    language:
      languageTag(d.c(channel, "language")) ??
      languageTag(d.c(channel, "dc:language")) ??
      languageTag(d.a(root, "xml:lang")) ??
      languageTag(d.a(channel, "xml:lang")),
    updated:
      dateText(d, channel, "lastbuilddate") ?? dateText(d, channel, "pubdate") ?? dateText(d, channel, "dc:date"),
    items: itemElements.filter((it) => it.children.length || it.attrs).map((it) => rssItem(d, it, base)),
  };
}

// ---------------------------------------------------------------------------------------------------- Atom

function atomLink(d: Doc, links: AtomLink[], base: string | null): string | null {
  const alternates = links.filter((l) => !l.rel || l.rel === "alternate");
  const html = alternates.find((l) => !l.type || /html/i.test(l.type)) ?? alternates[0];
  return html ? absoluteUrl(html.href, baseOf(d, html.el, base)) : null;
}

/** Atom persons: their names. */
function personNames(d: Doc, el: XmlElement, name: string): string[] {
  const out: string[] = [];
  for (const p of children(el, name)) {
    const n = d.c(p, "name");
    if (n) out.push(n);
  }
  return out;
}

function atomEntry(d: Doc, e: XmlElement, feedBase: string | null, feedAuthors: string | null): FeedItem {
  const base = baseOf(d, e, feedBase);
  const links = atomLinks(d, e, "link");
  const enclosures = new Enclosures(base);
  for (const l of links) if (l.rel === "enclosure") enclosures.add(l.href, l.type, l.length);
  mediaEnclosures(d, enclosures, e);
  const item = finishItem({
    title: atomText(d, child(e, "title")),
    link: atomLink(d, links, base),
    published: dateText(d, e, "published", "issued", "created") ?? dateText(d, e, "dc:date"),
    updated: dateText(d, e, "updated", "modified"),
    author:
      names(personNames(d, e, "author")) ??
      names(d.all(e, "dc:creator")) ??
      feedAuthors ??
      authorText(d.c(e, "itunes:author")),
    summary: atomHtml(d, child(e, "summary"), base) ?? textToHtml(d.c(e, "itunes:summary")) ?? mediaDescription(d, e),
    content: atomHtml(d, child(e, "content"), base),
    categories: categories(
      children(e, "category").map((c) => d.a(c, "label") ?? d.a(c, "term")),
      d.all(e, "dc:subject"),
    ),
    enclosures: enclosures.list,
  });
  return withId(d.c(e, "id"), item);
}

function atomFeed(d: Doc, feed: XmlElement, format: FeedFormat, url: string | null): NormalizedFeed {
  const links = atomLinks(d, feed, "link");
  const base = baseOf(d, feed, url ?? atomLink(d, links, null));
  const authors = names(personNames(d, feed, "author"));
  return {
    format,
    title: atomText(d, child(feed, "title")),
    link: atomLink(d, links, base),
    description: atomText(d, child(feed, "subtitle") ?? child(feed, "tagline")),
    language: languageTag(d.a(feed, "xml:lang")) ?? languageTag(d.c(feed, "dc:language")),
    updated: dateText(d, feed, "updated", "modified"),
    items: children(feed, "entry")
      .filter((e) => e.children.length)
      .map((e) => atomEntry(d, e, base, authors)),
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

/** The kind of XML feed a root element name announces (a namespace prefix allowed), or null. */
function xmlKind(name: string): XmlKind | null {
  const local = name.toLowerCase().replace(/^[\w.-]+:/, "");
  if (local === "rss" || local === "channel") return "rss";
  if (local === "feed") return "atom";
  if (local === "rdf") return "rdf";
  return null;
}

function looksLikeHtml(text: string, root: { name: string } | null, contentType?: string): boolean {
  if (root?.name.toLowerCase() === "html") return true;
  if (/^\s*(<!--[\s\S]*?-->\s*)*<!doctype\s+html/i.test(text.slice(0, 2048))) return true;
  return Boolean(
    contentType && /text\/html|application\/xhtml/i.test(contentType) && !root?.name.match(/^(rss|feed|rdf:rdf)$/i),
  );
}

/** The first `max` bytes from `from` as text, cut at a character boundary. */
function head(bytes: Buffer, from: number, max: number): string {
  let end = Math.min(bytes.length, from + max);
  while (end < bytes.length && end > from && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.toString("utf8", from, end);
}

const HEAD = 8192;
const SHORT_HEAD = 1024;

/** Parses a feed. Throws FeedParseError when nothing can be read. */
export function parseFeed(input: Buffer | string, opts: ParseOptions = {}): NormalizedFeed {
  // XML is read from UTF-8 bytes (xml.ts); other encodings are decoded, then re-encoded. `from`: where the
  // document starts in them (after a BOM and leading whitespace).
  let bytes: Buffer;
  let from = 0;
  if (typeof input === "string") bytes = Buffer.from(input, "utf8");
  else {
    const detected = detectCharset(input, opts.contentType);
    if (detected.charset === "utf-8") {
      bytes = input;
      from = detected.skip;
    } else
      bytes =
        (detected.skip === 0 && singleByteToUtf8(input, detected.charset)) ||
        Buffer.from(decodeWithCharset(input, detected), "utf8");
  }
  if (bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3; // a BOM left
  const url = absoluteUrl(opts.url) ?? null;
  const n = bytes.length;
  while (from < n && (bytes[from] === 0x20 || bytes[from] === 0x0a || bytes[from] === 0x0d || bytes[from] === 0x09))
    from++;
  // The prolog checks below read a short head as Latin-1 (a copy, no decoding: they look for ASCII
  // markup); the UTF-8 text of the first 8 KB when that is not enough.
  let start = latin1(bytes, from, Math.min(n, from + SHORT_HEAD)).trimStart();
  let root = start[0] === "<" ? rootTag(start) : null;
  if (!start || start.charCodeAt(0) >= 0x80 || (start[0] === "<" && !root && n - from > SHORT_HEAD)) {
    start = head(bytes, from, HEAD).trimStart();
    root = start[0] === "<" ? rootTag(start) : null;
  }
  if (!start && n - from <= HEAD) throw new FeedParseError("empty", "The document is empty");

  if (start[0] === "{") {
    const whole = bytes.toString("utf8", from).trim();
    let json: unknown;
    try {
      json = JSON.parse(whole);
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
    return jsonFeed(o(parsed.feed), /version\/1\.1/.test(version) ? "json1.1" : "json1.0", url);
  }

  if (looksLikeHtml(start, root, opts.contentType)) {
    const page = bytes.toString("utf8", from).trimStart();
    const found = discoverFeeds(page, url ?? "http://localhost/");
    throw new FeedParseError("not_a_feed", "This is an HTML page, not a feed", {
      feeds: url ? found.links : found.links.filter((f) => !f.url.startsWith("http://localhost/")),
      candidates: url ? found.candidates : [],
    });
  }
  if (!start.startsWith("<")) throw new FeedParseError("unreadable", "The document is neither XML nor JSON");
  if (root && !xmlKind(root.name))
    throw new FeedParseError("not_a_feed", `The document is XML but not a feed (root element <${root.name}>)`);

  // Without a readable root start tag in the prolog (odd prolog, truncated tag), the tree tells.
  let kind = root ? xmlKind(root.name) : null;
  let xml = readXml(bytes, kind ?? "rss", from);
  const top = xml.root;
  if (!top) throw new FeedParseError("unreadable", "The feed is malformed beyond repair");
  if (!kind) {
    kind = xmlKind(top.name);
    if (!kind)
      throw new FeedParseError("not_a_feed", `The document is XML but not a feed (root element <${top.name}>)`);
    if (kind !== "rss") xml = readXml(bytes, kind, from);
  }
  const el = xml.root as XmlElement;
  const tag = root ?? { name: el.name, tag: slice(xml, el.open, el.start) };
  const d = new Doc(xml);
  if (kind === "atom") return atomFeed(d, el, xmlFormat(tag, "atom"), url);
  // RSS needs a channel (or, in RSS 1.0 and tag soup, items): an <rss> with neither is no feed.
  if (el.name !== "channel" && !child(el, "channel") && !child(el, "item"))
    throw new FeedParseError("unreadable", "The feed is malformed beyond repair");
  return rssFeed(d, el, kind, xmlFormat(tag, kind), url);
}
