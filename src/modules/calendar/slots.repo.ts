import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.js";

export interface Slot {
  weekday: number;
  time: string;
}

export async function accountExists(db: Kysely<DB>, workspaceId: string, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom("social_accounts")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listSlots(db: Kysely<DB>, workspaceId: string, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db
    .selectFrom("posting_slots")
    .select(["account_id", "weekday", "local_time"])
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "in", accountIds)
    .orderBy("weekday")
    .orderBy("local_time")
    .execute();
}

/** Replaces an account's whole weekly grid in one transaction (callers dedupe first). */
export async function replaceSlots(db: Kysely<DB>, workspaceId: string, accountId: string, slots: Slot[]) {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("posting_slots")
      .where("workspace_id", "=", workspaceId)
      .where("account_id", "=", accountId)
      .execute();
    if (slots.length) {
      await trx
        .insertInto("posting_slots")
        .values(
          slots.map((s) => ({
            workspace_id: workspaceId,
            account_id: accountId,
            weekday: s.weekday,
            local_time: s.time,
          })),
        )
        .execute();
    }
  });
}

/**
 * Instants in [from, to) at which one of `accountIds` already has another live post (not this one):
 * such a slot is taken. "Live" = not cancelled and not a failed/missed delivery.
 */
export async function takenInstants(
  db: Kysely<DB>,
  workspaceId: string,
  accountIds: string[],
  from: Date,
  to: Date,
  exceptPostId: string | null,
): Promise<Set<number>> {
  if (!accountIds.length) return new Set();
  const { rows } = await sql<{ scheduled_at: Date }>`
    select distinct p.scheduled_at from posts p
      join post_targets t on t.post_id = p.id and t.workspace_id = p.workspace_id
     where p.workspace_id = ${workspaceId} and p.scheduled_at >= ${from} and p.scheduled_at < ${to}
       and p.status not in ('cancelled', 'failed', 'missed')
       and t.status not in ('cancelled', 'failed', 'missed')
       and t.account_id in (${sql.join(accountIds)})
       and p.id is distinct from ${exceptPostId}::uuid`.execute(db);
  return new Set(rows.map((r) => new Date(r.scheduled_at).getTime()));
}
