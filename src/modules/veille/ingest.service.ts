import type { AppContext } from "../../context.js";
import type { FeedEnclosureJson } from "../../db/schema.js";
import { detectLanguage, htmlToText, type NormalizedFeed } from "./core.js";
import { emitItemsIngested } from "./events.js";
import type { FeedRow } from "./feeds.repo.js";
import * as items from "./items.repo.js";
import { retentionDays } from "./retention.service.js";
import { contentHash, excerpt, firstImage, jaccard, STORY_SIMILARITY, storyBands, titleTokens } from "./text.js";

/**
 * Ingestion of a parsed feed into a workspace:
 * 1. normalise each entry (title, plain text, image, language, dates; future dates clamped to now);
 * 2. drop duplicates: same guid in this feed, then same link or same content hash anywhere in the workspace
 *    (the same article from a site's main feed and its category feed), also within the batch;
 * 3. insert (a guid that raced in meanwhile is skipped by the unique key);
 * 4. group near-duplicates from other sources into stories (MinHash bands on title words, exact Jaccard
 *    ≥ 0.5 on the candidates, published within 48 hours of each other);
 * 5. after the commit, announce the new ids (events.ts) and return them.
 */

/** Items further apart than this are different stories, however alike their titles. */
const STORY_WINDOW_MS = 48 * 3600_000;

export interface IngestResult {
  newIds: string[];
  /** New items whose feed wants the full text and that came with a summary only. */
  needFullText: string[];
}

function languageCode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const m = /^([a-z]{2,3})\b/i.exec(raw.trim());
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** A short feed text is likely a teaser: the full text is worth fetching below this many characters. */
const SUMMARY_ONLY_CHARS = 600;

export async function ingestFeed(
  ctx: AppContext,
  feed: FeedRow,
  parsed: NormalizedFeed,
  options: { maxItems?: number; now?: Date } = {},
): Promise<IngestResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (await retentionDays(ctx, feed.workspace_id)) * 86_400_000);
  const feedLanguage = languageCode(parsed.language) ?? feed.language;
  const seen = { guid: new Set<string>(), link: new Set<string>(), hash: new Set<string>() };
  const candidates: (items.NewItem & { short: boolean })[] = [];
  for (const entry of parsed.items) {
    if (candidates.length >= (options.maxItems ?? 500)) break;
    const text = htmlToText(entry.content) || htmlToText(entry.summary) || "";
    const title = entry.title?.trim() || excerpt(text, 120) || entry.link || "";
    const hash = contentHash(title, text);
    const guid = entry.id;
    const link = entry.link;
    if (!guid || seen.guid.has(guid) || (link && seen.link.has(link)) || seen.hash.has(hash)) continue;
    seen.guid.add(guid);
    if (link) seen.link.add(link);
    seen.hash.add(hash);
    let published = entry.published ? new Date(entry.published) : now;
    if (Number.isNaN(published.getTime()) || published > now) published = now;
    if (published < cutoff) continue;
    const image =
      entry.enclosures.find((e) => e.type?.startsWith("image/"))?.url ?? firstImage(entry.content ?? entry.summary);
    const enclosures: FeedEnclosureJson[] = entry.enclosures.map((e) => ({
      url: e.url,
      type: e.type,
      length: e.length,
    }));
    candidates.push({
      guid,
      link,
      content_hash: hash,
      title,
      summary: entry.summary ?? "",
      content: entry.content ?? "",
      author: entry.author,
      categories: entry.categories,
      enclosures,
      image_url: image ?? null,
      language: detectLanguage(`${title}. ${text.slice(0, 3000)}`) ?? feedLanguage ?? null,
      published_at: published,
      story_bands: storyBands(titleTokens(title)),
      searchText: text,
      short: text.length < SUMMARY_ONLY_CHARS,
    });
  }
  if (!candidates.length) return { newIds: [], needFullText: [] };

  const known = await items.findKnown(
    ctx.db,
    feed.workspace_id,
    feed.id,
    candidates.map((c) => c.guid),
    candidates.flatMap((c) => (c.link ? [c.link] : [])),
    candidates.map((c) => c.content_hash),
  );
  const knownGuids = new Set(known.filter((k) => k.feed_id === feed.id).map((k) => k.guid));
  const knownLinks = new Set(known.flatMap((k) => (k.link ? [k.link] : [])));
  const knownHashes = new Set(known.map((k) => k.content_hash));
  const fresh = candidates.filter(
    (c) => !knownGuids.has(c.guid) && !(c.link && knownLinks.has(c.link)) && !knownHashes.has(c.content_hash),
  );
  if (!fresh.length) return { newIds: [], needFullText: [] };

  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const rows = await items.insertItems(
      trx,
      feed.workspace_id,
      feed.id,
      fresh.map(({ short: _s, ...i }) => i),
    );
    const byGuid = new Map(fresh.map((c) => [c.guid, c]));
    const withBands = rows.filter((r) => (byGuid.get(r.guid)?.story_bands.length ?? 0) > 0);
    if (withBands.length) {
      const times = withBands.map((r) => (byGuid.get(r.guid) as items.NewItem).published_at.getTime());
      const pool = await items.storyCandidates(
        trx,
        feed.workspace_id,
        feed.id,
        [...new Set(withBands.flatMap((r) => (byGuid.get(r.guid) as items.NewItem).story_bands))],
        new Date(Math.min(...times) - STORY_WINDOW_MS),
        new Date(Math.max(...times) + STORY_WINDOW_MS),
      );
      const poolTokens = pool.map((p) => titleTokens(p.title));
      for (const r of withBands) {
        const item = byGuid.get(r.guid) as items.NewItem;
        const tokens = titleTokens(item.title);
        let best: { i: number; score: number } | null = null;
        pool.forEach((p, i) => {
          if (Math.abs(p.published_at.getTime() - item.published_at.getTime()) > STORY_WINDOW_MS) return;
          const score = jaccard(tokens, poolTokens[i] as string[]);
          if (score >= STORY_SIMILARITY && (!best || score > best.score)) best = { i, score };
        });
        if (best) {
          const match = pool[(best as { i: number }).i] as items.StoryCandidate;
          match.story_id = await items.joinStory(trx, feed.workspace_id, r.id, match);
        }
      }
    }
    return rows;
  });

  const shortGuids = new Set(fresh.filter((c) => c.short && c.link).map((c) => c.guid));
  const result: IngestResult = {
    newIds: inserted.map((r) => r.id),
    needFullText: feed.fetch_full_text ? inserted.filter((r) => shortGuids.has(r.guid)).map((r) => r.id) : [],
  };
  await emitItemsIngested(ctx, { workspaceId: feed.workspace_id, feedId: feed.id, itemIds: result.newIds });
  return result;
}
