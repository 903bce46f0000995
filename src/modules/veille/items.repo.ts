import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from "kysely";
import type { DB, FeedEnclosureJson, FeedItemsTable } from "../../db/schema.js";
import { searchConfig, unaccent } from "./text.js";

/** Feed items, stories and per-user states. Every function takes the workspace id. */
type Db = Kysely<DB> | Transaction<DB>;

export type ItemRow = Selectable<FeedItemsTable>;

/** Most text indexed per item: tsvector has a 1 MB limit, and the end of a long article adds little. */
const MAX_INDEXED_CHARS = 60_000;

/** The full-text vector of an item, from accent-folded text, title weighted above the body. */
export function searchVector(language: string | null, title: string, body: string): RawBuilder<unknown> {
  const cfg = searchConfig(language);
  return sql`setweight(to_tsvector(${cfg}::regconfig, ${unaccent(title)}), 'A') || setweight(to_tsvector(${cfg}::regconfig, ${unaccent(body.slice(0, MAX_INDEXED_CHARS))}), 'B')`;
}

export interface NewItem {
  guid: string;
  link: string | null;
  content_hash: string;
  title: string;
  summary: string;
  content: string;
  author: string | null;
  categories: string[];
  enclosures: FeedEnclosureJson[];
  image_url: string | null;
  language: string | null;
  published_at: Date;
  story_bands: number[];
  /** Plain text indexed with the title. */
  searchText: string;
}

/** Inserts new items; a guid that raced in meanwhile is skipped. Returns the inserted ids with their guid. */
export async function insertItems(
  db: Db,
  workspaceId: string,
  feedId: string,
  items: NewItem[],
): Promise<{ id: string; guid: string }[]> {
  if (!items.length) return [];
  return db
    .insertInto("feed_items")
    .values(
      items.map(({ searchText, ...i }) => ({
        ...i,
        workspace_id: workspaceId,
        feed_id: feedId,
        categories: JSON.stringify(i.categories),
        enclosures: JSON.stringify(i.enclosures),
        search: searchVector(i.language, i.title, searchText),
      })),
    )
    .onConflict((oc) => oc.constraint("feed_items_guid_key").doNothing())
    .returning(["id", "guid"])
    .execute();
}

// ---- ingestion: one lookup and one insert per fetched feed ----
//
// On PGlite every statement costs a turn of the single shared connection (and a WAL write when it commits),
// whatever it does: a fetched feed costs two statements (lookupForIngest, insertIngested) in one
// transaction, whatever the number of items, the number of duplicates or of story joins.

export interface StoryCandidate {
  id: string;
  title: string;
  story_id: string | null;
  feed_id: string;
  published_at: Date;
  story_bands: number[];
}

/** What ingestion needs to know of a fetched entry before storing it. */
export interface LookupEntry {
  guid: string;
  link: string | null;
  content_hash: string;
  story_bands: number[];
}

export interface IngestLookup {
  /** Indexes (into the entries) of those already stored: same guid in this feed, or same link or content hash in the workspace. */
  known: Set<number>;
  /** Items of other feeds sharing a MinHash band with an entry not yet stored, published within the window. */
  candidates: StoryCandidate[];
}

/**
 * One statement for a whole fetched batch: which entries are already stored (three index probes per entry,
 * guid in the feed then link then content hash in the workspace), and the story candidates of the others
 * (items of other feeds sharing at least one MinHash band, within the time window).
 *
 * The candidate conditions are written so that no btree index matches them (a cast, an added interval) and
 * sequential scans are off for the transaction: the planner then always answers with the GIN index on
 * story_bands — without statistics (PGlite has no autovacuum) it otherwise walked the workspace's
 * recent-items index, or scanned the table, once per fetched feed. Must run in a transaction (`set local`).
 */
