import { type Kysely, sql } from "kysely";

/**
 * Publishing and the editorial calendar: social accounts (encrypted credentials), campaigns, tags, media
 * library, posts with per-account targets (variants), comments, the event trail, approval links, posting
 * slots and notifications; publishing settings and the crisis switch on workspaces.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("workspaces")
    .addColumn("approval_required", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("missed_grace_minutes", "integer", (c) =>
      c.notNull().defaultTo(60).check(sql`missed_grace_minutes between 0 and 10080`),
    )
    .addColumn("crisis_paused_at", "timestamptz")
    .addColumn("crisis_paused_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("crisis_reason", "text")
    .addColumn("ical_token_hash", "text", (c) => c.unique())
    .execute();

  // biome-ignore lint/suspicious/noExplicitAny: column builder callbacks shared across tables
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const ws = (c: any) => c.notNull().references("workspaces.id").onDelete("cascade");

  await db.schema
    .createTable("social_accounts")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("network", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("handle", "text")
    .addColumn("external_id", "text")
    .addColumn("avatar_url", "text")
    .addColumn("settings", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("credentials_enc", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("active").check(sql`status in ('active','reconnect_needed','disabled')`),
    )
    .addColumn("status_reason", "text")
    .addColumn("status_changed_at", "timestamptz")
    .addColumn("last_checked_at", "timestamptz")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("social_accounts_workspace_idx").on("social_accounts").column("workspace_id").execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull().defaultTo("#228be6"))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("starts_on", "date")
    .addColumn("ends_on", "date")
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create unique index campaigns_name_key on campaigns (workspace_id, lower(name))`.execute(db);

  await db.schema
    .createTable("tags")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull().defaultTo("#868e96"))
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await sql`create unique index tags_name_key on tags (workspace_id, lower(name))`.execute(db);

  await db.schema
    .createTable("media")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('image','video')`))
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("duration_ms", "integer")
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("original_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("alt_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("thumb_key", "text")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("media_workspace_idx").on("media").columns(["workspace_id", "created_at"]).execute();

  await db.schema
    .createTable("media_renditions")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("media_id", "uuid", (c) => c.notNull().references("media.id").onDelete("cascade"))
    .addColumn("preset", "text", (c) => c.notNull().check(sql`preset in ('1:1','4:5','1.91:1','9:16','original')`))
    .addColumn("crop", "jsonb")
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("media_renditions_preset_key", ["media_id", "preset"])
    .execute();

  await db.schema
    .createTable("posts")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(
          sql`status in ('draft','in_review','changes_requested','approved','scheduled','publishing','published','partially_published','failed','unconfirmed','missed','cancelled')`,
        ),
    )
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("link_url", "text")
    .addColumn("media_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The instant, plus the wall-clock time and zone it was entered in: DST never moves a post.
    .addColumn("scheduled_at", "timestamptz")
    .addColumn("scheduled_local", "text")
    .addColumn("scheduled_tz", "text")
    .addColumn("campaign_id", "uuid", (c) => c.references("campaigns.id").onDelete("set null"))
    .addColumn("recurrence", "text")
    .addColumn("recurrence_parent_id", "uuid", (c) => c.references("posts.id").onDelete("set null"))
    .addColumn("evergreen", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("evergreen_min_gap_days", "integer")
    .addColumn("last_published_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("posts_calendar_idx").on("posts").columns(["workspace_id", "scheduled_at"]).execute();
  await db.schema.createIndex("posts_status_idx").on("posts").columns(["workspace_id", "status"]).execute();

  await db.schema
    .createTable("post_tags")
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_id", "uuid", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("tag_id", "uuid", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("post_tags_pkey", ["post_id", "tag_id"])
    .execute();

  await db.schema
    .createTable("post_targets")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_id", "uuid", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("account_id", "uuid", (c) => c.notNull().references("social_accounts.id").onDelete("cascade"))
    // Variant: null means "use the post's base".
    .addColumn("body", "text")
    .addColumn("media_ids", "jsonb")
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(
          sql`status in ('pending','scheduled','publishing','published','failed','unconfirmed','missed','cancelled')`,
        ),
    )
    .addColumn("idempotency_key", "uuid", (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz")
    .addColumn("lease_expires_at", "timestamptz")
    .addColumn("external_id", "text")
    .addColumn("external_url", "text")
    .addColumn("published_at", "timestamptz")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .addUniqueConstraint("post_targets_account_key", ["post_id", "account_id"])
    .execute();
  await db.schema
    .createIndex("post_targets_due_idx")
    .on("post_targets")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema.createIndex("post_targets_workspace_idx").on("post_targets").column("workspace_id").execute();
  await db.schema.createIndex("post_targets_account_idx").on("post_targets").column("account_id").execute();

  await db.schema
    .createTable("post_comments")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_id", "uuid", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("author_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("author_name", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) =>
      c.notNull().defaultTo("comment").check(sql`kind in ('comment','approval','changes_requested')`),
    )
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await db.schema
    .createIndex("post_comments_post_idx")
    .on("post_comments")
    .columns(["post_id", "created_at"])
    .execute();

  await db.schema
    .createTable("post_events")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_id", "uuid", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("target_id", "uuid", (c) => c.references("post_targets.id").onDelete("cascade"))
    .addColumn("actor_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("detail", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("post_events_post_idx").on("post_events").columns(["post_id", "created_at"]).execute();

  await db.schema
    .createTable("approval_links")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("post_id", "uuid", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("reviewer_name", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("posting_slots")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("account_id", "uuid", (c) => c.notNull().references("social_accounts.id").onDelete("cascade"))
    .addColumn("weekday", "smallint", (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn("local_time", "text", (c) => c.notNull().check(sql`local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`))
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("posting_slots_key", ["account_id", "weekday", "local_time"])
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", (c) => c.references("workspaces.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("read_at", "timestamptz")
    .addColumn("emailed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await db.schema
    .createIndex("notifications_user_idx")
    .on("notifications")
    .columns(["user_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "notifications",
    "posting_slots",
    "approval_links",
    "post_events",
    "post_comments",
    "post_targets",
    "post_tags",
    "posts",
    "media_renditions",
    "media",
    "tags",
    "campaigns",
    "social_accounts",
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema
    .alterTable("workspaces")
    .dropColumn("approval_required")
    .dropColumn("missed_grace_minutes")
    .dropColumn("crisis_paused_at")
    .dropColumn("crisis_paused_by")
    .dropColumn("crisis_reason")
    .dropColumn("ical_token_hash")
    .execute();
}
