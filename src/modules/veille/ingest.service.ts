import type { AppContext } from "../../context.js";
import type { FeedEnclosureJson } from "../../db/schema.js";
import { detectLanguage, htmlToText, type NormalizedFeed } from "./core.js";
import { emitItemsIngested } from "./events.js";
import type { FeedRow } from "./feeds.repo.js";
import * as items from "./items.repo.js";
import { retentionDays } from "./retention.service.js";
import {
  contentHash,
  excerpt,
  firstImage,
  jaccard,
  quickLanguage,
  STORY_SIMILARITY,
  storyBands,
  titleTokens,
} from "./text.js";

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

/** Cumulative milliseconds per ingestion stage in this process (the polling benchmark prints them). */
export const ingestTimings = { prepare: 0, known: 0, insert: 0, stories: 0, emit: 0 };
const since = (t: number) => performance.now() - t;

export interface IngestResult {
  newIds: string[];
  /** New items whose feed wants the full text and that came with a summary only. */
  needFullText: string[];
}

/** Quick function-word check for French and English first, then franc (F's detectLanguage). */
function languageOf(sample: string): string | null {
  return quickLanguage(sample) ?? detectLanguage(sample);
}

function languageCode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const m = /^([a-z]{2,3})\b/i.exec(raw.trim());
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** Characters of text given to language detection (its cost grows with the sample; 400 are plenty). */
const LANGUAGE_SAMPLE = 400;

/** A short feed text is likely a teaser: the full text is worth fetching below this many characters. */
const SUMMARY_ONLY_CHARS = 600;

/**
 * For each new item, the most similar earlier item of another feed (same band, Jaccard ≥ 0.5 on title
 * words, within 48 hours). One candidate query per feed fetch; the matching itself runs outside any transaction.
 */
async function findStories(
  ctx: AppContext,
  feed: FeedRow,
  fresh: { id: string; item: items.NewItem }[],
): Promise<{ id: string; candidate: items.StoryCandidate }[]> {
  if (!fresh.length) return [];
  const times = fresh.map((f) => f.item.published_at.getTime());
  const pool = await items.storyCandidates(
    ctx.db,
    feed.workspace_id,
    feed.id,
    [...new Set(fresh.flatMap((f) => f.item.story_bands))],
    new Date(Math.min(...times) - STORY_WINDOW_MS),
    new Date(Math.max(...times) + STORY_WINDOW_MS),
  );
  if (!pool.length) return [];
  const poolTokens = new Map<number, string[]>();
  const out: { id: string; candidate: items.StoryCandidate }[] = [];
  for (const { id, item } of fresh) {
    const bands = new Set(item.story_bands);
    const tokens = titleTokens(item.title);
    let best: { i: number; score: number } | null = null;
    for (let i = 0; i < pool.length; i++) {
      const p = pool[i] as items.StoryCandidate;
      if (Math.abs(p.published_at.getTime() - item.published_at.getTime()) > STORY_WINDOW_MS) continue;
      if (!p.story_bands.some((b) => bands.has(b))) continue;
      let pt = poolTokens.get(i);
      if (!pt) {
        pt = titleTokens(p.title);
        poolTokens.set(i, pt);
      }
      const score = jaccard(tokens, pt);
      if (score >= STORY_SIMILARITY && (!best || score > best.score)) best = { i, score };
    }
    if (best) out.push({ id, candidate: pool[best.i] as items.StoryCandidate });
  }
  return out;
}

export async function ingestFeed(
  ctx: AppContext,
  feed: FeedRow,
  parsed: NormalizedFeed,
  options: { maxItems?: number; now?: Date } = {},
): Promise<IngestResult> {
  const now = options.now ?? new Date();
  let t = performance.now();
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
      language: languageOf(`${title}. ${text.slice(0, LANGUAGE_SAMPLE)}`) ?? feedLanguage ?? null,
      published_at: published,
      story_bands: storyBands(titleTokens(title)),
      searchText: text,
      short: text.length < SUMMARY_ONLY_CHARS,
    });
  }
  ingestTimings.prepare += since(t);
  if (!candidates.length) return { newIds: [], needFullText: [] };
  t = performance.now();

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
  ingestTimings.known += since(t);
  if (!fresh.length) return { newIds: [], needFullText: [] };
  t = performance.now();

  const inserted = await items.insertItems(
    ctx.db,
    feed.workspace_id,
    feed.id,
    fresh.map(({ short: _s, ...i }) => i),
  );
  ingestTimings.insert += since(t);
  t = performance.now();
  const byGuid = new Map(fresh.map((c) => [c.guid, c]));
  const matches = await findStories(
    ctx,
    feed,
    inserted.flatMap((r) => {
      const item = byGuid.get(r.guid);
      return item?.story_bands.length ? [{ id: r.id, item }] : [];
    }),
  );
  if (matches.length) {
    // Short transaction, no computing inside: on PGlite a transaction holds the only connection.
    await ctx.db.transaction().execute(async (trx) => {
      for (const m of matches) m.candidate.story_id = await items.joinStory(trx, feed.workspace_id, m.id, m.candidate);
    });
  }

  ingestTimings.stories += since(t);
  t = performance.now();
  const shortGuids = new Set(fresh.filter((c) => c.short && c.link).map((c) => c.guid));
  const result: IngestResult = {
    newIds: inserted.map((r) => r.id),
    needFullText: feed.fetch_full_text ? inserted.filter((r) => shortGuids.has(r.guid)).map((r) => r.id) : [],
  };
  await emitItemsIngested(ctx, { workspaceId: feed.workspace_id, feedId: feed.id, itemIds: result.newIds });
  ingestTimings.emit += since(t);
  return result;
}
