import { ConnectorError, type PublishRequest, type PublishResult } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { RenditionPreset, TargetStatus } from "../../db/schema.js";
import { appLinks } from "../../lib/app-links.js";
import { notify } from "../notifications/notifications.service.js";
import { PublishSetupError, publishDeps } from "./publish-deps.js";
import { explainPublishError, MAX_ATTEMPTS, type PublishErrorCode, retryDelaySeconds } from "./publish-errors.js";
import * as repo from "./scheduler.repo.js";
import { enqueueTarget } from "./scheduler.service.js";

/**
 * How long a claim holds a target. A worker that has not recorded a result by then is presumed dead and
 * the reconciler marks the target unconfirmed; connectors time out well before (HTTP client timeouts).
 */
export const LEASE_SECONDS = 120;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRESETS: readonly RenditionPreset[] = ["1:1", "4:5", "1.91:1", "9:16", "original"];

type Outcome =
  | { kind: "published"; result: PublishResult }
  | { kind: "network_error"; error: ConnectorError }
  | { kind: "setup_error"; code: PublishErrorCode; message: string }
  | { kind: "unknown"; message: string };

/**
 * Claims the given targets (those still scheduled and due), then publishes each in parallel and records
 * each result as it comes. Never holds a transaction across a network call: claim → commit → publish →
 * record. Returns the number of targets this call claimed (0 when another worker or an earlier run
 * already took them, or they are not due).
 */
export async function publishTargets(ctx: AppContext, targetIds: string[]): Promise<number> {
  const ids = [...new Set(targetIds.filter((id) => typeof id === "string" && UUID_RE.test(id)))];
  if (!ids.length) return 0;
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPosts(trx, await repo.postIdsOfTargets(trx, ids));
    const rows = await repo.claimTargets(trx, ids, LEASE_SECONDS);
    const now = Date.now();
    await repo.insertPostEvents(
      trx,
      rows.map((t) => ({
        workspaceId: t.workspace_id,
        postId: t.post_id,
        targetId: t.id,
        actorLabel: repo.SCHEDULER_ACTOR,
        fromStatus: "scheduled",
        toStatus: "publishing",
        detail: { attempt: t.attempts, lateSeconds: Math.round((now - t.next_attempt_at.getTime()) / 100) / 10 },
      })),
    );
    for (const ws of new Set(rows.map((t) => t.workspace_id))) {
      const postIds = rows.filter((t) => t.workspace_id === ws).map((t) => t.post_id);
      await repo.refreshPostStatuses(trx, ws, postIds, { label: repo.SCHEDULER_ACTOR });
    }
    return rows;
  });
  const settled = await Promise.allSettled(claimed.map((t) => publishOne(ctx, t)));
  for (const [i, s] of settled.entries()) {
    // Recording failed (database down?): the target stays `publishing` and the reconciler takes it when
    // the lease expires — unconfirmed, never re-sent blindly.
    if (s.status === "rejected") ctx.logger.error({ err: s.reason, targetId: claimed[i]?.id }, "publish record failed");
  }
  return claimed.length;
}

/** The request a connector receives for a target: the variant where set, the post's base otherwise. */
export async function buildRequest(ctx: AppContext, t: repo.ClaimedTarget): Promise<PublishRequest> {
  const options = { ...t.post_options, ...t.options };
  const preset = PRESETS.find((p) => p === options.preset);
  const media = await publishDeps.mediaForPublishing(ctx, t.workspace_id, t.media_ids ?? t.post_media_ids, preset);
  return {
    idempotencyKey: t.idempotency_key,
    postId: t.post_id,
    targetId: t.id,
    workspaceId: t.workspace_id,
    text: t.body ?? t.post_body,
    ...(typeof options.title === "string" ? { title: options.title } : {}),
    linkUrl: t.link_url,
    media,
    options,
    scheduledAt: t.scheduled_at,
  };
}

