import { ConnectorError } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as accounts from "../accounts/accounts.service.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { transition } from "./publish.service.js";
import { explainPublishError } from "./publish-errors.js";
import * as repo from "./scheduler.repo.js";

/** The queue name of the job that publishes one target (see scheduler.jobs.ts). */
export const PUBLISH_JOB = "scheduler.publish-target";

/**
 * Sends the job that publishes `targetId` at `runAt`. The caller has already set the target
 * `status='scheduled', next_attempt_at=runAt` (and committed: the job may run at once).
 *
 * The singleton key is target + instant: sending the same schedule twice queues one job (the queue's
 * "short" policy refuses a second queued job with the key), while a reschedule sends a new job and the
 * old one finds nothing to claim (its target's next_attempt_at moved). `startAfter` (default runAt) lets
 * the sweeper re-send an overdue schedule now under its original key. Returns the job id, or null when
 * that exact job is already queued.
 */
export async function enqueueTarget(
  ctx: Pick<AppContext, "jobs">,
  input: { targetId: string; runAt: Date; startAfter?: Date },
): Promise<string | null> {
  return ctx.jobs.send(
    PUBLISH_JOB,
    { targetId: input.targetId },
    { startAfter: input.startAfter ?? input.runAt, singletonKey: `${input.targetId}:${input.runAt.toISOString()}` },
  );
}

type TargetRow = NonNullable<Awaited<ReturnType<typeof repo.findTarget>>>;

/** A target as the API shows it, with our explanation of its error in the caller's language. */
export function presentTarget(t: TargetRow, locale: Locale) {
  return {
    id: t.id,
    postId: t.post_id,
    accountId: t.account_id,
    accountName: t.account_name,
    status: t.status,
    attempts: t.attempts,
    nextAttemptAt: t.next_attempt_at?.toISOString() ?? null,
    publishedAt: t.published_at?.toISOString() ?? null,
    externalId: t.external_id,
    externalUrl: t.external_url,
    errorCode: t.error_code,
    errorMessage: t.error_message,
    explanation: explainPublishError(locale, t.error_code),
    removedAt: t.removed_at?.toISOString() ?? null,
  };
}

async function loadTarget(ctx: AppContext, workspaceId: string, postId: string, targetId: string) {
  const t = await repo.findTarget(ctx.db, workspaceId, postId, targetId);
  if (!t) throw notFound("target");
  return t;
}

type TargetIds = { workspaceId: string; postId: string; targetId: string };

/** A target the user acts on by hand (confirm, republish, take down): editor and above. */
async function targetToChange(ctx: AppContext, user: AuthUser, ids: TargetIds) {
  await authorize(ctx, user, ids.workspaceId, "posts.write");
  return loadTarget(ctx, ids.workspaceId, ids.postId, ids.targetId);
}

/**
 * "It was published": the user checked the network after an unconfirmed (or failed) attempt. Records the
 * URL they give; never sends anything.
 */
export async function confirmPublished(
  ctx: AppContext,
  user: AuthUser,
  ids: TargetIds,
  input: { url?: string | null },
  locale: Locale,
) {
  const t = await targetToChange(ctx, user, ids);
  const now = new Date();
  const moved = await transition(
    ctx,
    t,
    { workspaceId: ids.workspaceId, targetId: t.id, from: ["unconfirmed", "failed"] },
    "published",
    {
      set: { published_at: now, external_url: input.url ?? t.external_url, lease_expires_at: null },
      detail: { confirmedByUser: true, url: input.url ?? null },
      actor: { userId: user.id, label: user.name },
      publishedAt: now,
    },
  );
  if (!moved) throw new AppError("target_state", { status: t.status });
  await audit.record(ctx, {
    workspaceId: ids.workspaceId,
    actorUserId: user.id,
    action: "post.target_confirmed",
    targetType: "post_target",
    targetId: t.id,
    data: { postId: t.post_id, account: t.account_name, from: moved, url: input.url ?? null },
  });
  return presentTarget(await loadTarget(ctx, ids.workspaceId, ids.postId, ids.targetId), locale);
}

/**
 * "Publish again" after unconfirmed, failed or missed: scheduled now with a fresh attempt count and a
 * new job. The idempotency key stays: a receiver that saw the first attempt can recognise the second.
 */
export async function republish(ctx: AppContext, user: AuthUser, ids: TargetIds, locale: Locale) {
  const t = await targetToChange(ctx, user, ids);
  if (!["unconfirmed", "failed", "missed"].includes(t.status)) throw new AppError("target_state", { status: t.status });
  if (t.account_status !== "active") throw new AppError("account_not_active", { account: t.account_name });
  const runAt = new Date();
  const moved = await transition(
    ctx,
    t,
    { workspaceId: ids.workspaceId, targetId: t.id, from: ["unconfirmed", "failed", "missed"] },
    "scheduled",
    {
      set: { next_attempt_at: runAt, attempts: 0, lease_expires_at: null, error_code: null, error_message: null },
      detail: { republishedByUser: true },
      actor: { userId: user.id, label: user.name },
    },
  );
  if (!moved) throw new AppError("target_state", { status: t.status });
  await enqueueTarget(ctx, { targetId: t.id, runAt });
  await audit.record(ctx, {
    workspaceId: ids.workspaceId,
    actorUserId: user.id,
    action: "post.target_republished",
    targetType: "post_target",
    targetId: t.id,
    data: { postId: t.post_id, account: t.account_name, from: moved },
  });
  return presentTarget(await loadTarget(ctx, ids.workspaceId, ids.postId, ids.targetId), locale);
}

/**
 * "Take it down": deletes a published copy from its network (a thread: its later parts first, last to
 * first, then the first part) and records when and by whom. Safe to repeat: a copy already gone counts as
 * removed (connectors treat "not found" as done), and a target already marked removed is returned as is.
 * A network refusal changes nothing in Relais (the user may try again); refused credentials also mark the
 * account "reconnect needed".
 */
export async function removeFromNetwork(ctx: AppContext, user: AuthUser, ids: TargetIds, locale: Locale) {
  const t = await targetToChange(ctx, user, ids);
  if (t.removed_at) return presentTarget(t, locale);
  if (t.status !== "published" || !t.external_id) throw new AppError("target_state", { status: t.status });
  if (t.account_status !== "active") throw new AppError("remove_account_not_active", { account: t.account_name });
  const { connector, secrets } = await accounts.loadForPublishing(ctx, ids.workspaceId, t.account_id);
  if (!connector.delete) throw new AppError("remove_unsupported", { account: t.account_name });
  const parts = [...(t.thread_external_ids ?? [])].reverse();
  try {
    for (const externalId of [...parts, t.external_id]) await connector.delete(secrets, externalId);
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    if (err.kind === "auth_expired") {
      await accounts.markReconnectNeeded(ctx, ids.workspaceId, t.account_id, err.networkMessage);
    }
    throw new AppError("remove_failed", { account: t.account_name, reason: err.networkMessage });
  }
  await repo.markRemoved(ctx.db, ids.workspaceId, t.id, user.id);
  await audit.record(ctx, {
    workspaceId: ids.workspaceId,
    actorUserId: user.id,
    action: "post.target_removed",
    targetType: "post_target",
    targetId: t.id,
    data: { postId: t.post_id, account: t.account_name, url: t.external_url, parts: parts.length + 1 },
  });
  return presentTarget(await loadTarget(ctx, ids.workspaceId, ids.postId, ids.targetId), locale);
}
