import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import type { AppContext } from "../../context.js";
import { HttpError, httpClientFor } from "../../lib/http-client.js";
import { decodeBody, htmlToText, sanitizeHtml } from "./core.js";
import * as items from "./items.repo.js";

/**
 * Full text of an article with Readability (Firefox's reader view) on a linkedom DOM, sanitized like feed
 * content. Used when a feed only gives summaries: automatically for feeds with `fetch_full_text` (as a job
 * after ingestion), and on demand from the reader.
 */

/** Shorter extracted text is navigation or boilerplate, not an article. */
const MIN_ARTICLE_CHARS = 200;

export type FullTextFailure = "no_link" | "fetch_failed" | "not_html" | "no_article";

export class FullTextError extends Error {
  constructor(
    readonly reason: FullTextFailure,
    detail: string,
  ) {
    super(detail);
  }
}

/** Extracts the readable article of an HTML page, sanitized with links made absolute. Pure. */
export function extractArticle(html: string, url: string): string | null {
  const { document } = parseHTML(html);
  // Readability resolves relative links against the document's base URI.
  try {
    const head = document.querySelector("head");
    if (head && !document.querySelector("base")) {
      const base = document.createElement("base");
      base.setAttribute("href", url);
      head.appendChild(base);
    }
  } catch {}
  const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  if (!article?.content) return null;
  return sanitizeHtml(article.content, url);
}

/** Fetches the item's page and stores its full text. Returns the sanitized HTML. */
export async function fetchFullText(ctx: AppContext, workspaceId: string, itemId: string): Promise<string> {
  const item = await items.findItem(ctx.db, workspaceId, itemId);
  if (!item) throw new FullTextError("no_link", "item not found");
  if (!item.link) throw new FullTextError("no_link", "the item has no link");
  let res: Awaited<ReturnType<ReturnType<typeof httpClientFor>["request"]>>;
  try {
    res = await httpClientFor(ctx.config).request(item.link, {
      headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" },
      maxBytes: ctx.config.feeds.maxBytes,
      totalTimeoutMs: ctx.config.feeds.timeoutMs,
      throwOnHttpError: true,
    });
  } catch (err) {
    throw new FullTextError("fetch_failed", err instanceof HttpError ? `${err.kind}: ${err.message}` : String(err));
  }
  const type = res.headers["content-type"] ?? "";
  if (type && !/html|xml/i.test(type)) throw new FullTextError("not_html", `content type ${type}`);
  const html = decodeBody(res.body, type || "text/html").text;
  const content = extractArticle(html, res.url);
  const articleText = htmlToText(content) ?? "";
  const summaryText = htmlToText(item.summary || item.content) ?? "";
  // Readability always returns something; a "full text" no longer than the feed's own text is not one.
  if (!content || articleText.length < Math.max(MIN_ARTICLE_CHARS, summaryText.length + 1)) {
    throw new FullTextError("no_article", "Readability found no article");
  }
  const text = `${summaryText} ${articleText}`;
  await items.setFullText(ctx.db, workspaceId, itemId, content, text);
  return content;
}

/**
 * Full text for freshly ingested items of a feed that asks for it: a job per item when the queue runs
 * (the poll is not slowed by article pages), else a few inline (CLI, tests).
 */
export async function fetchFullTextLater(ctx: AppContext, workspaceId: string, itemIds: string[]): Promise<void> {
  if (ctx.jobs.started) {
    for (const itemId of itemIds) {
      await ctx.jobs.send("veille.full-text", { workspaceId, itemId }).catch((err) => {
        ctx.logger.warn({ err, itemId }, "could not queue the full-text job");
      });
    }
    return;
  }
  for (const itemId of itemIds.slice(0, 20)) {
    await fetchFullText(ctx, workspaceId, itemId).catch((err) => {
      ctx.logger.info({ err: String(err), itemId }, "full text not extracted");
    });
  }
}
