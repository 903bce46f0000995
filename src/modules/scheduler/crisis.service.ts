import type { AppContext } from "../../context.js";
import { notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { sweep } from "./recovery.service.js";
import * as repo from "./scheduler.repo.js";

/** The crisis switch of a workspace as the API shows it. */
export async function getCrisis(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "workspace.read");
  return crisisView(ctx, workspaceId);
}

async function crisisView(ctx: AppContext, workspaceId: string) {
  const w = await ctx.db
    .selectFrom("workspaces as w")
    .leftJoin("users as u", "u.id", "w.crisis_paused_by")
    .select(["w.crisis_paused_at", "w.crisis_reason", "u.id as by_id", "u.name as by_name"])
    .where("w.id", "=", workspaceId)
    .executeTakeFirst();
  if (!w) throw notFound("workspace");
  const counts = await repo.countTargets(ctx.db, workspaceId);
  return {
    paused: w.crisis_paused_at !== null,
    pausedAt: w.crisis_paused_at?.toISOString() ?? null,
    pausedBy: w.crisis_paused_at && w.by_id ? { id: w.by_id, name: w.by_name ?? "" } : null,
    reason: w.crisis_paused_at ? w.crisis_reason : null,
    scheduledTargets: counts.scheduled,
    publishingTargets: counts.publishing,
  };
}

/**
 * Pauses or resumes every publication of a workspace at once (manager+, audited with the counts). While
 * paused the claim refuses the workspace's targets; posts already being sent finish. Resuming sweeps at
 * once: what fell due during the pause is sent now if still within the grace period, else marked missed.
 */
export async function setCrisis(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { paused: boolean; reason?: string | null },
) {
  await authorize(ctx, user, workspaceId, "crisis.toggle");
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("workspaces")
      .select(["crisis_paused_at"])
      .where("id", "=", workspaceId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const wasPaused = before.crisis_paused_at !== null;
    await trx
      .updateTable("workspaces")
      .set(
        input.paused
          ? {
              crisis_paused_at: before.crisis_paused_at ?? new Date(),
              crisis_paused_by: wasPaused ? undefined : user.id,
              crisis_reason: input.reason ?? null,
            }
          : { crisis_paused_at: null, crisis_paused_by: null, crisis_reason: null },
      )
      .where("id", "=", workspaceId)
      .execute();
    return wasPaused !== input.paused;
  });
  const result = input.paused ? { requeued: 0, missed: 0 } : await sweep(ctx, { workspaceId, lateSeconds: 0 });
  if (changed) {
    const counts = await repo.countTargets(ctx.db, workspaceId);
    await audit.record(ctx, {
      workspaceId,
      actorUserId: user.id,
      action: input.paused ? "crisis.paused" : "crisis.resumed",
      targetType: "workspace",
      targetId: workspaceId,
      data: input.paused
        ? { reason: input.reason ?? null, scheduledTargets: counts.scheduled, inFlight: counts.publishing }
        : { requeued: result.requeued, missed: result.missed, scheduledTargets: counts.scheduled },
    });
  }
  return { ...(await crisisView(ctx, workspaceId)), resumed: input.paused ? null : result };
}
