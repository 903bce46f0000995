import type { AppContext } from "../../context.js";
import * as repo from "./audit.repo.js";

export type { AuditEvent } from "./audit.repo.js";

/** Records a sensitive action (role change, deletion, invitation...). */
export function record(ctx: Pick<AppContext, "db">, event: repo.AuditEvent): Promise<void> {
  return repo.insertAudit(ctx.db, event);
}

export async function list(ctx: AppContext, workspaceId: string, limit: number, before?: string) {
  const rows = await repo.listAudit(ctx.db, workspaceId, limit, before ? new Date(before) : undefined);
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    data: r.data,
    actor: r.actor_user_id ? { id: r.actor_user_id, name: r.actor_name ?? "", email: r.actor_email ?? "" } : null,
    createdAt: r.created_at.toISOString(),
  }));
}
