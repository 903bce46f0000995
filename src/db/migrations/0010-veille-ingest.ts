import { type Kysely, sql } from "kysely";

/**
 * Feed ingestion (issue 5, polling throughput).
 * - feed_items_bands_idx (GIN on story_bands) without the fast-update pending list: every fetched feed
 *   searches this index for its story candidates, and a GIN search reads the whole pending list (up to
 *   gin_pending_list_limit, 4 MB) — it grew with every insert until the next cleanup (autovacuum, which
 *   PGlite does not have), and a candidate lookup took 130 ms at 20,000 items instead of 1 ms. An item
 *   adds only 8 keys, written straight into the tree. The list already pending is merged now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index feed_items_bands_idx set (fastupdate = off)`.execute(db);
  await sql`select gin_clean_pending_list('feed_items_bands_idx'::regclass)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index feed_items_bands_idx reset (fastupdate)`.execute(db);
}
