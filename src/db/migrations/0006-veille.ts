import { type Kysely, sql } from "kysely";

/**
 * Veille (feed reader). docs/VEILLE.md describes the design.
 * - feed_folders: a workspace's folders (one level; OPML nesting is flattened to "Parent / Child" names).
 * - feeds: one subscription per (workspace, url), with the poller's state: conditional GET validators,
 *   next_fetch_at (the poller claims due rows with FOR UPDATE SKIP LOCKED), adaptive interval, error backoff,
 *   gone_at (410 Gone: no more polling).
 * - feed_items: deduplicated by guid within a feed (unique), then by link and content hash within the
 *   workspace (indexed). `search` is the full-text vector, computed on write from an unaccented copy of the
 *   text with the item language's configuration (french, english, else simple). `story_bands` are the
 *   MinHash LSH bands of the normalised title: near-duplicates across sources share a band.
 * - stories: a group of near-duplicate items from different sources (only created when a second item
 *   joins; a lone item has story_id null). lead_item_id is the first item seen, shown for the group.
 * - feed_item_states: read / starred per user.
 * - veille_settings: per workspace (retention in days).
 * curation_entries.feed_item_id (migration 0008) references feed_items ON DELETE SET NULL; retention keeps
 * starred and curated items anyway.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: column builder callbacks shared across tables
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const ws = (c: any) => c.notNull().references("workspaces.id").onDelete("cascade");

  await db.schema
    .createTable("feed_folders")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create unique index feed_folders_name_key on feed_folders (workspace_id, lower(name))`.execute(db);

  await db.schema
    .createTable("feeds")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("folder_id", "uuid", (c) => c.references("feed_folders.id").onDelete("set null"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("site_url", "text")
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("language", "text")
    .addColumn("format", "text")
    .addColumn("etag", "text")
    .addColumn("last_modified", "text")
    .addColumn("last_fetched_at", "timestamptz")
    .addColumn("last_new_item_at", "timestamptz")
    .addColumn("next_fetch_at", "timestamptz", now)
    .addColumn("interval_seconds", "integer", (c) => c.notNull().defaultTo(3600))
    .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error_code", "text")
    .addColumn("last_error_message", "text")
    .addColumn("last_error_at", "timestamptz")
    .addColumn("gone_at", "timestamptz")
    .addColumn("fetch_full_text", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .addUniqueConstraint("feeds_url_key", ["workspace_id", "url"])
    .execute();
  await sql`create index feeds_due_idx on feeds (next_fetch_at) where gone_at is null`.execute(db);
  await sql`create index feeds_folder_idx on feeds (workspace_id, folder_id)`.execute(db);

  await db.schema
    .createTable("stories")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("lead_item_id", "uuid")
    .addColumn("first_seen_at", "timestamptz", now)
    .addColumn("item_count", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable("feed_items")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("feed_id", "uuid", (c) => c.notNull().references("feeds.id").onDelete("cascade"))
    .addColumn("story_id", "uuid", (c) => c.references("stories.id").onDelete("set null"))
    .addColumn("guid", "text", (c) => c.notNull())
    .addColumn("link", "text")
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("content", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("full_text", "text")
    .addColumn("author", "text")
    .addColumn("categories", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("enclosures", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("image_url", "text")
    .addColumn("language", "text")
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("fetched_at", "timestamptz", now)
    .addColumn("story_bands", sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn("search", sql`tsvector`, (c) => c.notNull())
    .addUniqueConstraint("feed_items_guid_key", ["feed_id", "guid"])
    .execute();
  // stories.lead_item_id has no foreign key on purpose: feed_items.story_id references stories, and a cycle
  // of foreign keys would make a logical backup impossible to restore table by table (src/db/backup.ts).
  // A lead deleted by retention or unsubscription is repaired by pruneStories.
  await sql`create index feed_items_link_idx on feed_items (workspace_id, link) where link is not null`.execute(db);
  await sql`create index feed_items_hash_idx on feed_items (workspace_id, content_hash)`.execute(db);
  await sql`create index feed_items_recent_idx on feed_items (workspace_id, published_at desc, id desc)`.execute(db);
  await sql`create index feed_items_feed_idx on feed_items (feed_id, published_at desc, id desc)`.execute(db);
  await sql`create index feed_items_story_idx on feed_items (story_id) where story_id is not null`.execute(db);
  await sql`create index feed_items_search_idx on feed_items using gin (search)`.execute(db);
  await sql`create index feed_items_bands_idx on feed_items using gin (story_bands)`.execute(db);

  await db.schema
    .createTable("feed_item_states")
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("item_id", "uuid", (c) => c.notNull().references("feed_items.id").onDelete("cascade"))
    .addColumn("read_at", "timestamptz")
    .addColumn("starred_at", "timestamptz")
    .addPrimaryKeyConstraint("feed_item_states_pkey", ["user_id", "item_id"])
    .execute();
  await sql`create index feed_item_states_item_idx on feed_item_states (item_id)`.execute(db);
  await sql`create index feed_item_states_starred_idx on feed_item_states (item_id) where starred_at is not null`.execute(
    db,
  );

  await db.schema
    .createTable("veille_settings")
    .addColumn("workspace_id", "uuid", (c) => c.primaryKey().references("workspaces.id").onDelete("cascade"))
    .addColumn("retention_days", "integer", (c) => c.notNull().defaultTo(90))
    .addColumn("updated_at", "timestamptz", now)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("veille_settings").execute();
  await db.schema.dropTable("feed_item_states").execute();
  await db.schema.dropTable("feed_items").execute();
  await db.schema.dropTable("stories").execute();
  await db.schema.dropTable("feeds").execute();
  await db.schema.dropTable("feed_folders").execute();
}
