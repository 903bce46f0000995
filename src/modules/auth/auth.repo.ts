import { type Kysely, sql } from "kysely";
import type { DB, Locale, NewUser, User } from "../../db/schema.js";

/** Users, sessions and API tokens. Instance-level data: these tables have no workspace id. */
export function findUserByEmail(db: Kysely<DB>, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

export function findUserById(db: Kysely<DB>, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom("users").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return row.n;
}

export function insertUser(db: Kysely<DB>, user: NewUser): Promise<User> {
  return db.insertInto("users").values(user).returningAll().executeTakeFirstOrThrow();
}

export function listUsers(db: Kysely<DB>): Promise<User[]> {
  return db.selectFrom("users").selectAll().orderBy("created_at").execute();
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  patch: Partial<{ name: string; locale: Locale; password_hash: string }>,
): Promise<User> {
  return db
    .updateTable("users")
    .set({ ...patch, updated_at: sql`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSession(
  db: Kysely<DB>,
  s: { id: string; userId: string; csrfToken: string; userAgent: string | null; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("sessions")
    .values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, user_agent: s.userAgent, expires_at: s.expiresAt })
    .execute();
}

/** The live session with its user, or undefined when unknown or expired. */
export function findLiveSession(db: Kysely<DB>, id: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select(["sessions.id as session_id", "sessions.csrf_token", "sessions.last_seen_at", "sessions.expires_at"])
    .where("sessions.id", "=", id)
    .where("sessions.expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<DB>, id: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ last_seen_at: sql`now()`, expires_at: expiresAt })
    .where("id", "=", id)
    .execute();
}

export async function deleteSession(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

export async function deleteOtherSessions(db: Kysely<DB>, userId: string, keepId: string | null): Promise<void> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepId) q = q.where("id", "!=", keepId);
  await q.execute();
}

export async function deleteExpiredSessions(db: Kysely<DB>): Promise<number> {
  const r = await db.deleteFrom("sessions").where("expires_at", "<=", sql<Date>`now()`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function insertApiToken(db: Kysely<DB>, t: { userId: string; name: string; tokenHash: string; prefix: string }) {
  return db
    .insertInto("api_tokens")
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findLiveApiToken(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("users")
    .select(["api_tokens.id as token_id", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
}

export async function markApiTokenUsed(db: Kysely<DB>, id: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: sql`now()` }).where("id", "=", id).execute();
}

export function listApiTokens(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .execute();
}

export async function revokeApiToken(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable("api_tokens")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
