import { type Kysely, type Selectable, sql } from "kysely";
import type { DB, SocialAccountsTable } from "../../db/schema.js";

/** Social accounts. Every function takes the workspace id: another workspace's account is never found. */
export type AccountRow = Selectable<SocialAccountsTable>;

export interface NewAccount {
  id: string;
  network: string;
  display_name: string;
  handle: string | null;
  external_id: string | null;
  avatar_url: string | null;
  settings: Record<string, unknown>;
  credentials_enc: string;
  created_by: string;
}

export function list(db: Kysely<DB>, workspaceId: string): Promise<AccountRow[]> {
  return db
    .selectFrom("social_accounts")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .orderBy("network")
    .orderBy("display_name")
    .orderBy("id")
    .execute();
}

export function find(db: Kysely<DB>, workspaceId: string, id: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom("social_accounts")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function insert(db: Kysely<DB>, workspaceId: string, a: NewAccount): Promise<AccountRow> {
  return db
    .insertInto("social_accounts")
    .values({ ...a, workspace_id: workspaceId, settings: JSON.stringify(a.settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AccountPatch {
  display_name?: string;
  handle?: string | null;
  external_id?: string | null;
  avatar_url?: string | null;
  settings?: Record<string, unknown>;
  credentials_enc?: string;
}

export async function update(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  patch: AccountPatch,
): Promise<AccountRow | undefined> {
  const { settings, ...rest } = patch;
  return db
    .updateTable("social_accounts")
    .set({
      ...rest,
      ...(settings ? { settings: JSON.stringify(settings) } : {}),
      updated_at: sql`now()`,
    })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * active → reconnect_needed, guarded so that only the first of several concurrent failures (checks, publish
 * jobs on many workers) gets a row back: that one records and notifies.
 */
export function markReconnectNeeded(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  reason: string,
): Promise<AccountRow | undefined> {
  return db
    .updateTable("social_accounts")
    .set({ status: "reconnect_needed", status_reason: reason, status_changed_at: sql`now()`, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("status", "=", "active")
    .returningAll()
    .executeTakeFirst();
}

/** Back to active (after a reconnect or a successful check); a no-op when already active. */
export async function markActive(db: Kysely<DB>, workspaceId: string, id: string): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({ status: "active", status_reason: null, status_changed_at: sql`now()`, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("status", "!=", "active")
    .execute();
}

export async function touchChecked(db: Kysely<DB>, workspaceId: string, id: string): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({ last_checked_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .execute();
}

/** Targets of this account being published right now (a delete then would cut a publish in half). */
export async function countPublishing(db: Kysely<DB>, workspaceId: string, id: string): Promise<number> {
  const r = await db
    .selectFrom("post_targets")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", id)
    .where("status", "=", "publishing")
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function remove(db: Kysely<DB>, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom("social_accounts")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
