import type { AppContext } from "../../context.js";
import { notFound } from "../../lib/errors.js";
import * as repo from "./curation.repo.js";
import { publicTopicUrls } from "./curation.service.js";
import { type PublicEntry, type PublicTopic, renderJsonFeed, renderRss, renderTopicPage } from "./public-render.js";

/** Entries shown on a public page; feeds carry the newest 50 (what readers poll). */
const PAGE_LIMIT = 300;
const FEED_LIMIT = 50;

export type PublicFormat = "html" | "rss" | "json";

/**
 * A public topic by its token: only while the topic is public. An unknown, regenerated or unpublished
 * token is the same 404, so a URL reveals nothing once withdrawn.
 */
export async function topicDocument(ctx: AppContext, token: string, format: PublicFormat): Promise<string> {
  const t = await repo.findPublicTopic(ctx.db, token);
  if (!t) throw notFound("topic");
  const urls = publicTopicUrls(ctx, token);
  const topic: PublicTopic = {
    name: t.name,
    description: t.description,
    workspaceName: t.workspace_name,
    locale: t.locale,
    timezone: t.timezone,
    pageUrl: urls.page,
    rssUrl: urls.rss,
    jsonUrl: urls.json,
    updatedAt: t.updated_at,
  };
  const rows = await repo.listEntries(ctx.db, t.workspace_id, t.id, { limit: PAGE_LIMIT });
  const entries: PublicEntry[] = rows.map((e) => ({
    id: e.id,
    url: e.url,
    title: e.title,
    description: e.description,
    imageUrl: e.image_url,
    sourceName: e.source_name,
    insight: e.insight,
    tags: e.tags,
    createdAt: e.created_at,
  }));
  if (format === "html") return renderTopicPage(topic, entries);
  const newest = [...entries].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, FEED_LIMIT);
  return format === "rss" ? renderRss(topic, newest) : renderJsonFeed(topic, newest);
}
