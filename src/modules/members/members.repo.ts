import { type Kysely, sql } from "kysely";
import type { DB, Role } from "../../db/schema.js";

export function listMembers(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id as user_id", "users.email", "users.name", "memberships.role", "memberships.created_at"])
    .where("memberships.workspace_id", "=", workspaceId)
    .orderBy("users.name")
    .execute();
}

export function findMember(db: Kysely<DB>, workspaceId: string, userId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id as user_id", "users.email", "users.name", "memberships.role", "memberships.created_at"])
    .where("memberships.workspace_id", "=", workspaceId)
    .where("memberships.user_id", "=", userId)
    .executeTakeFirst();
}

export async function countOwners(db: Kysely<DB>, workspaceId: string): Promise<number> {
  const r = await db
    .selectFrom("memberships")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function setRole(db: Kysely<DB>, workspaceId: string, userId: string, role: Role): Promise<void> {
  await db
    .updateTable("memberships")
    .set({ role })
    .where("workspace_id", "=", workspaceId)
    .where("user_id", "=", userId)
    .execute();
}

/** Adds the membership; someone who is already a member keeps their current role. */
export async function insertMember(db: Kysely<DB>, workspaceId: string, userId: string, role: Role): Promise<void> {
  await db
    .insertInto("memberships")
    .values({ workspace_id: workspaceId, user_id: userId, role })
    .onConflict((oc) => oc.columns(["workspace_id", "user_id"]).doNothing())
    .execute();
}

export async function deleteMember(db: Kysely<DB>, workspaceId: string, userId: string): Promise<void> {
  await db.deleteFrom("memberships").where("workspace_id", "=", workspaceId).where("user_id", "=", userId).execute();
}

export function listPendingInvitations(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("invitations")
    .leftJoin("users", "users.id", "invitations.invited_by")
    .select([
      "invitations.id",
      "invitations.email",
      "invitations.role",
      "invitations.created_at",
      "invitations.expires_at",
      "users.name as invited_by_name",
    ])
    .where("invitations.workspace_id", "=", workspaceId)
    .where("invitations.accepted_at", "is", null)
    .where("invitations.revoked_at", "is", null)
    .orderBy("invitations.created_at", "desc")
    .execute();
}

export function insertInvitation(
  db: Kysely<DB>,
  workspaceId: string,
  i: { email: string; role: Role; tokenHash: string; invitedBy: string; expiresAt: Date },
) {
  return db
    .insertInto("invitations")
    .values({
      workspace_id: workspaceId,
      email: i.email,
      role: i.role,
      token_hash: i.tokenHash,
      invited_by: i.invitedBy,
      expires_at: i.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findInvitation(db: Kysely<DB>, workspaceId: string, id: string) {
  return db
    .selectFrom("invitations")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Revokes earlier pending invitations of the same address, so only the newest link works. */
export async function revokePendingFor(db: Kysely<DB>, workspaceId: string, email: string): Promise<void> {
  await db
    .updateTable("invitations")
    .set({ revoked_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("email", "=", email)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeInvitation(db: Kysely<DB>, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable("invitations")
    .set({ revoked_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Looks an invitation up by its secret; the only lookup without a workspace id (the token is the key). */
export function findInvitationByToken(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom("invitations")
    .innerJoin("workspaces", "workspaces.id", "invitations.workspace_id")
    .leftJoin("users", "users.id", "invitations.invited_by")
    .select([
      "invitations.id",
      "invitations.workspace_id",
      "invitations.email",
      "invitations.role",
      "invitations.expires_at",
      "invitations.accepted_at",
      "invitations.revoked_at",
      "workspaces.name as workspace_name",
      "users.name as invited_by_name",
    ])
    .where("invitations.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** Marks the invitation used; false when someone else used it first (the guard makes acceptance single-use). */
export async function markAccepted(db: Kysely<DB>, id: string, userId: string): Promise<boolean> {
  const r = await db
    .updateTable("invitations")
    .set({ accepted_at: sql`now()`, accepted_by: userId })
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteInvitationsExpiredBefore(db: Kysely<DB>, cutoff: Date): Promise<number> {
  const r = await db
    .deleteFrom("invitations")
    .where("accepted_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "<", cutoff), eb("revoked_at", "<", cutoff)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
