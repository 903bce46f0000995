import type { AppContext } from "../../context.js";
import type { Locale, PostStatus } from "../../db/schema.js";
import { appLinks } from "../../lib/app-links.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as notifications from "../notifications/notifications.service.js";
import { instantToLocal, localToInstant } from "../scheduler/local-time.js";
import { enqueueTarget } from "../scheduler/scheduler.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import { listPostEvents, recordPostEvent } from "./post-events.repo.js";
import { checkTarget, effectiveContent, mediaMap } from "./post-view.js";
import * as repo from "./posts.repo.js";
import { viewPost } from "./posts.service.js";
import { excerpt, text } from "./publishing.messages.js";

/**
 * The review workflow (docs/PUBLISHING.md "Statuses"): submit, approve, request changes, schedule,
 * unschedule. Each transition is one guarded UPDATE plus its event in one transaction, so two people
 * acting at once cannot both win; notifications and jobs go out after the commit.
 */

/** Who acts: a member, or a reviewer through an approval link (no account). */
export interface Actor {
  userId: string | null;
  label: string;
  via?: "app" | "link";
}

/** One audit entry about a post, in the transaction of the change it records. */
function auditPost(
  trx: repo.Db,
  workspaceId: string,
  actorUserId: string | null,
  action: string,
  postId: string,
  data: Record<string, unknown>,
) {
  return audit.record({ db: trx }, { workspaceId, actorUserId, action, targetType: "post", targetId: postId, data });
}

const actorOf = (user: AuthUser): Actor => ({ userId: user.id, label: user.name, via: "app" });

export function postUrl(ctx: AppContext, workspaceId: string, postId: string): string {
  return appLinks.post(ctx.config.publicUrl, workspaceId, postId);
}

async function loadPost(ctx: AppContext, workspaceId: string, postId: string) {
  const post = await repo.findPost(ctx.db, workspaceId, postId);
  if (!post) throw notFound("post");
  return post;
}

/** Sends a post for review and tells reviewers, managers and owners. */
export async function submit(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, locale: Locale) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await loadPost(ctx, workspaceId, postId);
  await submitPost(ctx, workspaceId, post, actorOf(user));
  return viewPost(ctx, workspaceId, postId, locale);
}

/** draft | changes_requested → in_review, with the event and the approval_requested notifications. */
export async function submitPost(ctx: AppContext, workspaceId: string, post: repo.PostRow, actor: Actor) {
  const from = await ctx.db.transaction().execute(async (trx) => {
    const prev = await repo.transition(
      trx,
      workspaceId,
      post.id,
      ["draft", "changes_requested"],
      "in_review",
      {},
      actor.userId,
    );
    if (!prev) throw new AppError("post_not_submittable");
    await recordPostEvent(trx, {
      workspaceId,
      postId: post.id,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      fromStatus: prev,
      toStatus: "in_review",
    });
    return prev;
  });
  await notifications.notify(ctx, {
    workspaceId,
    kind: "approval_requested",
    roles: ["reviewer", "manager", "owner"],
    exceptUserId: actor.userId,
    data: {
      postId: post.id,
      postExcerpt: excerpt(post.body),
      actorName: actor.label,
      url: postUrl(ctx, workspaceId, post.id),
    },
  });
  return from;
}

/**
 * A reviewer's decision, in the app or through a link: approve (in_review → approved) or request
 * changes (in_review | approved → changes_requested, with the reason kept as a comment). Audited; the
 * author is told (and managers too when the decision came through a link, since no member made it).
 */
export async function decide(
  ctx: AppContext,
  workspaceId: string,
  post: repo.PostRow,
  actor: Actor,
  decision: "approve" | "changes",
  comment: string | undefined,
  inTransaction?: (trx: repo.Db) => Promise<void>,
) {
  const to: PostStatus = decision === "approve" ? "approved" : "changes_requested";
  const from: PostStatus[] = decision === "approve" ? ["in_review"] : ["in_review", "approved"];
  await ctx.db.transaction().execute(async (trx) => {
    const prev = await repo.transition(trx, workspaceId, post.id, from, to, {}, actor.userId);
    if (!prev) throw new AppError(decision === "approve" ? "post_not_in_review" : "post_not_reviewable");
    if (comment) {
      await repo.insertComment(trx, workspaceId, post.id, {
        authorUserId: actor.userId,
        authorName: actor.label,
        body: comment,
        kind: decision === "approve" ? "approval" : "changes_requested",
      });
    }
    await recordPostEvent(trx, {
      workspaceId,
      postId: post.id,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      fromStatus: prev,
      toStatus: to,
      detail: { via: actor.via ?? "app", ...(comment ? { comment } : {}) },
    });
    await auditPost(
      trx,
      workspaceId,
      actor.userId,
      decision === "approve" ? "post.approved" : "post.changes_requested",
      post.id,
      {
        by: actor.label,
        via: actor.via ?? "app",
        excerpt: excerpt(post.body),
        ...(comment ? { comment } : {}),
      },
    );
    if (inTransaction) await inTransaction(trx);
  });
  await notifications.notify(ctx, {
    workspaceId,
    kind: decision === "approve" ? "post_approved" : "changes_requested",
    userIds: post.created_by ? [post.created_by] : [],
    roles: actor.via === "link" ? ["manager", "owner"] : [],
    exceptUserId: actor.userId,
    data: {
      postId: post.id,
      postExcerpt: excerpt(post.body),
      actorName: actor.label,
      reason: comment ?? "",
      url: postUrl(ctx, workspaceId, post.id),
    },
  });
}