export async function lookupForIngest(
  trx: Transaction<DB>,
  workspaceId: string,
  feedId: string,
  entries: LookupEntry[],
  window: { from: Date; to: Date },
): Promise<IngestLookup> {
  const known = new Set<number>();
  if (!entries.length) return { known, candidates: [] };
  const bandItem: number[] = [];
  const bands: number[] = [];
  entries.forEach((e, i) => {
    for (const b of e.story_bands) {
      bandItem.push(i);
      bands.push(b);
    }
  });
  await sql`set local enable_seqscan = off`.execute(trx);
  const { rows } = await sql<{ known: number | null } & StoryCandidate>`
    with e as (
      select * from unnest(${entries.map((_, i) => i)}::integer[], ${entries.map((e) => e.guid)}::text[],
                           ${entries.map((e) => e.link)}::text[], ${entries.map((e) => e.content_hash)}::text[])
                 as e(i, guid, link, hash)),
    -- three index probes (feed_items_guid_key, _link_idx, _hash_idx); written as correlated EXISTS the
    -- planner (PostgreSQL 18) hashes every link and hash of the workspace instead
    s as (
      select f.guid, null::text as link, null::text as hash from feed_items f
       where f.feed_id = ${feedId} and f.guid = any(${entries.map((e) => e.guid)}::text[])
      union all
      select null, f.link, null from feed_items f
       where f.workspace_id = ${workspaceId} and f.link = any(${entries.flatMap((e) => (e.link ? [e.link] : []))}::text[])
         and f.link is not null
      union all
      select null, null, f.content_hash from feed_items f
       where f.workspace_id = ${workspaceId} and f.content_hash = any(${entries.map((e) => e.content_hash)}::text[])),
    k as (
      select e.i from e
       where e.guid in (select guid from s) or e.link in (select link from s) or e.hash in (select hash from s)),
    b as (
      select array_agg(distinct b.band) as bands from unnest(${bandItem}::integer[], ${bands}::integer[]) as b(i, band)
       where b.i not in (select i from k))
    select k.i as known, null::uuid as id, null::text as title, null::uuid as story_id, null::uuid as feed_id,
           null::timestamptz as published_at, null::integer[] as story_bands
      from k
    union all
    (select null, f.id, f.title, f.story_id, f.feed_id, f.published_at, f.story_bands from feed_items f
      where f.story_bands && (select bands from b)
        and f.workspace_id::text = ${workspaceId} and f.feed_id <> ${feedId}
        and f.published_at + interval '0 second' between ${window.from} and ${window.to}
      limit 500)`.execute(trx);
  const candidates: StoryCandidate[] = [];
  for (const r of rows) {
    if (r.known !== null) known.add(r.known);
    else
      candidates.push({
        id: r.id,
        title: r.title,
        story_id: r.story_id,
        feed_id: r.feed_id,
        published_at: r.published_at,
        story_bands: r.story_bands,
      });
  }
  return { known, candidates };
}

/** A new item for insertIngested: its story candidate (if any) and the new story's id should it start one. */
export interface IngestedItem extends NewItem {
  story?: { candidateId: string; candidateTitle: string; newStoryId: string };
}

/** An item's search vector inputs, folded as searchVector folds them (the SQL below applies the same weights). */
function searchInputs(language: string | null, title: string, body: string) {
  return { cfg: searchConfig(language), title: unaccent(title), body: unaccent(body.slice(0, MAX_INDEXED_CHARS)) };
}

/**
 * One statement for a batch of new items: inserts them (a guid that raced in is skipped by the unique key)
 * with their search vector and their story. A story joined is resolved when writing, not when the
 * candidates were read: the candidates are locked (no key update, in id order) and a candidate that got a
 * story meanwhile is joined in it rather than leading a second one. A candidate without story leads a new
 * one (its id chosen by the caller, so the items can reference it in the same statement); the stories'
 * counts grow by the items actually inserted. Returns the inserted ids with their guid.
 */
