import { type Kysely, sql } from "kysely";

/**
 * Veille search (issue 5, docs/VEILLE.md "Search"): the full-text index split by the configuration the vectors
 * were built with — French items (french), English items (english), the others (simple) — instead of one GIN
 * index over every item.
 * - The search matches each item with its own language's query, as three arms `language = 'fr' and search @@
 *   q_fr` / `… 'en' … q_en` / `coalesce(language, '') not in ('fr', 'en') and search @@ q_simple`: each arm
 *   reads its own index, so a French stem no longer fetches the English items that happen to contain it, and a
 *   language filter reads only that language's index (before, `language = 'en'` with a French word fetched
 *   every French item holding the word, then threw them away).
 * - The predicates must stay written exactly as list.repo.ts writes the arms (the planner proves that a query
 *   condition implies an index predicate by comparing expressions).
 * - A pending list of 256 kB instead of 4 MB (gin_pending_list_limit): new entries wait in that unsorted list
 *   until it is merged into the tree, and every search reads all of it. PostgreSQL's autovacuum merges it
 *   often; PGlite has no autovacuum, so only an insert that overflows the list merges it: with 4 MB, ~460
 *   pages were read by every search of a PGlite database (measured at 200,000 items). A small list keeps
 *   the cheap batched insertion (fastupdate = off made inserting a feed's items about twice as slow).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const options = sql`with (gin_pending_list_limit = 256)`;
  await sql`create index feed_items_search_fr_idx on feed_items using gin (search) ${options}
             where language = 'fr'`.execute(db);
  await sql`create index feed_items_search_en_idx on feed_items using gin (search) ${options}
             where language = 'en'`.execute(db);
  await sql`create index feed_items_search_other_idx on feed_items using gin (search) ${options}
             where coalesce(language, '') not in ('fr', 'en')`.execute(db);
  await sql`drop index feed_items_search_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index feed_items_search_idx on feed_items using gin (search)`.execute(db);
  await sql`drop index feed_items_search_other_idx`.execute(db);
  await sql`drop index feed_items_search_en_idx`.execute(db);
  await sql`drop index feed_items_search_fr_idx`.execute(db);
}