/**
 * Approves in the app. Reviewers and above may; when the workspace requires approval, an editor cannot
 * approve a post they wrote (the point of the rule is a second pair of eyes) — managers and owners can.
 */
export async function approve(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  comment: string | undefined,
  locale: Locale,
) {
  const role = await workspaces.authorize(ctx, user, workspaceId, "posts.approve");
  const post = await loadPost(ctx, workspaceId, postId);
  const settings = await workspaces.publishingSettings(ctx, workspaceId);
  if (settings?.approvalRequired && role === "editor" && post.created_by === user.id) {
    throw new AppError("self_approval");
  }
  await decide(ctx, workspaceId, post, actorOf(user), "approve", comment);
  return viewPost(ctx, workspaceId, postId, locale);
}

export async function requestChanges(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  comment: string,
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.approve");
  const post = await loadPost(ctx, workspaceId, postId);
  await decide(ctx, workspaceId, post, actorOf(user), "changes", comment);
  return viewPost(ctx, workspaceId, postId, locale);
}

function toInstant(when: { local?: string; at?: string }, tz: string) {
  if (when.local !== undefined) {
    try {
      const { instant, adjusted } = localToInstant(when.local, tz);
      return { instant, local: instantToLocal(instant, tz), adjusted };
    } catch {
      throw new AppError("validation_failed", {}, [{ path: "body.local", code: "invalid_date", message: when.local }]);
    }
  }
  const instant = new Date(when.at as string);
  return { instant, local: instantToLocal(instant, tz), adjusted: "none" as const };
}

/**
 * Schedules (or reschedules) a post at a wall-clock time of the workspace's zone or at an instant.
 * Refused: a time in the past (400), a post that breaks a network's rule on any target (400, the
 * issues per target), a post not approved when the workspace requires approval (409).
 */
export async function schedule(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  when: { local?: string; at?: string },
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await loadPost(ctx, workspaceId, postId);
  const settings = await workspaces.publishingSettings(ctx, workspaceId);
  if (!settings) throw notFound("workspace");
  const { instant, local, adjusted } = toInstant(when, settings.timezone);
  if (instant.getTime() <= Date.now()) throw new AppError("schedule_in_past", { local });

  const allowed: PostStatus[] = settings.approvalRequired
    ? ["approved", "scheduled"]
    : ["draft", "approved", "scheduled"];
  if (!allowed.includes(post.status)) {
    if (settings.approvalRequired && ["draft", "in_review", "changes_requested"].includes(post.status)) {
      throw new AppError("approval_required");
    }
    throw new AppError("post_not_schedulable");
  }
  const targets = (await repo.listTargets(ctx.db, workspaceId, [postId])).filter((t) => t.status !== "cancelled");
  if (!targets.length) throw new AppError("post_no_targets");
  const movable = post.status === "scheduled" ? ["scheduled"] : ["pending"];
  if (targets.some((t) => !movable.includes(t.status))) throw new AppError("post_not_schedulable");

  const mediaById = await mediaMap(ctx, workspaceId, [post], targets);
  const failing = targets
    .map((t) => ({ t, check: checkTarget(locale, t.network, effectiveContent(post, t), mediaById, t.account_limits) }))
    .filter(({ check }) => !check.ok)
    .map(({ t, check }) => ({
      targetId: t.id,
      accountId: t.account_id,
      accountName: t.account_name,
      network: t.network,
      issues: check.issues,
    }));
  if (failing.length) throw new AppError("post_not_ready", { count: failing.length }, { targets: failing });

  const moved = await ctx.db.transaction().execute(async (trx) => {
    const prev = await repo.transition(
      trx,
      workspaceId,
      postId,
      [post.status],
      "scheduled",
      { scheduled_at: instant, scheduled_local: local, scheduled_tz: settings.timezone },
      user.id,
    );
    if (!prev) throw new AppError("post_stale", { version: post.version + 1 }, { currentVersion: null });
    const rows = await repo.setTargetsStatus(trx, workspaceId, postId, movable as never, "scheduled", instant);
    const detail = { at: instant.toISOString(), local, tz: settings.timezone, adjusted };
    await recordPostEvent(trx, {
      workspaceId,
      postId,
      actorUserId: user.id,
      actorLabel: user.name,
      fromStatus: prev,
      toStatus: "scheduled",
      detail,
    });
    for (const r of rows) {
      await recordPostEvent(trx, {
        workspaceId,
        postId,
        targetId: r.id,
        actorUserId: user.id,
        actorLabel: user.name,
        fromStatus: post.status === "scheduled" ? "scheduled" : "pending",
        toStatus: "scheduled",
        detail,
      });
    }
    await auditPost(trx, workspaceId, user.id, prev === "scheduled" ? "post.rescheduled" : "post.scheduled", postId, {
      ...detail,
      excerpt: excerpt(post.body),
    });
    return rows;
  });
  // After the commit: the job may run at once and must find the target scheduled. If the queue is
  // unreachable the targets stay scheduled and the scheduler's sweeper sends the job (grace rule).
  for (const r of moved) {
    try {
      await enqueueTarget(ctx, { targetId: r.id, runAt: instant });
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message, targetId: r.id }, "publish job not queued; the sweeper will");
    }
  }
  const view = await viewPost(ctx, workspaceId, postId, locale);
  const warning =
    adjusted === "gap" ? text(locale, "gap", { local }) : adjusted === "overlap" ? text(locale, "overlap") : null;
  return { post: view, adjusted, warning };
}