async function publishOne(ctx: AppContext, t: repo.ClaimedTarget): Promise<void> {
  let outcome: Outcome;
  try {
    const { connector, secrets } = await publishDeps.loadForPublishing(ctx, t.workspace_id, t.account_id);
    const request = await buildRequest(ctx, t);
    try {
      outcome = { kind: "published", result: await connector.publish(secrets, request) };
    } catch (err) {
      outcome =
        err instanceof ConnectorError
          ? { kind: "network_error", error: err }
          : // A bug or an unexpected throw after the request may have left: we cannot tell.
            { kind: "unknown", message: (err as Error)?.message ?? String(err) };
    }
  } catch (err) {
    // Nothing was sent yet. Known impossibilities fail; anything else (a database hiccup) retries.
    outcome =
      err instanceof PublishSetupError
        ? { kind: "setup_error", code: err.code, message: err.message }
        : err instanceof ConnectorError
          ? { kind: "network_error", error: err }
          : { kind: "network_error", error: new ConnectorError("transient", (err as Error)?.message ?? String(err)) };
  }
  await recordOutcome(ctx, t, outcome);
}

/** Applies a publish outcome to the target (guarded by its attempt number), then notifies. */
async function recordOutcome(ctx: AppContext, t: repo.ClaimedTarget, outcome: Outcome): Promise<void> {
  const where = { workspaceId: t.workspace_id, targetId: t.id, attempts: t.attempts };
  if (outcome.kind === "published") {
    const { result } = outcome;
    await transition(ctx, t, { ...where, from: ["publishing", "unconfirmed"] }, "published", {
      set: {
        external_id: result.externalId,
        external_url: result.url,
        published_at: result.publishedAt,
        ...(result.threadExternalIds?.length ? { thread_external_ids: JSON.stringify(result.threadExternalIds) } : {}),
        lease_expires_at: null,
        error_code: null,
        error_message: null,
      },
      detail: { externalId: result.externalId, url: result.url, attempt: t.attempts },
      publishedAt: result.publishedAt,
    });
    return;
  }
  if (outcome.kind === "unknown") {
    const moved = await transition(ctx, t, { ...where, from: ["publishing"] }, "unconfirmed", {
      set: { lease_expires_at: null, error_code: "unknown_outcome", error_message: outcome.message.slice(0, 2000) },
      detail: { errorCode: "unknown_outcome" },
    });
    if (moved) await notifyTarget(ctx, t, "post_unconfirmed", "unknown_outcome", null);
    return;
  }
  if (outcome.kind === "setup_error") {
    await fail(ctx, t, where, outcome.code, outcome.message);
    return;
  }
  const err = outcome.error;
  if (err.retryable && t.attempts < MAX_ATTEMPTS) {
    const delay = retryDelaySeconds(t.attempts, err.options.retryAfterSeconds);
    const runAt = new Date(Date.now() + delay * 1000);
    const moved = await transition(ctx, t, { ...where, from: ["publishing"] }, "scheduled", {
      set: {
        next_attempt_at: runAt,
        lease_expires_at: null,
        error_code: err.kind,
        error_message: err.networkMessage.slice(0, 2000),
      },
      detail: { errorCode: err.kind, networkMessage: err.networkMessage, retryInSeconds: delay, attempt: t.attempts },
    });
    // If this send is lost (crash right here), the sweeper re-sends overdue scheduled targets.
    if (moved) await enqueueTarget(ctx, { targetId: t.id, runAt });
    return;
  }
  const code = (err.retryable ? "retries_exhausted" : err.kind) as PublishErrorCode;
  await fail(ctx, t, where, code, err.networkMessage);
  if (err.kind === "auth_expired") {
    await publishDeps.markReconnectNeeded(ctx, t.workspace_id, t.account_id, err.networkMessage);
  }
}

