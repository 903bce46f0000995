import { type Kysely, sql } from "kysely";
import type { CompetitorHandle, DB, Locale, Role } from "../../db/schema.js";

export interface WorkspaceRow {
  id: string;
  name: string;
  timezone: string;
  locale: Locale;
  description: string;
  brand_values: string[];
  tone_of_voice: string;
  speaking_charter: string;
  moderation_charter: string;
  created_at: Date;
  updated_at: Date;
  role: Role;
  approval_required: boolean;
  missed_grace_minutes: number;
  crisis_paused_at: Date | null;
  crisis_reason: string | null;
}

const workspaceColumns = [
  "workspaces.id",
  "workspaces.name",
  "workspaces.timezone",
  "workspaces.locale",
  "workspaces.description",
  "workspaces.brand_values",
  "workspaces.tone_of_voice",
  "workspaces.speaking_charter",
  "workspaces.moderation_charter",
  "workspaces.created_at",
  "workspaces.updated_at",
  "workspaces.approval_required",
  "workspaces.missed_grace_minutes",
  "workspaces.crisis_paused_at",
  "workspaces.crisis_reason",
] as const;

/** Workspaces the user belongs to, with their role in each. */
export function listForUser(db: Kysely<DB>, userId: string): Promise<WorkspaceRow[]> {
  return db
    .selectFrom("workspaces")
    .innerJoin("memberships", "memberships.workspace_id", "workspaces.id")
    .select([...workspaceColumns, "memberships.role"])
    .where("memberships.user_id", "=", userId)
    .orderBy("workspaces.name")
    .execute();
}

/** One workspace as seen by a member, or undefined when it does not exist or the user is not a member. */
export function findForUser(db: Kysely<DB>, workspaceId: string, userId: string): Promise<WorkspaceRow | undefined> {
  return db
    .selectFrom("workspaces")
    .innerJoin("memberships", "memberships.workspace_id", "workspaces.id")
    .select([...workspaceColumns, "memberships.role"])
    .where("workspaces.id", "=", workspaceId)
    .where("memberships.user_id", "=", userId)
    .executeTakeFirst();
}

export async function findRole(db: Kysely<DB>, workspaceId: string, userId: string): Promise<Role | undefined> {
  const row = await db
    .selectFrom("memberships")
    .select("role")
    .where("workspace_id", "=", workspaceId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.role;
}

export interface WorkspaceFields {
  name: string;
  timezone: string;
  locale: Locale;
  description: string;
  brand_values: string[];
  tone_of_voice: string;
  speaking_charter: string;
  moderation_charter: string;
  approval_required?: boolean;
  missed_grace_minutes?: number;
}

/** Creates the workspace and makes its creator the owner, atomically. */
export async function insertWithOwner(db: Kysely<DB>, fields: WorkspaceFields, ownerId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("workspaces")
      .values({ ...fields, brand_values: JSON.stringify(fields.brand_values), created_by: ownerId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("memberships").values({ workspace_id: id, user_id: ownerId, role: "owner" }).execute();
    return id;
  });
}

export async function update(db: Kysely<DB>, workspaceId: string, fields: Partial<WorkspaceFields>): Promise<void> {
  const { brand_values, ...rest } = fields;
  await db
    .updateTable("workspaces")
    .set({
      ...rest,
      ...(brand_values ? { brand_values: JSON.stringify(brand_values) } : {}),
      updated_at: sql`now()`,
    })
    .where("id", "=", workspaceId)
    .execute();
}

export async function remove(db: Kysely<DB>, workspaceId: string): Promise<void> {
  await db.deleteFrom("workspaces").where("id", "=", workspaceId).execute();
}

export function listCompetitors(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom("competitors").selectAll().where("workspace_id", "=", workspaceId).orderBy("name").execute();
}

export function findCompetitor(db: Kysely<DB>, workspaceId: string, id: string) {
  return db
    .selectFrom("competitors")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export interface CompetitorFields {
  name: string;
  website: string | null;
  handles: CompetitorHandle[];
  notes: string;
}

export function insertCompetitor(db: Kysely<DB>, workspaceId: string, f: CompetitorFields) {
  return db
    .insertInto("competitors")
    .values({ workspace_id: workspaceId, ...f, handles: JSON.stringify(f.handles) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCompetitor(db: Kysely<DB>, workspaceId: string, id: string, f: Partial<CompetitorFields>) {
  const { handles, ...rest } = f;
  return db
    .updateTable("competitors")
    .set({ ...rest, ...(handles ? { handles: JSON.stringify(handles) } : {}), updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCompetitor(db: Kysely<DB>, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom("competitors")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** What publishing needs to know about a workspace (the caller has authorized the user). */
export function findPublishingSettings(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("workspaces")
    .select([
      "id",
      "name",
      "timezone",
      "approval_required",
      "missed_grace_minutes",
      "crisis_paused_at",
      "crisis_reason",
    ])
    .where("id", "=", workspaceId)
    .executeTakeFirst();
}
