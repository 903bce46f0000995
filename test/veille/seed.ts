import * as feeds from "../../src/modules/veille/feeds.repo.js";
import * as items from "../../src/modules/veille/items.repo.js";
import { contentHash, storyBands, titleTokens } from "../../src/modules/veille/text.js";
import type { TestApp } from "../helpers/app.js";

/**
 * Veille rows for the route walks, written through the repos (nothing fetched): a folder, a feed in it
 * (an address nothing listens on) and one French item, starred by the owner.
 */
export async function seedVeille(
  t: TestApp,
  workspaceId: string,
  ownerId: string,
  prefix: string,
): Promise<{ folderId: string; feedId: string; itemId: string }> {
  const folder = await feeds.insertFolder(t.ctx.db, workspaceId, `${prefix} — Presse régionale`);
  const feed = await feeds.insertFeed(t.ctx.db, workspaceId, {
    url: `http://127.0.0.1:9/${prefix}/flux.xml`,
    title: `${prefix} Le Quotidien du Sud`,
    folder_id: folder.id,
    next_fetch_at: new Date(Date.now() + 86_400_000),
    created_by: ownerId,
  });
  if (!feed) throw new Error("seed feed exists");
  const title = `${prefix} : l'équipe municipale inaugure la médiathèque 📚`;
  const text = "Après deux ans de travaux, la nouvelle médiathèque ouvre ses portes au public samedi.";
  const [row] = await items.insertItems(t.ctx.db, workspaceId, feed.id, [
    {
      guid: `urn:${prefix}:1`,
      link: `https://quotidien-du-sud.example/${prefix}/mediatheque`,
      content_hash: contentHash(title, text),
      title,
      summary: `<p>${text}</p>`,
      content: "",
      author: "Rédaction",
      categories: ["Culture"],
      enclosures: [],
      image_url: null,
      language: "fr",
      published_at: new Date(Date.now() - 3600_000),
      story_bands: storyBands(titleTokens(title)),
      searchText: text,
    },
  ]);
  if (!row) throw new Error("seed item not inserted");
  await items.setStarred(t.ctx.db, workspaceId, ownerId, row.id, true);
  return { folderId: folder.id, feedId: feed.id, itemId: row.id };
}