async function fail(
  ctx: AppContext,
  t: repo.ClaimedTarget,
  where: { workspaceId: string; targetId: string; attempts: number },
  code: PublishErrorCode,
  networkMessage: string,
): Promise<void> {
  const moved = await transition(ctx, t, { ...where, from: ["publishing", "unconfirmed"] }, "failed", {
    set: { lease_expires_at: null, error_code: code, error_message: networkMessage.slice(0, 2000) },
    detail: { errorCode: code, networkMessage, attempt: t.attempts },
  });
  if (moved) await notifyTarget(ctx, t, "publish_failed", code, networkMessage);
}

/** One guarded transition of a target with its event and its post's status, in one transaction. */
export async function transition(
  ctx: AppContext,
  t: { workspace_id: string; post_id: string; id: string },
  where: { workspaceId: string; targetId: string; from: readonly TargetStatus[]; attempts?: number },
  to: TargetStatus,
  opts: {
    set?: Parameters<typeof repo.transitionTarget>[2] extends infer S ? Omit<S, "status"> : never;
    detail?: Record<string, unknown>;
    actor?: { userId: string | null; label: string };
    publishedAt?: Date;
  } = {},
): Promise<TargetStatus | undefined> {
  const actor = opts.actor ?? { userId: null, label: repo.SCHEDULER_ACTOR };
  const from = await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPosts(trx, [t.post_id]);
    const moved = await repo.transitionTarget(trx, where, { ...opts.set, status: to });
    if (!moved) return undefined;
    await repo.insertPostEvents(trx, [
      {
        workspaceId: t.workspace_id,
        postId: t.post_id,
        targetId: t.id,
        actorUserId: actor.userId,
        actorLabel: actor.label,
        fromStatus: moved.fromStatus,
        toStatus: to,
        detail: opts.detail,
      },
    ]);
    if (opts.publishedAt) {
      await trx
        .updateTable("posts")
        .set({ last_published_at: opts.publishedAt })
        .where("id", "=", t.post_id)
        .where("workspace_id", "=", t.workspace_id)
        .execute();
    }
    await repo.refreshPostStatuses(trx, t.workspace_id, [t.post_id], actor);
    return moved.fromStatus;
  });
  if (!from) ctx.logger.info({ targetId: t.id, to }, "target changed meanwhile: result not applied");
  return from;
}

/** Excerpt of a post for notifications: the first line, at most 80 characters. */
export function excerpt(body: string): string {
  const line = body.trim().split("\n")[0] ?? "";
  const chars = [...line];
  return chars.length > 80 ? `${chars.slice(0, 79).join("")}…` : line;
}

/** Notifies the author, managers and owners about a target, with our explanation in each language. */
export async function notifyTarget(
  ctx: AppContext,
  t: {
    workspace_id: string;
    post_id: string;
    created_by: string | null;
    account_name: string;
    network: string;
    post_body: string;
  },
  kind: "publish_failed" | "post_unconfirmed" | "post_missed",
  code: PublishErrorCode | null,
  networkMessage: string | null,
): Promise<void> {
  const reasonIn = (locale: "fr" | "en") => {
    const ours = explainPublishError(locale, code) ?? "";
    if (!networkMessage) return ours;
    const said = networkMessage.slice(0, 300);
    return locale === "fr" ? `${ours} Réponse du réseau : « ${said} »` : `${ours} The network said: “${said}”`;
  };
  try {
    await notify(ctx, {
      workspaceId: t.workspace_id,
      kind,
      roles: ["owner", "manager"],
      userIds: t.created_by ? [t.created_by] : [],
      data: {
        postId: t.post_id,
        postExcerpt: excerpt(t.post_body),
        accountName: t.account_name,
        network: t.network,
        errorCode: code,
        networkMessage,
        reasons: { fr: reasonIn("fr"), en: reasonIn("en") },
        url: appLinks.post(ctx.config.publicUrl, t.workspace_id, t.post_id),
      },
    });
  } catch (err) {
    // The status change is committed; a lost notification must not undo or repeat it.
    ctx.logger.error({ err, postId: t.post_id, kind }, "notification failed");
  }
}
