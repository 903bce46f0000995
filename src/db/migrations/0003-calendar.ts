import { type Kysely, sql } from "kysely";

/**
 * Calendar indexes. Recurring series are few but may start long before the range shown: without this
 * partial index, finding them scans every earlier post of the workspace on each calendar query.
 * Children of a series (occurrences, evergreen copies) are looked up by parent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index posts_series_idx on posts (workspace_id, scheduled_at) where recurrence is not null`.execute(
    db,
  );
  await sql`create index posts_parent_idx on posts (recurrence_parent_id, scheduled_at) where recurrence_parent_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index posts_parent_idx`.execute(db);
  await sql`drop index posts_series_idx`.execute(db);
}
