import type { AppContext } from "../../context.js";

/** What curation copies from a veille item when it is saved to a topic. */
export interface FeedItemForCuration {
  id: string;
  link: string;
  title: string | null;
  summary: string | null;
  imageUrl: string | null;
  sourceName: string | null;
  publishedAt: Date | null;
}

/**
 * Reads one item of the workspace's veille (migration 0006), or null (unknown, other workspace, no link).
 * Only the columns curation copies; the summary is the sanitized HTML the veille stores, turned into
 * plain text by the caller.
 */
export async function loadFeedItem(
  ctx: AppContext,
  workspaceId: string,
  itemId: string,
): Promise<FeedItemForCuration | null> {
  const r = await ctx.db
    .selectFrom("feed_items as i")
    .innerJoin("feeds as f", "f.id", "i.feed_id")
    .select(["i.id", "i.link", "i.title", "i.summary", "i.image_url", "i.published_at", "f.title as feed_title"])
    .where("i.workspace_id", "=", workspaceId)
    .where("i.id", "=", itemId)
    .executeTakeFirst();
  if (!r?.link) return null;
  return {
    id: r.id,
    link: r.link,
    title: r.title || null,
    summary: r.summary || null,
    imageUrl: r.image_url,
    sourceName: r.feed_title || null,
    publishedAt: r.published_at,
  };
}
