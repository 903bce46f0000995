import { type Kysely, sql } from "kysely";

/**
 * Listening on the connected accounts (docs/SOCIAL-SYNC.md).
 * - interactions: what the networks tell about an account (replies, mentions, quotes, reposts, likes,
 *   follows), deduplicated by (account, kind, external id) so a sync run twice inserts nothing twice.
 *   `post_target_id` links it to our post when the network says which post it concerns (first post of the
 *   target, or any later part of its thread). read_at / handled_at are the future inbox's state.
 * - post_metric_snapshots / account_metric_snapshots: counters at a moment. Rows are only ever inserted
 *   (a series, never an overwritten value).
 * - social_accounts: the sync's state (cursor of an unfinished backfill, not-before after a rate limit, a lease
 *   so that one account is synced by one worker at a time, last success, last error).
 * - post_targets.thread_external_ids: external ids of a published thread's later parts (the first part's is
 *   external_id), for linking interactions on them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: column builder callbacks shared across tables
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const ws = (c: any) => c.notNull().references("workspaces.id").onDelete("cascade");

  await db.schema
    .alterTable("social_accounts")
    .addColumn("sync_cursor", "text")
    .addColumn("sync_not_before", "timestamptz")
    .addColumn("sync_lease_until", "timestamptz")
    .addColumn("last_synced_at", "timestamptz")
    .addColumn("last_sync_error", "text")
    .addColumn("last_sync_error_at", "timestamptz")
    .execute();
  await db.schema.alterTable("post_targets").addColumn("thread_external_ids", "jsonb").execute();

  await db.schema
    .createTable("interactions")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("account_id", "uuid", (c) => c.notNull().references("social_accounts.id").onDelete("cascade"))
    .addColumn("post_target_id", "uuid", (c) => c.references("post_targets.id").onDelete("set null"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('reply','mention','quote','repost','like','follow')`),
    )
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("subject_external_id", "text")
    .addColumn("author_external_id", "text")
    .addColumn("author_handle", "text")
    .addColumn("author_name", "text")
    .addColumn("author_avatar_url", "text")
    .addColumn("text", "text")
    .addColumn("url", "text")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", now)
    .addColumn("read_at", "timestamptz")
    .addColumn("handled_at", "timestamptz")
    .addColumn("handled_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addUniqueConstraint("interactions_dedup_key", ["account_id", "kind", "external_id"])
    .execute();
  await sql`create index interactions_workspace_idx on interactions (workspace_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interactions_account_idx on interactions (account_id, occurred_at desc)`.execute(db);
  await sql`create index interactions_target_idx on interactions (post_target_id) where post_target_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable("post_metric_snapshots")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_target_id", "uuid", (c) => c.notNull().references("post_targets.id").onDelete("cascade"))
    .addColumn("taken_at", "timestamptz", now)
    .addColumn("likes", "integer")
    .addColumn("reposts", "integer")
    .addColumn("replies", "integer")
    .addColumn("quotes", "integer")
    .addColumn("impressions", "integer")
    .execute();
  await sql`create index post_metric_snapshots_target_idx on post_metric_snapshots (post_target_id, taken_at desc)`.execute(
    db,
  );

  await db.schema
    .createTable("account_metric_snapshots")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("account_id", "uuid", (c) => c.notNull().references("social_accounts.id").onDelete("cascade"))
    .addColumn("taken_at", "timestamptz", now)
    .addColumn("followers", "integer")
    .addColumn("following", "integer")
    .addColumn("posts", "integer")
    .execute();
  await sql`create index account_metric_snapshots_account_idx on account_metric_snapshots (account_id, taken_at desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("account_metric_snapshots").execute();
  await db.schema.dropTable("post_metric_snapshots").execute();
  await db.schema.dropTable("interactions").execute();
  await db.schema.alterTable("post_targets").dropColumn("thread_external_ids").execute();
  await db.schema
    .alterTable("social_accounts")
    .dropColumn("sync_cursor")
    .dropColumn("sync_not_before")
    .dropColumn("sync_lease_until")
    .dropColumn("last_synced_at")
    .dropColumn("last_sync_error")
    .dropColumn("last_sync_error_at")
    .execute();
}
