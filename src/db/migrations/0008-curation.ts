import { type Kysely, sql } from "kysely";

/**
 * Curation (Scoop.it-like topics) and the press review (revue de presse).
 * - curation_topics: a collection per workspace; `public_token` is the unguessable part of the public page
 *   and feed URLs (regenerable), served only while `is_public`.
 * - curation_entries: a saved link with the CM's insight. An entry keeps its own copy of title, URL,
 *   description and image, so it survives the feed item's deletion by retention: `feed_item_id` is only
 *   provenance (ON DELETE SET NULL, added once the veille tables exist — see below).
 * - press_reviews: a review of a topic over a period. Its items are a JSON snapshot (order, per-item
 *   comment, copied fields), so a sent review stays as it was sent whatever happens to the entries later.
 * - press_review_schedules: one weekly schedule per topic. A scheduled run inserts its review with the
 *   schedule and period start: the unique index makes a second run for the same period impossible.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: column builder callbacks shared across tables
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const ws = (c: any) => c.notNull().references("workspaces.id").onDelete("cascade");
  // biome-ignore lint/suspicious/noExplicitAny: idem
  const user = (c: any) => c.references("users.id").onDelete("set null");

  await db.schema
    .createTable("curation_topics")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("is_public", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("public_token", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "uuid", user)
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create unique index curation_topics_name_key on curation_topics (workspace_id, lower(name))`.execute(db);
  await sql`create unique index curation_topics_slug_key on curation_topics (workspace_id, slug)`.execute(db);

  await db.schema
    .createTable("curation_entries")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("topic_id", "uuid", (c) => c.notNull().references("curation_topics.id").onDelete("cascade"))
    .addColumn("feed_item_id", "uuid")
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("image_url", "text")
    .addColumn("source_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("insight", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tags", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("published_at", "timestamptz")
    .addColumn("created_by", "uuid", user)
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create unique index curation_entries_url_key on curation_entries (topic_id, url)`.execute(db);
  await sql`create index curation_entries_topic_idx on curation_entries (workspace_id, topic_id, position)`.execute(db);
  await sql`create index curation_entries_item_idx on curation_entries (feed_item_id) where feed_item_id is not null`.execute(
    db,
  );
  // Provenance link to the veille's items (migration 0006). Retention deletes old items; the entry keeps
  // its copy and loses only the link.
  await sql`alter table curation_entries add constraint curation_entries_feed_item_fk
    foreign key (feed_item_id) references feed_items (id) on delete set null`.execute(db);

  await db.schema
    .createTable("press_review_schedules")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("topic_id", "uuid", (c) => c.notNull().unique().references("curation_topics.id").onDelete("cascade"))
    .addColumn("weekday", "integer", (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn("local_time", "text", (c) => c.notNull())
    .addColumn("recipients", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("intro", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("next_run_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_run_at", "timestamptz")
    .addColumn("created_by", "uuid", user)
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create index press_review_schedules_due_idx on press_review_schedules (next_run_at) where enabled`.execute(
    db,
  );

  await db.schema
    .createTable("press_reviews")
    .addColumn("id", "uuid", id)
    .addColumn("workspace_id", "uuid", ws)
    .addColumn("topic_id", "uuid", (c) => c.references("curation_topics.id").onDelete("set null"))
    .addColumn("schedule_id", "uuid", (c) => c.references("press_review_schedules.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("intro", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("period_start", "timestamptz", (c) => c.notNull())
    .addColumn("period_end", "timestamptz", (c) => c.notNull())
    .addColumn("items", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("draft").check(sql`status in ('draft','sending','sent','failed')`),
    )
    .addColumn("recipients", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("sent_at", "timestamptz")
    .addColumn("sent_by", "uuid", user)
    .addColumn("send_error", "text")
    .addColumn("public_token", "text", (c) => c.unique())
    .addColumn("published_at", "timestamptz")
    .addColumn("created_by", "uuid", user)
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`create index press_reviews_workspace_idx on press_reviews (workspace_id, created_at desc)`.execute(db);
  // The scheduled run's state guard: one review per schedule and period, whatever retries or workers do.
  await sql`create unique index press_reviews_period_key on press_reviews (schedule_id, period_start)
    where schedule_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("press_reviews").execute();
  await db.schema.dropTable("press_review_schedules").execute();
  await db.schema.dropTable("curation_entries").execute();
  await db.schema.dropTable("curation_topics").execute();
}
