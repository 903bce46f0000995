import iconv from "iconv-lite";
import { parseHTML } from "linkedom";
import type { HttpClient } from "../../lib/http-client.js";

/**
 * The link card of a post: title, description and image of the linked page, read from its Open Graph
 * tags (og:title, og:description, og:image), falling back to twitter:* tags, <title> and
 * <meta name="description">. Fetched through the safe HTTP client (SSRF guard, size and time limits).
 */

export interface LinkPreview {
  uri: string;
  title: string;
  description: string;
  imageUrl: string | null;
}

const PAGE_LIMITS = { maxBytes: 2 * 1024 * 1024, totalTimeoutMs: 10_000, maxRedirects: 5 };
export const IMAGE_LIMITS = { maxBytes: 10 * 1024 * 1024, totalTimeoutMs: 15_000, maxRedirects: 5 };

function clean(s: string | null | undefined, max: number): string {
  const t = (s ?? "").replace(/\s+/g, " ").trim();
  const chars = [...t];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : t;
}

/** Parses the preview from a page's HTML; `pageUrl` resolves relative image URLs. */
export function parseOpenGraph(html: string, pageUrl: string): LinkPreview {
  const { document } = parseHTML(html);
  const meta = (...keys: string[]): string | null => {
    for (const key of keys) {
      const el =
        document.querySelector(`meta[property="${key}"]`) ?? document.querySelector(`meta[name="${key}"]`) ?? null;
      const content = el?.getAttribute("content");
      if (content?.trim()) return content;
    }
    return null;
  };
  const title = meta("og:title", "twitter:title") ?? document.querySelector("title")?.textContent ?? "";
  const description = meta("og:description", "twitter:description", "description") ?? "";
  const image = meta("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src");
  let imageUrl: string | null = null;
  if (image) {
    try {
      const u = new URL(image.trim(), pageUrl);
      if (u.protocol === "https:" || u.protocol === "http:") imageUrl = u.toString();
    } catch {
      imageUrl = null;
    }
  }
  return { uri: pageUrl, title: clean(title, 300), description: clean(description, 1000), imageUrl };
}

function charsetOf(contentType: string | undefined, body: Buffer): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  const head = body.subarray(0, 2048).toString("latin1");
  return (/<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? "utf-8").toLowerCase();
}

/**
 * Fetches a page and reads its preview. A page that cannot be fetched or is not HTML gives a bare card
 * (the URL as title): the post is still published, the link still works.
 */
export async function fetchLinkPreview(http: HttpClient, url: string): Promise<LinkPreview> {
  const bare = { uri: url, title: url, description: "", imageUrl: null };
  try {
    const res = await http.request(url, { ...PAGE_LIMITS, headers: { accept: "text/html,application/xhtml+xml" } });
    const type = res.headers["content-type"] ?? "";
    if (res.status < 200 || res.status >= 300 || !/html/i.test(type)) return bare;
    const charset = charsetOf(type, res.body);
    const html = iconv.encodingExists(charset) ? iconv.decode(res.body, charset) : res.body.toString("utf8");
    const preview = parseOpenGraph(html, res.url || url);
    return { ...preview, uri: url, title: preview.title || url };
  } catch {
    return bare;
  }
}
