import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from "kysely";
import type { DB, FeedEnclosureJson, FeedItemsTable } from "../../db/schema.js";
import { searchConfig, unaccent } from "./text.js";

/** Feed items, stories and per-user states. Every function takes the workspace id. */
type Db = Kysely<DB> | Transaction<DB>;

export type ItemRow = Selectable<FeedItemsTable>;

/** Most text indexed per item: tsvector has a 1 MB limit, and the end of a long article adds little. */
export const MAX_INDEXED_CHARS = 60_000;

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

/** Vacuums and analyses the items table (PGlite: no autovacuum). Not in a transaction. */
export async function vacuumItems(db: Kysely<DB>): Promise<void> {
  await sql`vacuum (analyze) feed_items`.execute(db);
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
