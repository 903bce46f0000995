import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.js";
import { searchConfig, unaccent } from "./text.js";

/**
 * The reader's list (docs/VEILLE.md, "Search"): filters, French-aware full-text search, newest first, keyset
 * paging. Every function takes the workspace id.
 *
 * A search is answered in two steps so its cost does not depend on the planner guessing how many items
 * match (it cannot: a phrase, an exclusion or two words together are estimated as if independent, and an
 * item matched by its own language's query is not estimable at all):
 * 1. the newest SEARCH_WINDOW items of the scope (workspace or feed, dates, cursor) are walked by date on the
 *    btree and filtered; a common word fills the page within a few hundred rows and the walk stops there;
 * 2. only when that window gave less than a page, the rest (items older than the window) is asked of the GIN
 *    index: fewer than a page in SEARCH_WINDOW rows means the query is rare, so its matches are few to fetch
 *    and sort. The order is written so that no btree matches it: the planner cannot walk the whole table by
 *    date looking for a phrase that never occurs.
 * Without a search (or with `starred` / `storyId`, a handful of rows) one query, whose plan the planner picks.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** Rows walked by date before the full-text index is asked (step 1 above). */
export const SEARCH_WINDOW = 2000;

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
 * The filter's conditions on `i` alone (no join): the per-user state and the story lead are correlated
 * subqueries, evaluated per row after the cheaper conditions, so a walk by date stops as soon as the page is
 * full instead of joining every state of the user first.
 */
function conditions(
  workspaceId: string,
  userId: string,
  f: ItemFilter,
  feedIds: string[] | undefined,
  cursor: Cursor | undefined,
): RawBuilder<unknown>[] {
  const conds: RawBuilder<unknown>[] = [sql`i.workspace_id = ${workspaceId}`];
  if (f.feedId) conds.push(sql`i.feed_id = ${f.feedId}`);
  if (feedIds) conds.push(sql`i.feed_id = any(${feedIds}::uuid[])`);
  if (f.language) conds.push(sql`i.language = ${f.language}`);
  if (f.since) conds.push(sql`i.published_at >= ${f.since}`);
  if (f.until) conds.push(sql`i.published_at <= ${f.until}`);
  if (f.storyId) conds.push(sql`i.story_id = ${f.storyId}`);
  if (cursor) conds.push(sql`(i.published_at, i.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  if (f.q) conds.push(searchCondition(f.q, f.language));
  // A scalar subquery, not NOT EXISTS: an anti-join may be answered by hashing all the user's states.
  if (f.unread) {
    conds.push(
      sql`(select s.read_at from feed_item_states s where s.user_id = ${userId} and s.item_id = i.id) is null`,
    );
  }
  if (f.starred) {
    conds.push(sql`exists (select 1 from feed_item_states s
                            where s.user_id = ${userId} and s.item_id = i.id and s.starred_at is not null)`);
  }
  if (f.group && !f.feedId && !f.storyId) {
    // The story's lead only (an item whose story has no lead, or lost it, is shown).
    conds.push(sql`(i.story_id is null
      or coalesce((select st.lead_item_id from stories st where st.id = i.story_id), i.id) = i.id)`);
  }
  return conds;
}

/** The scope walked by date in step 1: what a btree on (workspace | feed, published_at, id) answers. */
function windowConditions(workspaceId: string, f: ItemFilter, cursor: Cursor | undefined): RawBuilder<unknown>[] {
  const conds: RawBuilder<unknown>[] = [sql`i.workspace_id = ${workspaceId}`];
  if (f.feedId) conds.push(sql`i.feed_id = ${f.feedId}`);
  if (f.since) conds.push(sql`i.published_at >= ${f.since}`);
  if (f.until) conds.push(sql`i.published_at <= ${f.until}`);
  if (cursor) conds.push(sql`(i.published_at, i.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  return conds;
}

const and = (conds: RawBuilder<unknown>[]) => sql.join(conds, sql` and `);

/**
 * The page: `source` (feed_items or a window of it) filtered by `conds`, newest first, `limit` rows, then the
 * feed title, the caller's state and the story count for those rows only.
 */
async function page(
  db: Db,
  userId: string,
  source: RawBuilder<unknown>,
  conds: RawBuilder<unknown>[],
  order: RawBuilder<unknown>,
  limit: number,
): Promise<ListedItem[]> {
  const { rows } = await sql<ListedItem>`
    select i.id, i.feed_id, f.title as feed_title, i.story_id, st.item_count as story_count, i.link, i.title,
           left(i.summary, 4000) as summary, case when i.summary = '' then left(i.content, 4000) else '' end as content_head,
           i.image_url, i.author, i.language, i.published_at, s.read_at, s.starred_at,
           (i.full_text is not null) as has_full_text
      from (select i.* from ${source} i where ${and(conds)} order by ${order} limit ${limit}) i
      join feeds f on f.id = i.feed_id
      left join feed_item_states s on s.user_id = ${userId} and s.item_id = i.id
      left join stories st on st.id = i.story_id
     order by i.published_at desc, i.id desc`.execute(db);
  return rows;
}

const BY_DATE = sql`i.published_at desc, i.id desc`;
// The same order, in a form no btree index answers (see step 2 above).
const BY_DATE_NOT_INDEXED = sql`i.published_at + interval '0 second' desc, i.id desc`;

/**
 * Items matching the filter, newest first (published_at, then id), at most `limit`, after the cursor.
 * `window` (tests): rows walked by date before the GIN index is asked; 0 = one query, as without a search.
 */
export async function listItems(
  db: Db,
  workspaceId: string,
  userId: string,
  f: ItemFilter,
  limit: number,
  cursor?: Cursor,
  { window = SEARCH_WINDOW }: { window?: number } = {},
): Promise<ListedItem[]> {
  let feedIds: string[] | undefined;
  if (f.folderId) {
    // The folder's feeds as constants: the planner can then intersect the feed index with the GIN index.
    const feeds = await db
      .selectFrom("feeds")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("folder_id", "=", f.folderId)
      .execute();
    if (!feeds.length) return [];
    feedIds = feeds.map((r) => r.id);
  }
  const conds = conditions(workspaceId, userId, f, feedIds, cursor);
  if (!f.q || f.starred || f.storyId || window <= 0) return page(db, userId, sql`feed_items`, conds, BY_DATE, limit);

  // Step 1: the newest rows of the scope, walked by date.
  const scope = windowConditions(workspaceId, f, cursor);
  const recent = sql`(select i.* from feed_items i where ${and(scope)} order by ${BY_DATE} limit ${window})`;
  const first = await page(db, userId, recent, conds, BY_DATE, limit);
  if (first.length >= limit) return first;
  // Step 2: the window's last row; none when the scope is smaller than the window (it was all walked).
  const { rows: edge } = await sql<{ published_at: Date; id: string }>`
    select i.published_at, i.id from feed_items i where ${and(scope)}
     order by ${BY_DATE} offset ${window - 1} limit 1`.execute(db);
  const last = edge[0];
  if (!last) return first;
  const older = [...conds, sql`(i.published_at, i.id) < (${last.published_at}, ${last.id}::uuid)`];
  const rest = await page(db, userId, sql`feed_items`, older, BY_DATE_NOT_INDEXED, limit - first.length);
  return [...first, ...rest];
}
