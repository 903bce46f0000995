import { randomUUID } from "node:crypto";
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
 * 2. drop duplicates within the batch (guid, link, content hash);
 * 3. in one transaction, two statements whatever the batch: the lookup (entries already stored — same guid
 *    in this feed, then same link or content hash anywhere in the workspace, e.g. the same article from a
 *    site's main feed and its category feed — and the story candidates of the others), then the insert of
 *    the new items with their search vector and their story (near-duplicates from other sources: MinHash
 *    bands on title words, exact Jaccard ≥ 0.5 on the candidates, published within 48 hours of each other;
 *    the matching is plain computing between the two statements);
 * 4. after the commit, announce the new ids (events.ts) and return them.
 * A batch is all or nothing: a crash before the commit stores none of it, and the feed's validators (ETag,
 * Last-Modified) are only saved after it, so the next poll reads the feed again.
 */

/** Items further apart than this are different stories, however alike their titles. */
const STORY_WINDOW_MS = 48 * 3600_000;

/**
 * Cumulative milliseconds per ingestion stage in this process (the polling benchmark prints them): `wait` is
 * the time spent waiting for a connection (on PGlite: for the other feeds' statements), the other stages run
 * while holding it.
 */
export const ingestTimings = { prepare: 0, wait: 0, lookup: 0, stories: 0, insert: 0, emit: 0 };
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

/** Title words of stored items by id (titles never change): the same candidates come back for many fetches. */
const TOKEN_CACHE_SIZE = 50_000;
const tokenCache = new Map<string, string[]>();

function rememberTokens(id: string, tokens: string[]): void {
  tokenCache.set(id, tokens);
  if (tokenCache.size > TOKEN_CACHE_SIZE) {
    const oldest = tokenCache.keys().next().value;
    if (oldest !== undefined) tokenCache.delete(oldest);
  }
}

function tokensOf(candidate: items.StoryCandidate): string[] {
  let tokens = tokenCache.get(candidate.id);
  if (!tokens) {
    tokens = titleTokens(candidate.title);
    rememberTokens(candidate.id, tokens);
  }
  return tokens;
}

type Entry = items.NewItem & { tokens: string[]; short: boolean };

/**
 * For each new entry, the most similar candidate (an item of another feed sharing a band, Jaccard ≥ 0.5 on
 * title words, published within 48 hours). Plain computing: it runs between the two statements of the
 * ingestion transaction without waiting on anything.
 */
function matchStories(fresh: Entry[], pool: items.StoryCandidate[]): Map<Entry, items.StoryCandidate> {
  const out = new Map<Entry, items.StoryCandidate>();
  if (!pool.length) return out;
  for (const item of fresh) {
    if (!item.story_bands.length) continue;
    const bands = new Set(item.story_bands);
    let best: { candidate: items.StoryCandidate; score: number } | null = null;
    for (const p of pool) {
      if (Math.abs(p.published_at.getTime() - item.published_at.getTime()) > STORY_WINDOW_MS) continue;
      if (!p.story_bands.some((b) => bands.has(b))) continue;
      const score = jaccard(item.tokens, tokensOf(p));
      if (score >= STORY_SIMILARITY && (!best || score > best.score)) best = { candidate: p, score };
    }
    if (best) out.set(item, best.candidate);
  }
  return out;
}

/** Deadlock or serialization failure (PostgreSQL): the whole transaction is safe to run again. */
function isRetryable(err: unknown): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === "40P01" || code === "40001";
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
  const entries: Entry[] = [];
  for (const entry of parsed.items) {
    if (entries.length >= (options.maxItems ?? 500)) break;
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
    const tokens = titleTokens(title);
    entries.push({
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
      story_bands: storyBands(tokens),
      searchText: text,
      tokens,
      short: text.length < SUMMARY_ONLY_CHARS,
    });
  }
  ingestTimings.prepare += since(t);
  if (!entries.length) return { newIds: [], needFullText: [] };
  const times = entries.map((e) => e.published_at.getTime());
  const window = {
    from: new Date(Math.min(...times) - STORY_WINDOW_MS),
    to: new Date(Math.max(...times) + STORY_WINDOW_MS),
  };

  // One short transaction: on PGlite it holds the only connection, so nothing in it waits on anything but
  // its two statements (the story matching between them is plain computing).
  let inserted: { id: string; guid: string }[] = [];
  let fresh: Entry[] = [];
  for (let attempt = 1; ; attempt++) {
    t = performance.now();
    try {
      [inserted, fresh] = await ctx.db.transaction().execute(async (trx) => {
        ingestTimings.wait += since(t);
        t = performance.now();
        const lookup = await items.lookupForIngest(trx, feed.workspace_id, feed.id, entries, window);
        const fresh = entries.filter((_, i) => !lookup.known.has(i));
        ingestTimings.lookup += since(t);
        if (!fresh.length) return [[], fresh] as const;
        t = performance.now();
        const matches = matchStories(fresh, lookup.candidates);
        ingestTimings.stories += since(t);
        t = performance.now();
        const rows = await items.insertIngested(
          trx,
          feed.workspace_id,
          feed.id,
          fresh.map((entry) => {
            const { short: _s, tokens: _t, ...item } = entry;
            const candidate = matches.get(entry);
            return candidate
              ? {
                  ...item,
                  story: { candidateId: candidate.id, candidateTitle: candidate.title, newStoryId: randomUUID() },
                }
              : item;
          }),
        );
        ingestTimings.insert += since(t);
        return [rows, fresh] as const;
      });
      break;
    } catch (err) {
      // Two feeds joining the same stories concurrently (PostgreSQL) may deadlock: nothing was stored, retry.
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
  if (!inserted.length) return { newIds: [], needFullText: [] };

  t = performance.now();
  const byGuid = new Map(fresh.map((c) => [c.guid, c]));
  for (const r of inserted) {
    const entry = byGuid.get(r.guid);
    if (entry?.story_bands.length) rememberTokens(r.id, entry.tokens);
  }
  const result: IngestResult = {
    newIds: inserted.map((r) => r.id),
    needFullText: feed.fetch_full_text
      ? inserted.filter((r) => byGuid.get(r.guid)?.short && byGuid.get(r.guid)?.link).map((r) => r.id)
      : [],
  };
  await emitItemsIngested(ctx, { workspaceId: feed.workspace_id, feedId: feed.id, itemIds: result.newIds });
  ingestTimings.emit += since(t);
  return result;
}
