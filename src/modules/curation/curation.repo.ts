import { type Kysely, type Selectable, sql } from "kysely";
import type { CurationEntriesTable, CurationTopicsTable, DB } from "../../db/schema.js";

export type TopicRow = Selectable<CurationTopicsTable> & { entry_count: number; last_saved_at: Date | null };
export type EntryRow = Selectable<CurationEntriesTable>;

function topicsQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("curation_topics as t")
    .selectAll("t")
    .select((eb) => [
      eb
        .selectFrom("curation_entries as e")
        .whereRef("e.topic_id", "=", "t.id")
        .select(sql<number>`count(*)::int`.as("n"))
        .as("entry_count"),
      eb
        .selectFrom("curation_entries as e")
        .whereRef("e.topic_id", "=", "t.id")
        .select(sql<Date | null>`max(e.created_at)`.as("m"))
        .as("last_saved_at"),
    ])
    .where("t.workspace_id", "=", workspaceId);
}

export async function listTopics(db: Kysely<DB>, workspaceId: string): Promise<TopicRow[]> {
  const rows = await topicsQuery(db, workspaceId).orderBy(sql`lower(t.name)`).execute();
  return rows as TopicRow[];
}

export async function findTopic(db: Kysely<DB>, workspaceId: string, topicId: string): Promise<TopicRow | undefined> {
  return (await topicsQuery(db, workspaceId).where("t.id", "=", topicId).executeTakeFirst()) as TopicRow | undefined;
}

export async function slugTaken(db: Kysely<DB>, workspaceId: string, slug: string, exceptId?: string) {
  let q = db
    .selectFrom("curation_topics")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("slug", "=", slug);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertTopic(
  db: Kysely<DB>,
  values: {
    workspace_id: string;
    name: string;
    slug: string;
    description: string;
    is_public: boolean;
    public_token: string;
    created_by: string;
  },
): Promise<string> {
  const row = await db.insertInto("curation_topics").values(values).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTopic(
  db: Kysely<DB>,
  workspaceId: string,
  topicId: string,
  fields: Partial<{ name: string; slug: string; description: string; is_public: boolean; public_token: string }>,
): Promise<void> {
  await db
    .updateTable("curation_topics")
    .set({ ...fields, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", topicId)
    .execute();
}

export async function deleteTopic(db: Kysely<DB>, workspaceId: string, topicId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("curation_topics")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", topicId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function findPublicTopic(db: Kysely<DB>, token: string) {
  return db
    .selectFrom("curation_topics as t")
    .innerJoin("workspaces as w", "w.id", "t.workspace_id")
    .select([
      "t.id",
      "t.workspace_id",
      "t.name",
      "t.description",
      "t.updated_at",
      "w.locale",
      "w.timezone",
      "w.name as workspace_name",
    ])
    .where("t.public_token", "=", token)
    .where("t.is_public", "=", true)
    .executeTakeFirst();
}

// ---- entries ----

export async function listEntries(
  db: Kysely<DB>,
  workspaceId: string,
  topicId: string,
  options: { from?: Date; to?: Date; limit?: number; tag?: string } = {},
): Promise<EntryRow[]> {
  let q = db
    .selectFrom("curation_entries")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId);
  if (options.from) q = q.where("created_at", ">=", options.from);
  if (options.to) q = q.where("created_at", "<", options.to);
  if (options.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([options.tag])}::jsonb`);
  q = q.orderBy("position").orderBy("created_at", "desc");
  if (options.limit) q = q.limit(options.limit);
  return q.execute();
}

export async function findEntry(db: Kysely<DB>, workspaceId: string, topicId: string, entryId: string) {
  return db
    .selectFrom("curation_entries")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .where("id", "=", entryId)
    .executeTakeFirst();
}

export interface EntryFields {
  feed_item_id: string | null;
  url: string;
  title: string;
  description: string;
  image_url: string | null;
  source_name: string;
  insight: string;
  tags: string[];
  published_at: Date | null;
}

/** Inserts at the top of the topic (newest first, as curation tools show them); null when the URL is already there. */
export async function insertEntry(
  db: Kysely<DB>,
  workspaceId: string,
  topicId: string,
  userId: string,
  fields: EntryFields,
): Promise<EntryRow | null> {
  const { tags, ...rest } = fields;
  const row = await db
    .insertInto("curation_entries")
    .values({
      ...rest,
      tags: JSON.stringify(tags),
      workspace_id: workspaceId,
      topic_id: topicId,
      created_by: userId,
      position: sql<number>`(select coalesce(min(position), 1) - 1 from curation_entries where topic_id = ${topicId})`,
    })
    .onConflict((oc) => oc.columns(["topic_id", "url"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function updateEntry(
  db: Kysely<DB>,
  workspaceId: string,
  topicId: string,
  entryId: string,
  fields: Partial<EntryFields>,
): Promise<EntryRow | undefined> {
  const { tags, ...rest } = fields;
  return db
    .updateTable("curation_entries")
    .set({ ...rest, ...(tags ? { tags: JSON.stringify(tags) } : {}), updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .where("id", "=", entryId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteEntry(db: Kysely<DB>, workspaceId: string, topicId: string, entryId: string) {
  const r = await db
    .deleteFrom("curation_entries")
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .where("id", "=", entryId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Puts the listed entries first, in that order; entries not listed keep their relative order after them.
 * One UPDATE from a VALUES list, so a reorder of a long topic is one statement.
 */
export async function reorder(db: Kysely<DB>, workspaceId: string, topicId: string, entryIds: string[]) {
  await db.transaction().execute(async (trx) => {
    const all = await trx
      .selectFrom("curation_entries")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("topic_id", "=", topicId)
      .orderBy("position")
      .orderBy("created_at", "desc")
      .forUpdate()
      .execute();
    const listed = new Set(entryIds);
    const order = [...entryIds, ...all.map((r) => r.id).filter((id) => !listed.has(id))];
    if (!order.length) return;
    const values = sql.join(order.map((id, i) => sql`(${id}::uuid, ${i}::int)`));
    await sql`update curation_entries e set position = v.pos, updated_at = now()
      from (values ${values}) as v(id, pos)
      where e.id = v.id and e.workspace_id = ${workspaceId} and e.topic_id = ${topicId}`.execute(trx);
  });
}

export async function countEntriesIn(db: Kysely<DB>, workspaceId: string, topicId: string, ids: string[]) {
  if (!ids.length) return 0;
  const r = await db
    .selectFrom("curation_entries")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .where("id", "in", ids)
    .executeTakeFirstOrThrow();
  return r.n;
}
