import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.js";
import { searchConfig, unaccent } from "./text.js";

/**
 * The reader's list (docs/VEILLE.md, "Search"): filters, French-aware full-text search, newest first, keyset
 * paging. Every function takes the workspace id.
 *
 * A search is answered in steps so that its cost does not depend on the planner guessing how many items match
 * (it cannot: a phrase, an exclusion or two words together are estimated as if independent, and an item
 * matched by its own language's query is not estimable at all):
 * 1. the scope's newest FIRST_WINDOW rows (workspace, feed or folder; dates; after the cursor) are walked by
 *    date on a btree and filtered: a common word fills the page within a few hundred rows and the walk stops;
 * 2. if that gave some matches but not a page, their rate says how many more rows should fill it: when that
 *    is at most MAX_WALK, the walk goes on (twice that far at most, stopping when the page is full);
 * 3. otherwise — no match at all in the first window, too rare to walk for, or still not a page — the rest is
 *    asked of the GIN index: the query is rare, so its matches are few to fetch and sort. The order is
 *    written so that no btree matches it: the planner cannot walk the whole table by date looking for a
 *    phrase that never occurs. The read state and the story lead are checked after sorting, on the rows the
 *    page takes.
 * The same steps list without a search: a filter (unread, a folder, a language) is as hard to estimate, and
 * the walk stops as soon as the page is full. With `starred` or `storyId` (a handful of rows, indexed) one
 * query, whose plan the planner picks.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** Rows walked by date before the rate of matches is looked at (step 1 above). */
export const FIRST_WINDOW = 500;
/** Most rows walked after the first window (step 2): beyond, the GIN index (or the planner) is cheaper. */
export const MAX_WALK = 4000;

export interface ItemFilter {
  feedId?: string;
  folderId?: string;
  language?: string;
  since?: Date;
  until?: Date;
  unread?: boolean;
  starred?: boolean;
  q?: string;
  storyId?: string;
  /** Show one item per story (its lead) — ignored when a feed or a story is chosen. */
  group?: boolean;
}

export interface ListedItem {
  id: string;
  feed_id: string;
  feed_title: string;
  story_id: string | null;
  story_count: number | null;
  link: string | null;
  title: string;
  summary: string;
  content_head: string;
  image_url: string | null;
  author: string | null;
  language: string | null;
  published_at: Date;
  read_at: Date | null;
  starred_at: Date | null;
  has_full_text: boolean;
}

export interface Cursor {
  at: Date;
  id: string;
}

/** A websearch query ("mots", "phrase exacte", -exclu, OR) in one language's configuration, from folded text. */
export function searchQuery(q: string, language?: string | null): RawBuilder<unknown> {
  return sql`websearch_to_tsquery(${searchConfig(language)}::regconfig, ${unaccent(q)})`;
}

/**
 * The items searched with one language's configuration, as their vectors were built (french, english, else
 * simple): the predicates of the partial GIN indexes of migration 0009, written identically so the planner
 * can use them.
 */
function configurationItems(language: string | null | undefined): RawBuilder<unknown> {
  const cfg = searchConfig(language);
  if (cfg === "french") return sql`i.language = 'fr'`;
  if (cfg === "english") return sql`i.language = 'en'`;
  return sql`coalesce(i.language, '') not in ('fr', 'en')`;
}

/**
 * The search condition on `i`: each item is matched with its own language's query (so "-taureaux" excludes a
 * French item by its French stem) — three arms, each its items' condition and a constant query, so the
 * planner estimates each from the statistics and answers each from its own partial GIN index. With a
 * language filter, only that language's arm.
 */
export function searchCondition(q: string, language?: string | null): RawBuilder<unknown> {
  const arm = (lang: string | null) => sql`(${configurationItems(lang)} and i.search @@ ${searchQuery(q, lang)})`;
  if (language) return arm(language);
  return sql`(${arm("fr")} or ${arm("en")} or ${arm(null)})`;
}

/**
 * The filter's conditions on `i` alone (no join). `costly` are correlated subqueries (the caller's read state,
 * the story's lead): one index probe per row, so they are evaluated last — after the search, and in step 2
 * after sorting, on only as many rows as the page takes.
 */
