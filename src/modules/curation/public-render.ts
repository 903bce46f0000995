import type { Locale } from "../../db/schema.js";
import { longDate, word } from "./curation.messages.js";

/**
 * Public topic page (HTML), RSS 2.0 and JSON Feed 1.1. Every value comes from the database as plain
 * text and is escaped here, at the last moment, for the format it goes into; URLs are only emitted when
 * they are http(s) (checked again: an entry edited through the API is validated, but the page is the
 * last line). The page has no script at all, and its CSP says so.
 */

export interface PublicEntry {
  id: string;
  url: string;
  title: string;
  description: string;
  imageUrl: string | null;
  sourceName: string;
  insight: string;
  tags: string[];
  createdAt: Date;
}

export interface PublicTopic {
  name: string;
  description: string;
  workspaceName: string;
  locale: Locale;
  timezone: string;
  pageUrl: string;
  rssUrl: string;
  jsonUrl: string;
  updatedAt: Date;
}

/** The CSP of our server-rendered public pages: images from anywhere, inline styles, nothing else. */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// XML 1.0 forbids most control characters even escaped; they are dropped everywhere we emit markup.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;

export function escapeHtml(s: string): string {
  return s
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** An http(s) URL, or null: never a javascript: or data: link in our markup. */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Plain text with line breaks as HTML paragraphs (escaped). */
export function paragraphs(text: string, style = ""): string {
  const attr = style ? ` style="${style}"` : "";
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p${attr}>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

/** The entry as HTML for feed readers: the insight first, then the page's description and the link. */
export function entryHtml(e: PublicEntry, locale: Locale): string {
  const url = safeUrl(e.url);
  const img = safeUrl(e.imageUrl);
  return [
    img ? `<p><img src="${escapeHtml(img)}" alt=""></p>` : "",
    paragraphs(e.insight),
    e.description ? `<blockquote>${paragraphs(e.description)}</blockquote>` : "",
    url
      ? `<p>${escapeHtml(word(locale, "source"))}${locale === "fr" ? "\u00a0:" : ":"} <a href="${escapeHtml(url)}">${escapeHtml(e.sourceName || url)}</a></p>`
      : "",
  ]
    .filter(Boolean)
    .join("\n");
}

export function renderTopicPage(topic: PublicTopic, entries: PublicEntry[]): string {
  const l = topic.locale;
  const cards = entries
    .map((e) => {
      const url = safeUrl(e.url);
      const img = safeUrl(e.imageUrl);
      const title = escapeHtml(e.title);
      return `<article class="card">
${img ? `<img class="thumb" src="${escapeHtml(img)}" alt="" loading="lazy" referrerpolicy="no-referrer">` : ""}
<div class="body">
<h2>${url ? `<a href="${escapeHtml(url)}" rel="noopener nofollow ugc">${title}</a>` : title}</h2>
<p class="meta">${escapeHtml(e.sourceName)} · ${escapeHtml(word(l, "savedOn", { date: longDate(l, e.createdAt, topic.timezone) }))}</p>
${e.insight ? `<div class="insight">${paragraphs(e.insight)}</div>` : ""}
${e.description ? `<div class="desc">${paragraphs(e.description)}</div>` : ""}
${e.tags.length ? `<p class="tags">${e.tags.map((t) => `<span>#${escapeHtml(t)}</span>`).join(" ")}</p>` : ""}
</div>
</article>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(topic.name)} — ${escapeHtml(topic.workspaceName)}</title>
<meta name="description" content="${escapeHtml(topic.description)}">
<meta property="og:title" content="${escapeHtml(topic.name)}">
<meta property="og:description" content="${escapeHtml(topic.description)}">
<link rel="alternate" type="application/rss+xml" title="${escapeHtml(topic.name)}" href="${escapeHtml(topic.rssUrl)}">
<link rel="alternate" type="application/feed+json" title="${escapeHtml(topic.name)}" href="${escapeHtml(topic.jsonUrl)}">
<style>
body{margin:0;background:#f6f7f9;color:#1a1b1e;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main,footer{max-width:760px;margin:0 auto;padding:16px}
header h1{margin:24px 0 4px;font-size:2rem}
.lead{color:#495057;margin:0 0 8px}
.by,.meta,footer{color:#868e96;font-size:.875rem}
.card{display:flex;gap:16px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin:0 0 16px;overflow:hidden}
.thumb{width:200px;min-height:140px;object-fit:cover;flex:none}
.body{padding:12px 16px 8px;min-width:0}
.body h2{font-size:1.15rem;margin:0 0 4px;overflow-wrap:anywhere}
.body h2 a{color:#1c7ed6;text-decoration:none}
.insight{border-left:3px solid #1c7ed6;padding-left:10px;margin:8px 0}
.desc{color:#495057;font-size:.95rem}
.tags span{background:#e7f5ff;color:#1971c2;border-radius:4px;padding:1px 6px;margin-right:4px;font-size:.8rem}
a{color:#1c7ed6}
@media (max-width:600px){.card{flex-direction:column}.thumb{width:100%;height:180px}}
</style>
</head>
<body>
<header>
<h1>${escapeHtml(topic.name)}</h1>
${topic.description ? `<div class="lead">${paragraphs(topic.description)}</div>` : ""}
<p class="by">${escapeHtml(word(l, "curatedBy", { workspace: topic.workspaceName }))} · <a href="${escapeHtml(topic.rssUrl)}">RSS</a> · <a href="${escapeHtml(topic.jsonUrl)}">JSON Feed</a></p>
</header>
<main>
${cards || `<p>${escapeHtml(word(l, "empty"))}</p>`}
</main>
<footer>${escapeHtml(word(l, "poweredBy"))}</footer>
</body>
</html>
`;
}

export function renderRss(topic: PublicTopic, entries: PublicEntry[]): string {
  const l = topic.locale;
  const items = entries
    .map((e) => {
      const url = safeUrl(e.url);
      return `    <item>
      <title>${escapeHtml(e.title)}</title>
${url ? `      <link>${escapeHtml(url)}</link>\n` : ""}      <guid isPermaLink="false">relais-entry-${e.id}</guid>
      <pubDate>${e.createdAt.toUTCString()}</pubDate>
      <description>${escapeHtml(entryHtml(e, l))}</description>
${e.sourceName && url ? `      <source url="${escapeHtml(topic.rssUrl)}">${escapeHtml(e.sourceName)}</source>\n` : ""}${e.tags
  .map((t) => `      <category>${escapeHtml(t)}</category>\n`)
  .join("")}    </item>`;
    })
    .join("\n");
  const last = entries.reduce((m, e) => (e.createdAt > m ? e.createdAt : m), topic.updatedAt);
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeHtml(topic.name)}</title>
    <link>${escapeHtml(topic.pageUrl)}</link>
    <description>${escapeHtml(topic.description || word(l, "curatedBy", { workspace: topic.workspaceName }))}</description>
    <language>${l}</language>
    <lastBuildDate>${last.toUTCString()}</lastBuildDate>
    <generator>Relais</generator>
    <atom:link href="${escapeHtml(topic.rssUrl)}" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}

export function renderJsonFeed(topic: PublicTopic, entries: PublicEntry[]): string {
  const l = topic.locale;
  return JSON.stringify(
    {
      version: "https://jsonfeed.org/version/1.1",
      title: topic.name,
      home_page_url: topic.pageUrl,
      feed_url: topic.jsonUrl,
      description: topic.description || word(l, "curatedBy", { workspace: topic.workspaceName }),
      language: l,
      authors: [{ name: topic.workspaceName }],
      items: entries.map((e) => {
        const url = safeUrl(e.url);
        const img = safeUrl(e.imageUrl);
        return {
          id: `relais-entry-${e.id}`,
          ...(url ? { url, external_url: url } : {}),
          title: e.title,
          content_html: entryHtml(e, l),
          content_text: [e.insight, e.description, url ?? ""].filter(Boolean).join("\n\n"),
          ...(e.description ? { summary: e.description } : {}),
          ...(img ? { image: img } : {}),
          date_published: e.createdAt.toISOString(),
          ...(e.tags.length ? { tags: e.tags } : {}),
        };
      }),
    },
    null,
    2,
  );
}
