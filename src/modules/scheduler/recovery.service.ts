import { getConnector } from "../../connectors/registry.js";
import type { AppContext } from "../../context.js";
import { buildRequest, notifyTarget, transition } from "./publish.service.js";
import { publishDeps } from "./publish-deps.js";
import * as repo from "./scheduler.repo.js";
import { enqueueTarget } from "./scheduler.service.js";

/** A scheduled target is "overdue" for the sweeper once this late without being claimed. */
export const OVERDUE_SECONDS = 60;

/**
 * A connector may declare that the network (or receiver) refuses a second post with the same idempotency
 * key. Only then does "lookup found nothing" allow a re-send without asking the user.
 */
type MaybeIdempotent = { guaranteesIdempotency?: boolean };

/**
 * The reconciler. Targets left `publishing` past their lease (their worker was killed or hung) become
 * `unconfirmed` first — committed before anything else, so a crash here never leads to a re-send. Then,
 * when the connector can look the post up: found → published; definitely absent on a connector that
 * guarantees idempotency → scheduled again now; otherwise it stays unconfirmed and the author, managers
 * and owners are asked to check ("it was published" / "publish again").
 */
export async function reconcile(ctx: AppContext, now = new Date()) {
  const counts = { unconfirmed: 0, published: 0, rescheduled: 0 };
  for (const t of await repo.expiredLeases(ctx.db, now)) {
    const where = { workspaceId: t.workspace_id, targetId: t.id, attempts: t.attempts };
    const moved = await transition(ctx, t, { ...where, from: ["publishing"] }, "unconfirmed", {
      set: { lease_expires_at: null, error_code: "interrupted", error_message: null },
      detail: { errorCode: "interrupted", leaseExpiredAt: t.lease_expires_at?.toISOString() },
    });
    if (!moved) continue;
    const resolved = await lookUp(ctx, t, where);
    counts[resolved]++;
    if (resolved === "unconfirmed") await notifyTarget(ctx, t, "post_unconfirmed", "interrupted", null);
  }
  return counts;
}

async function lookUp(
  ctx: AppContext,
  t: { workspace_id: string; post_id: string; id: string; account_id: string; network: string },
  where: { workspaceId: string; targetId: string; attempts: number },
): Promise<"unconfirmed" | "published" | "rescheduled"> {
  try {
    const { connector, secrets } = await publishDeps.loadForPublishing(ctx, t.workspace_id, t.account_id);
    if (!connector.lookup) return "unconfirmed";
    const full = await repo.findTargetForPublishing(ctx.db, t.workspace_id, t.id);
    if (!full) return "unconfirmed";
    const request = await buildRequest(ctx, full);
    const found = await connector.lookup(secrets, request);
    if (found) {
      const ok = await transition(ctx, t, { ...where, from: ["unconfirmed"] }, "published", {
        set: {
          external_id: found.externalId,
          external_url: found.url,
          published_at: found.publishedAt,
          ...(found.threadExternalIds?.length ? { thread_external_ids: JSON.stringify(found.threadExternalIds) } : {}),
          error_code: null,
        },
        detail: { via: "lookup", externalId: found.externalId, url: found.url },
        publishedAt: found.publishedAt,
      });
      return ok ? "published" : "unconfirmed";
    }
    // The registry's own adapter says so (the bound copy the accounts service hands out does not carry it).
    if (!(getConnector(t.network) as MaybeIdempotent | undefined)?.guaranteesIdempotency) return "unconfirmed";
    const runAt = new Date();
    const ok = await transition(ctx, t, { ...where, from: ["unconfirmed"] }, "scheduled", {
      set: { next_attempt_at: runAt, error_code: null },
      detail: { via: "lookup", absent: true },
    });
    if (!ok) return "unconfirmed";
    await enqueueTarget(ctx, { targetId: t.id, runAt });
    return "rescheduled";
  } catch (err) {
    // The network could not answer: the user decides.
    ctx.logger.warn({ err, targetId: t.id }, "lookup after an interrupted publish failed");
    return "unconfirmed";
  }
}

/**
 * The sweeper. `scheduled` targets overdue by more than `lateSeconds` (downtime, a lost job, a crisis
 * pause just lifted): within the workspace's grace period of the time the attempt was due, the job is
 * sent again now (it publishes late, and its events say how late); past it, the target is `missed` and
 * the author, managers and owners are told. Crisis-paused workspaces are left alone until resumed.
 */
export async function sweep(ctx: AppContext, options: { workspaceId?: string; lateSeconds?: number } = {}) {
  const counts = { requeued: 0, missed: 0 };
  const rows = await repo.overdueTargets(ctx.db, options.lateSeconds ?? OVERDUE_SECONDS, options.workspaceId);
  for (const t of rows) {
    const dueAt = t.next_attempt_at as Date;
    const lateSeconds = Math.round((Date.now() - dueAt.getTime()) / 1000);
    if (t.past_grace) {
      const code = t.account_status === "active" ? "downtime" : "account_inactive";
      const moved = await transition(
        ctx,
        t,
        { workspaceId: t.workspace_id, targetId: t.id, from: ["scheduled"] },
        "missed",
        { set: { error_code: code, error_message: null }, detail: { errorCode: code, lateSeconds } },
      );
      if (moved) {
        counts.missed++;
        await notifyTarget(ctx, t, "post_missed", code, null);
      }
    } else if (t.account_status === "active") {
      // Same key as the original job: if that one is still queued, nothing new is queued.
      const id = await enqueueTarget(ctx, { targetId: t.id, runAt: dueAt, startAfter: new Date() });
      if (id) {
        counts.requeued++;
        await repo.insertPostEvents(ctx.db, [
          {
            workspaceId: t.workspace_id,
            postId: t.post_id,
            targetId: t.id,
            actorLabel: repo.SCHEDULER_ACTOR,
            fromStatus: "scheduled",
            toStatus: "scheduled",
            detail: { requeued: true, lateSeconds },
          },
        ]);
      }
    }
  }
  return counts;
}
