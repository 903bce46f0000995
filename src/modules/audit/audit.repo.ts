import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.js";

export interface AuditEvent {
  workspaceId: string | null;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
}

export async function insertAudit(db: Kysely<DB>, e: AuditEvent): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      workspace_id: e.workspaceId,
      actor_user_id: e.actorUserId,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** Newest first; `before` pages backwards by creation time. */
export function listAudit(db: Kysely<DB>, workspaceId: string, limit: number, before?: Date) {
  let q = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_user_id")
    .select([
      "audit_log.id",
      "audit_log.action",
      "audit_log.target_type",
      "audit_log.target_id",
      "audit_log.data",
      "audit_log.created_at",
      "audit_log.actor_user_id",
      "users.name as actor_name",
      "users.email as actor_email",
    ])
    .where("audit_log.workspace_id", "=", workspaceId)
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(limit);
  if (before) q = q.where("audit_log.created_at", "<", before);
  return q.execute();
}
