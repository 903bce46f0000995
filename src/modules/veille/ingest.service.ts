import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import type { FeedEnclosureJson } from "../../db/schema.js";
import { detectLanguage, htmlToText, type NormalizedFeed } from "./core.js";
import { emitItemsIngested } from "./events.js";
import type { FeedRow } from "./feeds.repo.js";
import * as repo from "./ingest.repo.js";
import type * as items from "./items.repo.js";
import { retentionDays } from "./retention.service.js";
import { contentHash, excerpt, firstImage, quickLanguage, STORY_SIMILARITY, storyBands, titleTokens } from "./text.js";

/**
 * Ingestion of a parsed feed into a workspace:
 * 1. normalise each entry (title, plain text, image, language, dates; future dates clamped to now);
 * 2. drop duplicates within the batch (guid, link, content hash);
 * 3. two statements whatever the batch (ingest.repo.ts): the lookup — entries already stored (same guid in
 *    this feed, then same link or content hash anywhere in the workspace, e.g. the same article from a site's
 *    main feed and its category feed) and the story candidates of the others — then the insert of the new
 *    items with their search vector and their story (near-duplicates from other sources: MinHash bands on
 *    title words, exact Jaccard ≥ 0.5 on the candidates, published within 48 hours of each other; the
 *    matching runs in between);
 * 4. announce the new ids (events.ts) and return them.
 * Each statement is atomic: a crash stores all of a batch or none of it, and the feed's validators (ETag,
 * Last-Modified) are only saved afterwards (poller.service.ts), so the next poll reads the feed again.
 */

/** Items further apart than this are different stories, however alike their titles. */
const STORY_WINDOW_MS = 48 * 3600_000;

/**
 * Cumulative milliseconds per ingestion stage in this process (the polling benchmark prints them). Stages of
 * concurrent feeds overlap, and on PGlite a statement's time includes its wait for the shared connection.
 */
export const ingestTimings = { prepare: 0, lookup: 0, stories: 0, insert: 0, emit: 0 };
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
const tokenCache = new Map<string, Set<string>>();

function rememberTokens(id: string, tokens: Set<string>): void {
  tokenCache.set(id, tokens);
  if (tokenCache.size > TOKEN_CACHE_SIZE) {
    const oldest = tokenCache.keys().next().value;
    if (oldest !== undefined) tokenCache.delete(oldest);
  }
}

function tokensOf(candidate: repo.StoryCandidate): Set<string> {
  let tokens = tokenCache.get(candidate.id);
  if (!tokens) {
    tokens = new Set(titleTokens(candidate.title));
    rememberTokens(candidate.id, tokens);
  }
  return tokens;
}

/** text.ts's jaccard on word sets (titleTokens has no repeated word), without building sets per pair. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const w of b) if (a.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

type Entry = items.NewItem & { tokens: Set<string>; short: boolean };

/**
 * For each new entry, the most similar candidate (an item of another feed sharing a band, Jaccard ≥ 0.5 on
 * title words, published within 48 hours; the first of the pool on a tie), between the lookup and the insert.
 * The pool is indexed by band once, so an entry only meets the candidates it shares a band with.
 */
function matchStories(fresh: Entry[], pool: repo.StoryCandidate[]): Map<Entry, repo.StoryCandidate> {
  const out = new Map<Entry, repo.StoryCandidate>();
  if (!pool.length) return out;
  const byBand = new Map<number, number[]>();
  pool.forEach((p, i) => {
    for (const b of p.story_bands) {
      const list = byBand.get(b);
      if (list) list.push(i);
      else byBand.set(b, [i]);
    }
  });
  const met = new Int32Array(pool.length).fill(-1);
  fresh.forEach((item, n) => {
    const at = item.published_at.getTime();
    let best = -1;
    let bestScore = 0;
    for (const b of item.story_bands) {
      for (const i of byBand.get(b) ?? []) {
        if (met[i] === n) continue;
        met[i] = n;
        const p = pool[i] as repo.StoryCandidate;
        if (Math.abs(p.published_at.getTime() - at) > STORY_WINDOW_MS) continue;
        const score = similarity(item.tokens, tokensOf(p));
        if (score >= STORY_SIMILARITY && (score > bestScore || (score === bestScore && i < best))) {
          best = i;
          bestScore = score;
        }
      }
    }
    if (best >= 0) out.set(item, pool[best] as repo.StoryCandidate);
  });
  return out;
}

/** Deadlock or serialization failure (PostgreSQL): the statement stored nothing and is safe to run again. */
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
    const words = titleTokens(title);
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
      story_bands: storyBands(words),
      searchText: text,
      tokens: new Set(words),
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

  // Two statements, each atomic: a crash between them stores nothing, and the insert drops again what
  // another feed stored meanwhile (guid, link, content hash) and resolves the stories when writing.
  t = performance.now();
  const lookup = await repo.lookupForIngest(ctx.db, feed.workspace_id, feed.id, entries, window);
  const fresh = entries.filter((_, i) => !lookup.known.has(i));
  ingestTimings.lookup += since(t);
  if (!fresh.length) return { newIds: [], needFullText: [] };
  t = performance.now();
  const matches = matchStories(fresh, lookup.candidates);
  const batch: repo.IngestedItem[] = fresh.map((entry) => {
    const { short: _s, tokens: _t, ...item } = entry;
    const candidate = matches.get(entry);
    return candidate
      ? { ...item, story: { candidateId: candidate.id, candidateTitle: candidate.title, newStoryId: randomUUID() } }
      : item;
  });
  ingestTimings.stories += since(t);
  t = performance.now();
  let inserted: { id: string; guid: string }[];
  for (let attempt = 1; ; attempt++) {
    try {
      inserted = await repo.insertIngested(ctx.db, feed.workspace_id, feed.id, batch);
      break;
    } catch (err) {
      // Two feeds joining the same stories at once (PostgreSQL) may deadlock: nothing was stored, run it again.
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
  ingestTimings.insert += since(t);
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