export async function insertIngested(
  db: Db,
  workspaceId: string,
  feedId: string,
  items: IngestedItem[],
): Promise<{ id: string; guid: string }[]> {
  if (!items.length) return [];
  const plan = new Map<string, { title: string; newStoryId: string }>();
  for (const i of items)
    if (i.story && !plan.has(i.story.candidateId))
      plan.set(i.story.candidateId, { title: i.story.candidateTitle, newStoryId: i.story.newStoryId });
  const search = items.map((i) => searchInputs(i.language, i.title, i.searchText));
  const col = <T>(f: (i: IngestedItem, n: number) => T) => items.map(f);
  const { rows } = await sql<{ id: string; guid: string }>`
    with p as (
      select * from unnest(${[...plan.keys()]}::uuid[], ${[...plan.values()].map((v) => v.newStoryId)}::uuid[],
                           ${[...plan.values()].map((v) => v.title)}::text[]) as p(candidate_id, new_story_id, title)),
    c as (
      select f.id, f.story_id from feed_items f
       where f.id in (select candidate_id from p) and f.workspace_id = ${workspaceId}
       order by f.id
         for no key update),
    t as (
      select p.candidate_id, coalesce(c.story_id, p.new_story_id) as story_id, c.story_id is null as is_new, p.title
        from p join c on c.id = p.candidate_id),
    ins as (
      insert into feed_items (workspace_id, feed_id, guid, link, content_hash, title, summary, content, author,
                              categories, enclosures, image_url, language, published_at, story_bands, story_id, search)
      select ${workspaceId}, ${feedId}, r.guid, r.link, r.content_hash, r.title, r.summary, r.content, r.author,
             r.categories::jsonb, r.enclosures::jsonb, r.image_url, r.language, r.published_at, r.story_bands::integer[],
             t.story_id,
             setweight(to_tsvector(r.cfg::regconfig, r.search_title), 'A')
               || setweight(to_tsvector(r.cfg::regconfig, r.search_body), 'B')
        from unnest(${col((i) => i.guid)}::text[], ${col((i) => i.link)}::text[], ${col((i) => i.content_hash)}::text[],
                    ${col((i) => i.title)}::text[], ${col((i) => i.summary)}::text[], ${col((i) => i.content)}::text[],
                    ${col((i) => i.author)}::text[], ${col((i) => JSON.stringify(i.categories))}::text[],
                    ${col((i) => JSON.stringify(i.enclosures))}::text[], ${col((i) => i.image_url)}::text[],
                    ${col((i) => i.language)}::text[], ${col((i) => i.published_at.toISOString())}::timestamptz[],
                    ${col((i) => `{${i.story_bands.join(",")}}`)}::text[], ${col((i) => i.story?.candidateId ?? null)}::uuid[],
                    ${col((_, n) => search[n]?.cfg)}::text[], ${col((_, n) => search[n]?.title)}::text[],
                    ${col((_, n) => search[n]?.body)}::text[])
               as r(guid, link, content_hash, title, summary, content, author, categories, enclosures, image_url,
                    language, published_at, story_bands, candidate_id, cfg, search_title, search_body)
        left join t on t.candidate_id = r.candidate_id
      on conflict on constraint feed_items_guid_key do nothing
      returning id, guid, story_id),
    joined as (select story_id, count(*)::integer as n from ins where story_id is not null group by story_id),
    created as (
      insert into stories (id, workspace_id, title, lead_item_id, item_count)
      select t.story_id, ${workspaceId}, t.title, t.candidate_id, 1 + j.n from t join joined j on j.story_id = t.story_id
       where t.is_new
      returning id),
    lead as (
      update feed_items f set story_id = t.story_id from t join joined j on j.story_id = t.story_id
       where t.is_new and f.id = t.candidate_id
      returning f.id),
    grown as (
      update stories s set item_count = s.item_count + j.n from joined j
       where s.id = j.story_id and not exists (select 1 from t where t.story_id = j.story_id and t.is_new)
      returning s.id)
    select id, guid from ins`.execute(db);
  return rows;
}

export function findItem(db: Db, workspaceId: string, itemId: string): Promise<ItemRow | undefined> {
  return db
    .selectFrom("feed_items")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", itemId)
    .executeTakeFirst();
}

export async function setFullText(db: Db, workspaceId: string, itemId: string, fullText: string, searchText: string) {
  const item = await findItem(db, workspaceId, itemId);
  if (!item) return;
  await db
    .updateTable("feed_items")
    .set({ full_text: fullText, search: searchVector(item.language, item.title, searchText) })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", itemId)
    .execute();
}

/** Refreshes the planner's statistics of the items table (PGlite has no autovacuum to do it). */
export async function analyzeItems(db: Kysely<DB>): Promise<void> {
  await sql`analyze feed_items`.execute(db);
}

// ---- reading ----

// The list and its search: list.repo.ts.

export interface StorySource {
  story_id: string;
  item_id: string;
  feed_id: string;
  feed_title: string;
  link: string | null;
  title: string;
  published_at: Date;
}

export async function storySources(db: Db, workspaceId: string, storyIds: string[]): Promise<StorySource[]> {
  if (!storyIds.length) return [];
  const { rows } = await sql<StorySource>`
    select i.story_id, i.id as item_id, i.feed_id, f.title as feed_title, i.link, i.title, i.published_at
      from feed_items i join feeds f on f.id = i.feed_id
     where i.workspace_id = ${workspaceId} and i.story_id = any(${storyIds}::uuid[])
     order by i.published_at, i.id`.execute(db);
  return rows;
}

export function findState(db: Db, userId: string, itemId: string) {
  return db
    .selectFrom("feed_item_states")
    .selectAll()
    .where("user_id", "=", userId)
    .where("item_id", "=", itemId)
    .executeTakeFirst();
}

