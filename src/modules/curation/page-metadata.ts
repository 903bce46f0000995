import { parseHTML } from "linkedom";
import { decodeBody } from "../veille/feed/charset.js";

/**
 * What a saved link shows: title, description, image, site name, canonical URL and date, read from the
 * page the way link previews do — Open Graph first, then Twitter cards, then plain HTML (<title>,
 * meta description, the first large image). Pure: bytes and headers in, plain text out. Everything
 * returned is text (tags stripped, entities decoded, whitespace collapsed, length-capped) or an absolute
 * http(s) URL; renderers escape it, so no HTML from the page ever reaches a page of ours.
 */
export interface PageMetadata {
  url: string;
  title: string | null;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  publishedAt: string | null;
}

const LIMITS = { title: 300, description: 1000, siteName: 120 };

/** Collapses whitespace, strips any markup left in an attribute, caps the length (never inside a surrogate pair). */
export function cleanText(raw: string | null | undefined, max: number): string | null {
  if (!raw) return null;
  const text = raw
    .replace(/<[^>]*>/g, " ")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return null;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join("");
  return `${cut.trimEnd()}…`;
}

/** An absolute http(s) URL resolved against `base`, or null (javascript:, data:, malformed...). */
export function absoluteHttpUrl(raw: string | null | undefined, base: string): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw.trim(), base);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    if (u.username || u.password) return null;
    return u.toString();
  } catch {
    return null;
  }
}

/**
 * Decodes an HTML page with the feed core's charset detection (BOM, HTTP charset, <meta charset>, then
 * UTF-8; bytes that are not valid in the declared UTF-8 fall back to windows-1252 rather than U+FFFD).
 */
export function decodeHtml(body: Buffer, contentType?: string | null): string {
  return decodeBody(body, contentType && /html|xml/i.test(contentType) ? contentType : "text/html").text;
}

type Doc = ReturnType<typeof parseHTML>["document"];

function meta(doc: Doc, ...keys: string[]): string | null {
  for (const key of keys) {
    for (const attr of ["property", "name", "itemprop"]) {
      const el = doc.querySelector(`meta[${attr}="${key}" i]`);
      const content = el?.getAttribute("content");
      if (content?.trim()) return content;
    }
  }
  return null;
}

/** Images that are never the picture of a page: icons, logos, tracking pixels, spacers, avatars. */
const NOT_A_PICTURE = /(logo|icon|sprite|avatar|pixel|spacer|blank|badge|emoji|gravatar)|\.svg(\?|$)/i;

/** The first image of the content that says it is large (≥ 200 px both ways), or at least not tiny. */
function firstLargeImage(doc: Doc, base: string): string | null {
  const imgs = [...doc.querySelectorAll("article img, main img"), ...doc.querySelectorAll("img")] as unknown as Array<{
    getAttribute(n: string): string | null;
  }>;
  let fallback: string | null = null;
  for (const img of imgs) {
    const src = img.getAttribute("src") ?? img.getAttribute("data-src");
    const url = absoluteHttpUrl(src, base);
    if (!url || NOT_A_PICTURE.test(url)) continue;
    const w = Number(img.getAttribute("width"));
    const h = Number(img.getAttribute("height"));
    if (w >= 200 && h >= 200) return url;
    if ((w && w < 100) || (h && h < 100)) continue;
    fallback ??= w || h ? null : url;
  }
  return fallback;
}

function isoDate(raw: string | null): string | null {
  if (!raw) return null;
  const ms = Date.parse(raw.trim());
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Reads the metadata of an HTML page fetched from `url` (the final URL, after redirects). */
export function extractMetadata(html: string, url: string): PageMetadata {
  const { document: doc } = parseHTML(html.length > 2_000_000 ? html.slice(0, 2_000_000) : html);
  const baseHref = doc.querySelector("base[href]")?.getAttribute("href");
  const base = absoluteHttpUrl(baseHref, url) ?? url;
  const title =
    cleanText(meta(doc, "og:title", "twitter:title"), LIMITS.title) ??
    cleanText(doc.querySelector("title")?.textContent, LIMITS.title) ??
    cleanText(doc.querySelector("h1")?.textContent, LIMITS.title);
  const description = cleanText(meta(doc, "og:description", "twitter:description", "description"), LIMITS.description);
  const imageUrl =
    absoluteHttpUrl(meta(doc, "og:image:secure_url", "og:image", "og:image:url"), base) ??
    absoluteHttpUrl(meta(doc, "twitter:image", "twitter:image:src"), base) ??
    absoluteHttpUrl(doc.querySelector('link[rel="image_src"]')?.getAttribute("href"), base) ??
    firstLargeImage(doc, base);
  const canonical =
    absoluteHttpUrl(meta(doc, "og:url"), base) ??
    absoluteHttpUrl(doc.querySelector('link[rel="canonical"]')?.getAttribute("href"), base);
  const siteName =
    cleanText(meta(doc, "og:site_name", "application-name"), LIMITS.siteName) ?? hostLabel(canonical ?? url);
  const publishedAt = isoDate(
    meta(doc, "article:published_time", "og:article:published_time", "date", "dc.date", "datePublished") ??
      doc.querySelector("time[datetime]")?.getAttribute("datetime") ??
      null,
  );
  // A canonical URL on another site is a syndication claim we do not follow: the link saved is the page read.
  const sameSite = canonical && new URL(canonical).hostname === new URL(url).hostname;
  return { url: sameSite ? canonical : url, title, description, imageUrl, siteName, publishedAt };
}

/** "www.lemonde.fr" → "lemonde.fr": the source shown when a page names none. */
export function hostLabel(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}
