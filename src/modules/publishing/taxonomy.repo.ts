import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.js";

/** Campaigns and tags of a workspace. Dates come back as text: a calendar date has no time zone. */

const campaignColumns = [
  "id",
  "name",
  "color",
  "description",
  sql<string | null>`starts_on::text`.as("starts_on"),
  sql<string | null>`ends_on::text`.as("ends_on"),
  "created_at",
  "updated_at",
] as const;

export type CampaignRow = {
  id: string;
  name: string;
  color: string;
  description: string;
  starts_on: string | null;
  ends_on: string | null;
  created_at: Date;
  updated_at: Date;
};

export function listCampaigns(db: Kysely<DB>, workspaceId: string): Promise<CampaignRow[]> {
  return db
    .selectFrom("campaigns")
    .select(campaignColumns)
    .where("workspace_id", "=", workspaceId)
    .orderBy(sql`lower(name)`)
    .execute();
}

export function findCampaign(db: Kysely<DB>, workspaceId: string, id: string): Promise<CampaignRow | undefined> {
  return db
    .selectFrom("campaigns")
    .select(campaignColumns)
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export interface CampaignFields {
  name: string;
  color: string;
  description: string;
  starts_on: string | null;
  ends_on: string | null;
}

export async function insertCampaign(
  db: Kysely<DB>,
  workspaceId: string,
  f: Partial<CampaignFields> & { name: string },
) {
  const { id } = await db
    .insertInto("campaigns")
    .values({ workspace_id: workspaceId, ...f })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateCampaign(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  f: Partial<CampaignFields>,
): Promise<boolean> {
  const r = await db
    .updateTable("campaigns")
    .set({ ...f, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteCampaign(db: Kysely<DB>, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom("campaigns")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function listTags(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("tags")
    .select(["id", "name", "color", "created_at"])
    .where("workspace_id", "=", workspaceId)
    .orderBy(sql`lower(name)`)
    .execute();
}

export function findTag(db: Kysely<DB>, workspaceId: string, id: string) {
  return db
    .selectFrom("tags")
    .select(["id", "name", "color", "created_at"])
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The ids among `ids` that are tags of this workspace. */
export async function existingTagIds(db: Kysely<DB>, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom("tags")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertTag(db: Kysely<DB>, workspaceId: string, f: { name: string; color?: string }) {
  const { id } = await db
    .insertInto("tags")
    .values({ workspace_id: workspaceId, ...f })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateTag(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  f: { name?: string; color?: string },
): Promise<boolean> {
  const r = await db
    .updateTable("tags")
    .set(f)
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteTag(db: Kysely<DB>, workspaceId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom("tags").where("workspace_id", "=", workspaceId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