/** Read or unread for one item and the other items of its story (the same news, read once). */
export async function setRead(db: Db, workspaceId: string, userId: string, itemId: string, read: boolean) {
  const at = read ? new Date() : null;
  await sql`
    insert into feed_item_states (workspace_id, user_id, item_id, read_at)
    select ${workspaceId}, ${userId}, i.id, ${at}::timestamptz from feed_items i
     where i.workspace_id = ${workspaceId}
       and (i.id = ${itemId} or i.story_id = (select story_id from feed_items where id = ${itemId} and workspace_id = ${workspaceId}))
    on conflict (user_id, item_id) do update set read_at = excluded.read_at`.execute(db);
}

export async function setStarred(db: Db, workspaceId: string, userId: string, itemId: string, starred: boolean) {
  const at = starred ? new Date() : null;
  await sql`
    insert into feed_item_states (workspace_id, user_id, item_id, starred_at) values (${workspaceId}, ${userId}, ${itemId}, ${at})
    on conflict (user_id, item_id) do update set starred_at = excluded.starred_at`.execute(db);
}

/** Marks every matching item published up to `before` as read; returns how many changed. */
export async function markAllRead(
  db: Db,
  workspaceId: string,
  userId: string,
  before: Date,
  scope: { feedId?: string; folderId?: string },
): Promise<number> {
  const conds: RawBuilder<unknown>[] = [sql`i.workspace_id = ${workspaceId}`, sql`i.published_at <= ${before}`];
  if (scope.feedId) conds.push(sql`i.feed_id = ${scope.feedId}`);
  if (scope.folderId) conds.push(sql`f.folder_id = ${scope.folderId}`);
  const { rows } = await sql<{ n: number }>`
    with changed as (
      insert into feed_item_states (workspace_id, user_id, item_id, read_at)
      select ${workspaceId}, ${userId}, i.id, now() from feed_items i join feeds f on f.id = i.feed_id
       where ${sql.join(conds, sql` and `)}
         and not exists (select 1 from feed_item_states s where s.user_id = ${userId} and s.item_id = i.id and s.read_at is not null)
      on conflict (user_id, item_id) do update set read_at = excluded.read_at
      returning 1)
    select count(*)::int as n from changed`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Unread items per feed for a user. */
export async function unreadCounts(db: Db, workspaceId: string, userId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ feed_id: string; n: number }>`
    select i.feed_id, count(*)::int as n from feed_items i
     where i.workspace_id = ${workspaceId}
       and not exists (select 1 from feed_item_states s where s.user_id = ${userId} and s.item_id = i.id and s.read_at is not null)
     group by i.feed_id`.execute(db);
  return new Map(rows.map((r) => [r.feed_id, r.n]));
}

// ---- retention ----

/**
 * Deletes up to `batch` items older than the workspace's retention (by publication and fetch date), except
 * items someone starred and items saved to a curation topic. Returns how many were deleted.
 */
export async function deleteExpired(db: Db, workspaceId: string, cutoff: Date, batch: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with gone as (
      delete from feed_items where id in (
        select i.id from feed_items i
         where i.workspace_id = ${workspaceId} and i.published_at < ${cutoff} and i.fetched_at < ${cutoff}
           and not exists (select 1 from feed_item_states s where s.item_id = i.id and s.starred_at is not null)
           and not exists (select 1 from curation_entries c where c.feed_item_id = i.id)
         limit ${batch})
      returning 1)
    select count(*)::int as n from gone`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Stories left with fewer than two items after deletions: their remaining item goes back to being alone. */
export async function pruneStories(db: Db, workspaceId: string): Promise<void> {
  await sql`
    update stories st set item_count = c.n,
           lead_item_id = case when exists (select 1 from feed_items l where l.id = st.lead_item_id and l.story_id = st.id)
                               then st.lead_item_id else c.first_id end
      from (select story_id, count(*)::int as n, (array_agg(id order by published_at))[1] as first_id
              from feed_items where workspace_id = ${workspaceId} and story_id is not null group by story_id) c
     where st.id = c.story_id and st.workspace_id = ${workspaceId}
       and (st.item_count <> c.n or st.lead_item_id is null
            or not exists (select 1 from feed_items l where l.id = st.lead_item_id))`.execute(db);
  await sql`delete from stories st where st.workspace_id = ${workspaceId}
     and not exists (select 1 from feed_items i where i.story_id = st.id)`.execute(db);
}