function conditions(
  workspaceId: string,
  userId: string,
  f: ItemFilter,
  feedIds: string[] | undefined,
  cursor: Cursor | undefined,
): { cheap: RawBuilder<unknown>[]; costly: RawBuilder<unknown>[] } {
  const cheap: RawBuilder<unknown>[] = [sql`i.workspace_id = ${workspaceId}`];
  const costly: RawBuilder<unknown>[] = [];
  if (f.feedId) cheap.push(sql`i.feed_id = ${f.feedId}`);
  if (feedIds) cheap.push(sql`i.feed_id = any(${feedIds}::uuid[])`);
  if (f.language) cheap.push(sql`i.language = ${f.language}`);
  if (f.since) cheap.push(sql`i.published_at >= ${f.since}`);
  if (f.until) cheap.push(sql`i.published_at <= ${f.until}`);
  if (f.storyId) cheap.push(sql`i.story_id = ${f.storyId}`);
  if (cursor) cheap.push(sql`(i.published_at, i.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  if (f.q) cheap.push(searchCondition(f.q, f.language));
  // A scalar subquery, not NOT EXISTS: an anti-join may be answered by hashing all the user's states.
  if (f.unread) {
    costly.push(
      sql`(select s.read_at from feed_item_states s where s.user_id = ${userId} and s.item_id = i.id) is null`,
    );
  }
  // A semi-join: the planner may start from the user's few starred items.
  if (f.starred) {
    cheap.push(sql`exists (select 1 from feed_item_states s
                            where s.user_id = ${userId} and s.item_id = i.id and s.starred_at is not null)`);
  }
  if (f.group && !f.feedId && !f.storyId) {
    // The story's lead only (an item whose story has no lead, or lost it, is shown).
    costly.push(sql`(i.story_id is null
      or coalesce((select st.lead_item_id from stories st where st.id = i.story_id), i.id) = i.id)`);
  }
  return { cheap, costly };
}

const and = (conds: RawBuilder<unknown>[]) => sql.join(conds, sql` and `);

const BY_DATE = sql`i.published_at desc, i.id desc`;
// The same order, in a form no btree index answers (see step 3 above).
const BY_DATE_NOT_INDEXED = sql`i.published_at + interval '0 second' desc, i.id desc`;

/** A folder of more feeds than this is walked as the workspace (its feeds filtered), not feed by feed. */
const MAX_MERGED_FEEDS = 64;

/**
 * The newest `n` rows of the scope, newest first, as a btree walks them: the workspace (recent-items index), one
 * feed (feed index) or a folder's feeds (each feed's index, merged by date: the planner's Merge Append pulls
 * from each only what the merge consumes), within the dates and after the cursor.
 */
function scopeRows(
  workspaceId: string,
  f: ItemFilter,
  feedIds: string[] | undefined,
  cursor: Cursor | undefined,
  n: number,
): RawBuilder<unknown> {
  const range: RawBuilder<unknown>[] = [];
  if (f.since) range.push(sql`i.published_at >= ${f.since}`);
  if (f.until) range.push(sql`i.published_at <= ${f.until}`);
  if (cursor) range.push(sql`(i.published_at, i.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  const rows = (feedId?: string) =>
    sql`(select i.* from feed_items i
          where ${and([sql`i.workspace_id = ${workspaceId}`, ...(feedId ? [sql`i.feed_id = ${feedId}`] : []), ...range])}
          order by ${BY_DATE} limit ${n})`;
  if (f.feedId) return rows(f.feedId);
  if (feedIds && feedIds.length <= MAX_MERGED_FEEDS) {
    return sql`(select i.* from (${sql.join(feedIds.map(rows), sql` union all `)}) i order by ${BY_DATE} limit ${n})`;
  }
  return rows();
}

const ITEM_COLUMNS = sql`i.id, i.feed_id, f.title as feed_title, i.story_id, st.item_count as story_count, i.link, i.title,
       left(i.summary, 4000) as summary, case when i.summary = '' then left(i.content, 4000) else '' end as content_head,
       i.image_url, i.author, i.language, i.published_at, s.read_at, s.starred_at,
       (i.full_text is not null) as has_full_text`;

/** The feed title, the caller's state and the story count of the page's rows `i` (joined for those rows only). */
const JOINS = (userId: string) => sql`
  join feeds f on f.id = i.feed_id
  left join feed_item_states s on s.user_id = ${userId} and s.item_id = i.id
  left join stories st on st.id = i.story_id`;

/** Up to `limit` rows of feed_items matching `conds`, in `order` (newest first). */
async function page(
  db: Db,
  userId: string,
  conds: RawBuilder<unknown>[],
  order: RawBuilder<unknown>,
  limit: number,
): Promise<ListedItem[]> {
  const { rows } = await sql<ListedItem>`
    select ${ITEM_COLUMNS}
      from (select i.* from feed_items i where ${and(conds)} order by ${order} limit ${limit}) i
      ${JOINS(userId)}
     order by ${BY_DATE}`.execute(db);
  return rows;
}

/**
 * Step 3: up to `limit` rows older than the rows walked. The GIN index gives the rows matching `cheap` (the
 * search is among them), sorted by a date expression no btree answers; `costly` is then checked in that order
 * until the page is full — not on every match.
 */
async function olderPage(
  db: Db,
  userId: string,
  cheap: RawBuilder<unknown>[],
  costly: RawBuilder<unknown>[],
  limit: number,
): Promise<ListedItem[]> {
  // PostgreSQL plans a bitmap scan of a few thousand pages in parallel: starting the worker took 30–45 ms on a
  // loaded 2-core machine, more than the scan. (PGlite has no parallel workers.)
  if (!db.isTransaction) {
    return (db as Kysely<DB>).transaction().execute(async (trx) => {
      await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
      return olderPage(trx, userId, cheap, costly, limit);
    });
  }
  if (!costly.length) return page(db, userId, cheap, BY_DATE_NOT_INDEXED, limit);
  const { rows } = await sql<ListedItem>`
    select ${ITEM_COLUMNS}
      from (select i.id
              from (select i.id, i.story_id, i.published_at + interval '0 second' as sort_at from feed_items i
                     where ${and(cheap)} order by sort_at desc, i.id desc offset 0) i
             where ${and(costly)}
             order by i.sort_at desc, i.id desc limit ${limit}) c
      join feed_items i on i.id = c.id
      ${JOINS(userId)}
     order by ${BY_DATE}`.execute(db);
  return rows;
}

/**
 * Steps 1 and 2: up to `limit` rows matching `conds` among the `window` rows of `scope` — and the window's last
 * row (`edge`) when the window was full and the matches fewer than `limit`: the next step starts after it. One
 * statement: the last row is numbered as it streams by and kept by the filter whether it matches or not.
 */
async function windowPage(
  db: Db,
  userId: string,
  scope: RawBuilder<unknown>,
  conds: RawBuilder<unknown>[],
  limit: number,
  window: number,
): Promise<{ hits: ListedItem[]; edge: { published_at: Date; id: string } | undefined }> {
  const { rows } = await sql<ListedItem & { hit: boolean; window_row: number }>`
    select ${ITEM_COLUMNS}, i.hit, i.window_row
      from (select i.*, (${and(conds)}) as hit
              from (select i.*, row_number() over (order by ${BY_DATE}) as window_row from ${scope} i) i
             where (${and(conds)}) or i.window_row = ${window}
             order by ${BY_DATE} limit ${limit + 1}) i
      ${JOINS(userId)}
     order by ${BY_DATE}`.execute(db);
  const hits = rows.filter((r) => r.hit).slice(0, limit);
  const last = rows.find((r) => Number(r.window_row) === window);
  for (const r of rows) {
    delete (r as Partial<typeof r>).hit;
    delete (r as Partial<typeof r>).window_row;
  }
  return { hits, edge: hits.length < limit && last ? { published_at: last.published_at, id: last.id } : undefined };
}

/**
 * Items matching the filter, newest first (published_at, then id), at most `limit`, after the cursor.
 * `window` / `maxWalk` (tests): FIRST_WINDOW and MAX_WALK; window 0 = one query, as without a search.
 */
export async function listItems(
  db: Db,
  workspaceId: string,
  userId: string,
  f: ItemFilter,
  limit: number,
  cursor?: Cursor,
  { window = FIRST_WINDOW, maxWalk = MAX_WALK }: { window?: number; maxWalk?: number } = {},
): Promise<ListedItem[]> {
  let feedIds: string[] | undefined;
  if (f.folderId) {
    // The folder's feeds as constants: walked feed by feed in step 1, and in step 2 the feed index and the GIN
    // index intersect.
    const feeds = await db
      .selectFrom("feeds")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("folder_id", "=", f.folderId)
      .orderBy("id")
      .execute();
    if (!feeds.length) return [];
    feedIds = feeds.map((r) => r.id);
  }
  const { cheap, costly } = conditions(workspaceId, userId, f, feedIds, cursor);
  const all = [...cheap, ...costly];
  if (f.starred || f.storyId || window <= 0) return page(db, userId, all, BY_DATE, limit);

  // Steps 1 and 2: walks by date, each starting after the last row of the previous one. A feed's or a
  // folder's rows are scattered among the workspace's (a page read per row rather than per few rows): their
  // walk stops sooner.
  const scattered = !!f.feedId || (!!feedIds && feedIds.length <= MAX_MERGED_FEEDS);
  const budget = scattered ? maxWalk / 4 : maxWalk;
  const hits: ListedItem[] = [];
  let from: Cursor | undefined = cursor;
  let rows = window;
  for (let step = 1; step <= 2; step++) {
    const scope = scopeRows(workspaceId, f, feedIds, from, rows);
    const found = await windowPage(db, userId, scope, all, limit - hits.length, rows);
    hits.push(...found.hits);
    if (!found.edge) return hits;
    from = { at: found.edge.published_at, id: found.edge.id };
    // The rows that should hold the rest of the page at this rate; the walk may go twice as far (the count of
    // matches in a window varies), and stops when the page is full.
    const expected = found.hits.length ? ((limit - hits.length) * rows) / found.hits.length : Infinity;
    if (expected > budget) break;
    rows = Math.ceil(Math.min(2 * expected, budget));
  }
  // Step 3: the GIN index, for what is older than the rows walked.
  const edge = from as Cursor;
  const older = [...cheap, sql`(i.published_at, i.id) < (${edge.at}, ${edge.id}::uuid)`];
  return [...hits, ...(await olderPage(db, userId, older, costly, limit - hits.length))];
}
