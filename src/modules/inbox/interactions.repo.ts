import { type Kysely, type Selectable, sql } from "kysely";
import type { DB, InteractionKind, InteractionsTable } from "../../db/schema.js";

/** Interactions and the accounts' sync state. Every function takes the workspace id (or works on one account of it). */
export type InteractionRow = Selectable<InteractionsTable>;

export interface NewInteraction {
  kind: InteractionKind;
  external_id: string;
  subject_external_id: string | null;
  post_target_id: string | null;
  author_external_id: string | null;
  author_handle: string | null;
  author_name: string | null;
  author_avatar_url: string | null;
  text: string | null;
  url: string | null;
  occurred_at: Date;
}

/** Which of these (kind, externalId) pairs the account already has, as "kind\u0000externalId" keys. */
export async function existingKeys(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  items: { kind: string; externalId: string }[],
): Promise<Set<string>> {
  if (!items.length) return new Set();
  const rows = await db
    .selectFrom("interactions")
    .select(["kind", "external_id"])
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", accountId)
    .where("external_id", "in", [...new Set(items.map((i) => i.externalId))])
    .execute();
  return new Set(rows.map((r) => `${r.kind}\u0000${r.external_id}`));
}

/** Inserts, skipping any already stored (unique account + kind + external id). Returns how many were new. */
export async function insertMany(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  rows: NewInteraction[],
): Promise<number> {
  if (!rows.length) return 0;
  let inserted = 0;
  // PostgreSQL caps a statement at 65,535 parameters: 14 columns × 1,000 rows stays well below.
  for (let i = 0; i < rows.length; i += 1000) {
    const r = await db
      .insertInto("interactions")
      .values(rows.slice(i, i + 1000).map((x) => ({ ...x, workspace_id: workspaceId, account_id: accountId })))
      .onConflict((oc) => oc.columns(["account_id", "kind", "external_id"]).doNothing())
      .returning("id")
      .execute();
    inserted += r.length;
  }
  return inserted;
}

/**
 * The account's published targets whose first post or any thread part has one of these external ids:
 * subject external id → target id.
 */
export async function targetsBySubject(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  subjectIds: string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(subjectIds)];
  const map = new Map<string, string>();
  if (!ids.length) return map;
  const rows = await db
    .selectFrom("post_targets")
    .select(["id", "external_id", "thread_external_ids"])
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", accountId)
    .where((eb) =>
      eb.or([
        eb("external_id", "in", ids),
        eb(sql<boolean>`thread_external_ids ?| ${sql.val(ids)}::text[]`, "=", sql.lit(true)),
      ]),
    )
    .execute();
  const wanted = new Set(ids);
  for (const r of rows) {
    if (r.external_id && wanted.has(r.external_id)) map.set(r.external_id, r.id);
    for (const part of r.thread_external_ids ?? []) if (wanted.has(part)) map.set(part, r.id);
  }
  return map;
}

export interface ListFilters {
  accountId?: string;
  kind?: InteractionKind;
  postTargetId?: string;
  postId?: string;
  since?: Date;
  /** Keyset paging: rows strictly older than this (occurred_at, id). */
  before?: { occurredAt: Date; id: string };
  limit: number;
}

export type ListedInteraction = InteractionRow & {
  account_name: string;
  network: string;
  post_id: string | null;
  target_url: string | null;
};

export function list(db: Kysely<DB>, workspaceId: string, f: ListFilters): Promise<ListedInteraction[]> {
  let q = db
    .selectFrom("interactions as i")
    .innerJoin("social_accounts as a", "a.id", "i.account_id")
    .leftJoin("post_targets as t", "t.id", "i.post_target_id")
    .selectAll("i")
    .select(["a.display_name as account_name", "a.network", "t.post_id", "t.external_url as target_url"])
    .where("i.workspace_id", "=", workspaceId);
  if (f.accountId) q = q.where("i.account_id", "=", f.accountId);
  if (f.kind) q = q.where("i.kind", "=", f.kind);
  if (f.postTargetId) q = q.where("i.post_target_id", "=", f.postTargetId);
  if (f.postId) q = q.where("t.post_id", "=", f.postId);
  if (f.since) q = q.where("i.occurred_at", ">=", f.since);
  if (f.before) {
    const b = f.before;
    q = q.where((eb) =>
      eb.or([
        eb("i.occurred_at", "<", b.occurredAt),
        eb.and([eb("i.occurred_at", "=", b.occurredAt), eb("i.id", "<", b.id)]),
      ]),
    );
  }
  return q.orderBy("i.occurred_at", "desc").orderBy("i.id", "desc").limit(f.limit).execute();
}

export async function countForAccount(db: Kysely<DB>, workspaceId: string, accountId: string): Promise<number> {
  const r = await db
    .selectFrom("interactions")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return r.n;
}

// ——— Sync state on social_accounts ———

/**
 * Takes the account's sync lease (one sync of an account at a time, whichever worker or request asks):
 * true when taken. An expired lease (a worker that died mid-sync) can be taken again.
 */
export async function takeLease(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  now: Date,
  seconds: number,
): Promise<boolean> {
  const r = await db
    .updateTable("social_accounts")
    .set({ sync_lease_until: new Date(now.getTime() + seconds * 1000) })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .where((eb) => eb.or([eb("sync_lease_until", "is", null), eb("sync_lease_until", "<=", now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function releaseLease(db: Kysely<DB>, workspaceId: string, accountId: string): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({ sync_lease_until: null })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .execute();
}

export async function setCursor(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  cursor: string | null,
): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({ sync_cursor: cursor })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .execute();
}

export async function recordSuccess(db: Kysely<DB>, workspaceId: string, accountId: string, at: Date): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({ last_synced_at: at, last_sync_error: null, last_sync_error_at: null, sync_not_before: null })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .execute();
}

export async function recordError(
  db: Kysely<DB>,
  workspaceId: string,
  accountId: string,
  at: Date,
  error: string,
  notBefore: Date | null,
): Promise<void> {
  await db
    .updateTable("social_accounts")
    .set({
      last_sync_error: error.slice(0, 2000),
      last_sync_error_at: at,
      ...(notBefore ? { sync_not_before: notBefore } : {}),
    })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .execute();
}

/** Active accounts of these networks that may be synced now (not waiting after a rate limit). */
export function accountsToSync(
  db: Kysely<DB>,
  networks: string[],
  now: Date,
): Promise<{ id: string; workspace_id: string }[]> {
  if (!networks.length) return Promise.resolve([]);
  return db
    .selectFrom("social_accounts")
    .select(["id", "workspace_id"])
    .where("status", "=", "active")
    .where("network", "in", networks)
    .where((eb) => eb.or([eb("sync_not_before", "is", null), eb("sync_not_before", "<=", now)]))
    .orderBy("last_synced_at", (ob) => ob.asc().nullsFirst())
    .execute();
}
