import { type Kysely, sql } from "kysely";
import type { DB, RenditionPreset } from "../../db/schema.js";

/** Every function takes the workspace id: a media id of another workspace finds nothing. */
type Db = Kysely<DB>;

export interface MediaRow {
  id: string;
  workspace_id: string;
  kind: "image" | "video";
  mime_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  sha256: string;
  original_name: string;
  alt_text: string;
  storage_key: string;
  thumb_key: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface RenditionRow {
  id: string;
  workspace_id: string;
  media_id: string;
  preset: RenditionPreset;
  crop: { x: number; y: number; width: number; height: number } | null;
  storage_key: string;
  width: number;
  height: number;
  size_bytes: number;
  created_at: Date;
}

export function findMany(db: Db, workspaceId: string, ids: string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("media")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .execute() as Promise<MediaRow[]>;
}

export async function findOne(db: Db, workspaceId: string, id: string): Promise<MediaRow | undefined> {
  return (await db
    .selectFrom("media")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst()) as MediaRow | undefined;
}

/** For the signed public route only: the signature, not a membership, authorizes the read. */
export async function findById(db: Db, id: string): Promise<MediaRow | undefined> {
  return (await db.selectFrom("media").selectAll().where("id", "=", id).executeTakeFirst()) as MediaRow | undefined;
}

export async function findBySha(db: Db, workspaceId: string, sha256: string): Promise<MediaRow | undefined> {
  return (await db
    .selectFrom("media")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("sha256", "=", sha256)
    .orderBy("created_at")
    .executeTakeFirst()) as MediaRow | undefined;
}

export type NewMedia = Omit<MediaRow, "created_at" | "updated_at">;

export async function insert(db: Db, row: NewMedia): Promise<MediaRow> {
  return (await db.insertInto("media").values(row).returningAll().executeTakeFirstOrThrow()) as MediaRow;
}

export async function update(
  db: Db,
  workspaceId: string,
  id: string,
  fields: { alt_text?: string; original_name?: string },
): Promise<MediaRow | undefined> {
  return (await db
    .updateTable("media")
    .set({ ...fields, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst()) as MediaRow | undefined;
}

export async function remove(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom("media")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export interface ListFilter {
  kind?: "image" | "video" | "gif";
  q?: string;
  limit: number;
  offset: number;
}

/** Newest first; `q` matches the file name or the alt text (case- and accent-sensitive ILIKE). */
export async function list(db: Db, workspaceId: string, f: ListFilter): Promise<{ items: MediaRow[]; total: number }> {
  let query = db.selectFrom("media").where("workspace_id", "=", workspaceId);
  if (f.kind === "video") query = query.where("kind", "=", "video");
  // An animated GIF is stored as an image with a duration (migration 0002 allows only image|video).
  if (f.kind === "gif") query = query.where("mime_type", "=", "image/gif").where("duration_ms", "is not", null);
  if (f.kind === "image")
    query = query
      .where("kind", "=", "image")
      .where((eb) => eb.or([eb("mime_type", "<>", "image/gif"), eb("duration_ms", "is", null)]));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("original_name", "ilike", pattern), eb("alt_text", "ilike", pattern)]));
  }
  const [items, count] = await Promise.all([
    query.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(f.limit).offset(f.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: items as MediaRow[], total: Number(count.n) };
}

export function listRenditions(db: Db, workspaceId: string, mediaIds: string[]): Promise<RenditionRow[]> {
  if (mediaIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("media_renditions")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("media_id", "in", mediaIds)
    .orderBy("preset")
    .execute() as Promise<RenditionRow[]>;
}

export async function findRendition(
  db: Db,
  workspaceId: string,
  mediaId: string,
  preset: RenditionPreset,
): Promise<RenditionRow | undefined> {
  return (await db
    .selectFrom("media_renditions")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("media_id", "=", mediaId)
    .where("preset", "=", preset)
    .executeTakeFirst()) as RenditionRow | undefined;
}

/** Replaces the preset's rendition (one per media and preset). */
export async function upsertRendition(db: Db, row: Omit<RenditionRow, "id" | "created_at">): Promise<RenditionRow> {
  return (await db
    .insertInto("media_renditions")
    .values({ ...row, crop: row.crop ? JSON.stringify(row.crop) : null })
    .onConflict((oc) =>
      oc.constraint("media_renditions_preset_key").doUpdateSet((eb) => ({
        crop: eb.ref("excluded.crop"),
        storage_key: eb.ref("excluded.storage_key"),
        width: eb.ref("excluded.width"),
        height: eb.ref("excluded.height"),
        size_bytes: eb.ref("excluded.size_bytes"),
        created_at: sql`now()`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow()) as RenditionRow;
}

/**
 * Posts that may still send the media, referencing it in the post's media or in a target's variant: every
 * post but published and cancelled ones (a failed, missed or unconfirmed post can be sent again), and in
 * variants only targets that are neither published nor cancelled.
 */
export async function postsUsing(db: Db, workspaceId: string, mediaId: string): Promise<string[]> {
  const needle = JSON.stringify([mediaId]);
  const rows = await db
    .selectFrom("posts")
    .select("posts.id")
    .where("posts.workspace_id", "=", workspaceId)
    .where("posts.status", "not in", ["published", "cancelled"])
    .where((eb) =>
      eb.or([
        sql<boolean>`posts.media_ids @> ${needle}::jsonb`,
        eb.exists(
          eb
            .selectFrom("post_targets")
            .select(sql`1`.as("one"))
            .whereRef("post_targets.post_id", "=", "posts.id")
            .where("post_targets.workspace_id", "=", workspaceId)
            .where("post_targets.status", "not in", ["published", "cancelled"])
            .where(sql<boolean>`post_targets.media_ids @> ${needle}::jsonb`),
        ),
      ]),
    )
    .orderBy("posts.created_at")
    .execute();
  return rows.map((r) => r.id);
}
