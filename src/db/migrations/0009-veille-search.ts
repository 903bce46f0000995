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
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index feed_items_search_fr_idx on feed_items using gin (search) where language = 'fr'`.execute(db);
  await sql`create index feed_items_search_en_idx on feed_items using gin (search) where language = 'en'`.execute(db);
  await sql`create index feed_items_search_other_idx on feed_items using gin (search)
             where coalesce(language, '') not in ('fr', 'en')`.execute(db);
  await sql`drop index feed_items_search_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index feed_items_search_idx on feed_items using gin (search)`.execute(db);
  await sql`drop index feed_items_search_other_idx`.execute(db);
  await sql`drop index feed_items_search_en_idx`.execute(db);
  await sql`drop index feed_items_search_fr_idx`.execute(db);
}
