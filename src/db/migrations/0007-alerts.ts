import { type Kysely, sql } from "kysely";

/**
 * Alerts (veille / e-réputation). docs/ALERTS.md describes the design.
 * - alerts: a saved query per workspace and how to notify its matches. feed_checked_at is the high-water
 *   mark over feed_items.fetched_at (the scan re-reads a short overlap; the unique key below makes that
 *   harmless), network_checked_at the one for network searches. next_digest_at is when the daily or
 *   weekly digest is due (wall-clock time in the workspace's zone, computed by the service).
 * - alert_matches: one row per alert and matched item or post (source_key = "item:<uuid>" or
 *   "<network>:<external id>"), with a copy of what is shown (the feed item may be purged by retention).
 *   notified_at guards the immediate e-mail / webhook; digest_id ties a match to the one digest that
 *   lists it.
 * - alert_digests: one per alert and period end (unique): created, then claimed pending → sending → sent
 *   (or failed), so a digest is sent at most once and a match never appears in two digests.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("alerts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("workspace_id", "uuid", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("query", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("search_feeds", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("search_networks", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("notify_in_app", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("email_mode", "text", (c) =>
      c.notNull().defaultTo("none").check(sql`email_mode in ('none', 'immediate', 'daily', 'weekly')`),
    )
    .addColumn("email_recipients", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("digest_time", "text", (c) => c.notNull().defaultTo("08:00"))
    .addColumn("digest_weekday", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("next_digest_at", "timestamptz")
    .addColumn("webhook_url", "text")
    .addColumn("webhook_secret_enc", "text")
    .addColumn("preset", "text")
    .addColumn("competitor_id", "uuid", (c) => c.references("competitors.id").onDelete("set null"))
    .addColumn("feed_checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("network_checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_error", "text")
    .addColumn("last_error_at", "timestamptz")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index alerts_name_key on alerts (workspace_id, lower(name))`.execute(db);
  await sql`create index alerts_digest_due_idx on alerts (next_digest_at) where next_digest_at is not null`.execute(db);

  await db.schema
    .createTable("alert_digests")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("workspace_id", "uuid", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("period_end", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'sending', 'sent', 'failed', 'empty')`),
    )
    .addColumn("match_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addUniqueConstraint("alert_digests_period_key", ["alert_id", "period_end"])
    .execute();
  await sql`create index alert_digests_pending_idx on alert_digests (created_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable("alert_matches")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("workspace_id", "uuid", (c) => c.notNull().references("workspaces.id").onDelete("cascade"))
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("source_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('feed_item', 'network_post')`))
    .addColumn("feed_item_id", "uuid", (c) => c.references("feed_items.id").onDelete("set null"))
    .addColumn("account_id", "uuid", (c) => c.references("social_accounts.id").onDelete("set null"))
    .addColumn("network", "text")
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("excerpt", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("url", "text")
    .addColumn("source_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("author", "text")
    .addColumn("language", "text")
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("matched_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("seen_at", "timestamptz")
    .addColumn("notified_at", "timestamptz")
    .addColumn("digest_id", "uuid", (c) => c.references("alert_digests.id").onDelete("set null"))
    .addUniqueConstraint("alert_matches_source_key", ["alert_id", "source_key"])
    .execute();
  await sql`create index alert_matches_list_idx on alert_matches (workspace_id, matched_at desc, id desc)`.execute(db);
  await sql`create index alert_matches_alert_idx on alert_matches (alert_id, matched_at desc, id desc)`.execute(db);
  await sql`create index alert_matches_undigested_idx on alert_matches (alert_id) where digest_id is null`.execute(db);
  await sql`create index alert_matches_item_idx on alert_matches (feed_item_id) where feed_item_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("alert_matches").execute();
  await db.schema.dropTable("alert_digests").execute();
  await db.schema.dropTable("alerts").execute();
}
