import { type Kysely, sql } from "kysely";

/**
 * Each published target keeps its latest metric snapshot on its row (`latest_metrics`: takenAt, likes,
 * reposts, replies, quotes), written in the statement that inserts the snapshots (analytics/metrics.repo.ts).
 * The calendar shows these counters on every published post of a month view (~1,500 targets): reading
 * them from the row instead of probing post_metric_snapshots once per target took a third of the month
 * query's time on PostgreSQL. The snapshots table stays the history. `json`, not `jsonb`: it is only ever
 * written whole and read whole, and json is embedded in the calendar's JSON as it is stored (jsonb is
 * printed again for every target).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("post_targets").addColumn("latest_metrics", "json").execute();
  await sql`
    update post_targets t
       set latest_metrics = json_build_object('takenAt', s.taken_at, 'likes', s.likes, 'reposts', s.reposts,
                                               'replies', s.replies, 'quotes', s.quotes)
      from (select distinct on (post_target_id) post_target_id, taken_at, likes, reposts, replies, quotes
              from post_metric_snapshots order by post_target_id, taken_at desc) s
     where s.post_target_id = t.id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("post_targets").dropColumn("latest_metrics").execute();
}
