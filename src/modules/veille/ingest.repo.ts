import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.js";
import { MAX_INDEXED_CHARS, type NewItem } from "./items.repo.js";
import { searchConfig, unaccent } from "./text.js";

/**
 * The two statements of a fetched feed's ingestion (ingest.service.ts): the lookup (which entries are
 * already stored, and the story candidates of the others) and the insert (the new items with their search
 * vector and story). Both are functions of migration 0010 (planned once per session, batch in and out as
 * one JSON value): on PGlite every statement takes a turn of the one shared connection, so a fetched feed
 * costs two statements whatever its number of items, duplicates or story joins.
 */
type Db = Kysely<DB> | Transaction<DB>;

/**
 * JSON for PostgreSQL: a text value cannot hold U+0000 nor a lone surrogate (JSON.stringify escapes them and
 * the database refuses the escape), so they are dropped / replaced as the text protocol would.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "string" && UNSTORABLE.test(v) ? storable(v) : v));
}
const NUL = String.fromCharCode(0);
// U+0000 and surrogate halves, by code so that no control character is written in a pattern.
const UNSTORABLE = new RegExp(`[${NUL}\\ud800-\\udfff]`);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function storable(s: string): string {
  return s.split(NUL).join("").replace(LONE_SURROGATE, "\ufffd");
}

function parsed<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export interface StoryCandidate {
  id: string;
  title: string;
  published_at: Date;
  story_bands: number[];
}

/** What the lookup needs of a fetched entry. */
export interface LookupEntry {
  guid: string;
  link: string | null;
  content_hash: string;
  story_bands: number[];
}

export interface IngestLookup {
  /** Indexes (into the entries) of those already stored: same guid in this feed, or same link or content hash in the workspace. */
  known: Set<number>;
  /** Items of other feeds sharing a story band with an entry not stored yet, published within the window (≤ 500). */
  candidates: StoryCandidate[];
}

export async function lookupForIngest(
  db: Db,
  workspaceId: string,
  feedId: string,
  entries: LookupEntry[],
  window: { from: Date; to: Date },
): Promise<IngestLookup> {
  if (!entries.length) return { known: new Set(), candidates: [] };
  const payload = entries.map((e) => ({ g: e.guid, l: e.link, h: e.content_hash, b: e.story_bands }));
  const { rows } = await sql<{ r: unknown }>`
    select veille_ingest_lookup(${workspaceId}::uuid, ${feedId}::uuid, ${toJson(payload)}::json,
                                ${window.from}::timestamptz, ${window.to}::timestamptz) as r`.execute(db);
  const r = parsed<{ known: number[]; candidates: [string, string, number, number[]][] }>(rows[0]?.r);
  return {
    known: new Set(r.known),
    candidates: r.candidates.map(([id, title, at, bands]) => ({
      id,
      title,
      published_at: new Date(at),
      story_bands: bands,
    })),
  };
}

/** A new item: its story candidate (if any) and the id of the story it starts should the candidate have none. */
export interface IngestedItem extends NewItem {
  story?: { candidateId: string; candidateTitle: string; newStoryId: string };
}

/**
 * Inserts new items with their search vector (`searchVector`'s: configuration by language, folded title
 * weighted A, folded body B) and their story; a duplicate stored meanwhile is skipped (guid, link, content
 * hash). Returns the inserted ids with their guid. Retry on deadlock (two feeds joining the same stories).
 */
export async function insertIngested(
  db: Db,
  workspaceId: string,
  feedId: string,
  items: IngestedItem[],
): Promise<{ id: string; guid: string }[]> {
  if (!items.length) return [];
  const plan = new Map<string, { c: string; s: string; t: string }>();
  for (const i of items)
    if (i.story && !plan.has(i.story.candidateId))
      plan.set(i.story.candidateId, { c: i.story.candidateId, s: i.story.newStoryId, t: i.story.candidateTitle });
  const payload = items.map((i) => ({
    guid: i.guid,
    link: i.link,
    content_hash: i.content_hash,
    title: i.title,
    summary: i.summary,
    content: i.content,
    author: i.author,
    categories: i.categories,
    enclosures: i.enclosures,
    image_url: i.image_url,
    language: i.language,
    published_at: i.published_at.toISOString(),
    story_bands: i.story_bands,
    candidate: i.story?.candidateId ?? null,
    cfg: searchConfig(i.language),
    st: unaccent(i.title),
    sb: unaccent(i.searchText.slice(0, MAX_INDEXED_CHARS)),
  }));
  const { rows } = await sql<{ id: string; guid: string }>`
    select id, guid from veille_ingest_insert(${workspaceId}::uuid, ${feedId}::uuid, ${toJson(payload)}::json,
                                              ${toJson([...plan.values()])}::json)`.execute(db);
  return rows;
}