/** Takes a scheduled post off the calendar: back to draft or approved (what it was), targets pending. */
export async function unschedule(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, locale: Locale) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await loadPost(ctx, workspaceId, postId);
  if (post.status !== "scheduled") throw new AppError("post_not_scheduled");
  const targets = await repo.targetStatuses(ctx.db, workspaceId, postId);
  if (targets.some((t) => t.status !== "scheduled" && t.status !== "cancelled"))
    throw new AppError("post_not_scheduled");
  const back = await repo.statusBeforeScheduling(ctx.db, workspaceId, postId);
  await ctx.db.transaction().execute(async (trx) => {
    const prev = await repo.transition(trx, workspaceId, postId, ["scheduled"], back, {}, user.id);
    if (!prev) throw new AppError("post_not_scheduled");
    // Guarded on 'scheduled': a target the scheduler claimed meanwhile is left alone (and refused below).
    const rows = await repo.setTargetsStatus(trx, workspaceId, postId, ["scheduled"], "pending", null);
    if (rows.length !== targets.filter((t) => t.status === "scheduled").length)
      throw new AppError("post_not_scheduled");
    await recordPostEvent(trx, {
      workspaceId,
      postId,
      actorUserId: user.id,
      actorLabel: user.name,
      fromStatus: "scheduled",
      toStatus: back,
      detail: { action: "unscheduled" },
    });
    for (const r of rows) {
      await recordPostEvent(trx, {
        workspaceId,
        postId,
        targetId: r.id,
        actorUserId: user.id,
        actorLabel: user.name,
        fromStatus: "scheduled",
        toStatus: "pending",
      });
    }
    await auditPost(trx, workspaceId, user.id, "post.unscheduled", postId, {});
  });
  return viewPost(ctx, workspaceId, postId, locale);
}

export async function listComments(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  await loadPost(ctx, workspaceId, postId);
  return (await repo.listComments(ctx.db, workspaceId, postId)).map(presentComment);
}

/** Internal notes and reviewer comments (reviewer+). */
export async function addComment(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, body: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.comment");
  await loadPost(ctx, workspaceId, postId);
  const row = await repo.insertComment(ctx.db, workspaceId, postId, {
    authorUserId: user.id,
    authorName: user.name,
    body,
    kind: "comment",
  });
  return presentComment(row);
}

export function presentComment(c: {
  id: string;
  author_name: string;
  author_user_id: string | null;
  body: string;
  kind: "comment" | "approval" | "changes_requested";
  created_at: Date;
}) {
  return {
    id: c.id,
    authorName: c.author_name,
    authorUserId: c.author_user_id,
    body: c.body,
    kind: c.kind,
    createdAt: c.created_at.toISOString(),
  };
}

export async function listEvents(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  await loadPost(ctx, workspaceId, postId);
  return (await listPostEvents(ctx.db, workspaceId, postId)).map((e) => ({
    id: e.id,
    targetId: e.target_id,
    actorUserId: e.actor_user_id,
    actorLabel: e.actor_label,
    fromStatus: e.from_status,
    toStatus: e.to_status,
    detail: e.detail,
    createdAt: e.created_at.toISOString(),
  }));
}
