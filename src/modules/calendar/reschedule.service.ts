import type { Kysely } from "kysely";
import type { AppContext } from "../../context.js";
import type { DB, Locale, PostStatus, TargetStatus } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { recordPostEvent } from "../publishing/post-events.repo.js";
import * as workflow from "../publishing/workflow.service.js";
import { instantToLocal, type LocalAdjustment, localToInstant } from "../scheduler/local-time.js";
import { enqueueTarget } from "../scheduler/scheduler.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { workspaceZone } from "./calendar.repo.js";
import * as posts from "./calendar-posts.repo.js";
import { firstFreeSlot, QUEUE_HORIZON_DAYS } from "./slots.js";
import * as slotsRepo from "./slots.repo.js";

/**
 * Statuses a post can be moved from: anything before delivery starts. A move keeps the status (a
 * scheduled post stays scheduled, an approved one approved): it changes when, not what, so the approval
 * given for the content still holds and no new review is asked.
 */
const MOVABLE: ReadonlySet<PostStatus> = new Set(["draft", "in_review", "changes_requested", "approved", "scheduled"]);
/** Targets in these statuses are, or may be, on the network already: their post cannot move. */
const DELIVERED: ReadonlySet<TargetStatus> = new Set(["publishing", "published", "unconfirmed"]);

export interface TimeChange {
  postId: string;
  version: number;
  previous: { scheduledAt: string | null; local: string | null };
  current: { scheduledAt: string; local: string };
  adjusted: LocalAdjustment;
}

function actorLabel(user: AuthUser): string {
  return user.name || user.email;
}

/**
 * Puts a post at a new time inside a transaction, under the version guard. A scheduled post's targets
 * follow (new `next_attempt_at`); their jobs are sent by the caller after commit. When `schedule` is
 * true a draft/approved post becomes scheduled (the queue, when the workspace's approval rule allows it).
 */
async function applyTime(
  trx: Kysely<DB>,
  user: AuthUser,
  workspaceId: string,
  post: posts.LockedPost,
  time: { at: Date; local: string; tz: string },
  schedule: boolean,
  reason: "moved" | "queued",
): Promise<{ version: number; targetIds: string[] }> {
  const toStatus: PostStatus | undefined = schedule && post.status !== "scheduled" ? "scheduled" : undefined;
  const version = await posts.setPostTime(trx, workspaceId, post.id, post.version, time, user.id, toStatus);
  if (version === undefined) throw new AppError("post_stale", { version: post.version });
  const scheduled = post.status === "scheduled" || toStatus === "scheduled";
  const moved = scheduled
    ? await posts.scheduleTargets(
        trx,
        workspaceId,
        post.id,
        time.at,
        toStatus ? ["pending", "scheduled"] : ["scheduled"],
      )
    : [];
  const detail = {
    reason,
    from: post.scheduled_at?.toISOString() ?? null,
    fromLocal: post.scheduled_local,
    to: time.at.toISOString(),
    toLocal: time.local,
  };
  const label = actorLabel(user);
  await recordPostEvent(trx, {
    workspaceId,
    postId: post.id,
    actorUserId: user.id,
    actorLabel: label,
    fromStatus: post.status,
    toStatus: toStatus ?? post.status,
    detail,
  });
  for (const t of moved.filter((x) => x.status !== "scheduled")) {
    await recordPostEvent(trx, {
      workspaceId,
      postId: post.id,
      targetId: t.id,
      actorUserId: user.id,
      actorLabel: label,
      fromStatus: t.status,
      toStatus: "scheduled",
      detail,
    });
  }
  return { version, targetIds: moved.map((t) => t.id) };
}

/**
 * After the commit (the job may run at once and must find its target scheduled). A queue that cannot be
 * reached leaves the targets scheduled: the scheduler's sweeper sends their jobs (grace rule).
 */
export async function sendJobs(ctx: AppContext, targetIds: string[], at: Date): Promise<void> {
  for (const targetId of targetIds) {
    try {
      await enqueueTarget(ctx, { targetId, runAt: at });
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message, targetId }, "publish job not queued; the sweeper will");
    }
  }
}

function checkMovable(post: posts.LockedPost | undefined, version: number | null): posts.LockedPost {
  if (!post) throw notFound("post");
  if (version !== null && post.version !== version) {
    throw new AppError("post_stale", { version: post.version }, { currentVersion: post.version });
  }
  if (!MOVABLE.has(post.status) || post.targets.some((t) => DELIVERED.has(t.status))) {
    throw new AppError("post_not_movable", { status: post.status });
  }
  return post;
}

/**
 * Drag-and-drop: moves a post not yet published to `local` (wall clock of the workspace zone). Refuses a
 * time in the past and a stale version (409). Returns the previous time too: undo is another move.
 */
export async function move(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  input: { local: string; version: number },
): Promise<TimeChange> {
  await authorize(ctx, user, workspaceId, "posts.write");
  const tz = await workspaceZone(ctx.db, workspaceId);
  const { instant, adjusted } = localToInstant(input.local, tz);
  if (instant.getTime() <= Date.now()) throw new AppError("schedule_in_past", { local: input.local });
  const time = { at: instant, local: instantToLocal(instant, tz), tz };
  const { result, targetIds } = await ctx.db.transaction().execute(async (trx) => {
    const post = checkMovable(await posts.lockPost(trx, workspaceId, postId), input.version);
    const applied = await applyTime(trx, user, workspaceId, post, time, false, "moved");
    return { result: change(post, applied.version, time, adjusted), targetIds: applied.targetIds };
  });
  await sendJobs(ctx, targetIds, instant);
  return result;
}

function change(
  post: posts.LockedPost,
  version: number,
  time: { at: Date; local: string },
  adjusted: LocalAdjustment,
): TimeChange {
  return {
    postId: post.id,
    version,
    previous: { scheduledAt: post.scheduled_at?.toISOString() ?? null, local: post.scheduled_local },
    current: { scheduledAt: time.at.toISOString(), local: time.local },
    adjusted,
  };
}

/**
 * "Add to queue": the first slot after now, in the workspace zone, of any of the post's accounts, at
 * which none of the post's accounts has another live post (slots are wall-clock times: DST-safe). When
 * the workspace's approval rule allows it (approval not required, or the post approved/scheduled) the
 * post is scheduled there through the publishing workflow's `schedule` (content checks, events, audit,
 * jobs); otherwise it keeps its status with that planned time, and is scheduled once approved.
 */
export async function queue(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  locale: Locale,
): Promise<TimeChange & { status: PostStatus }> {
  await authorize(ctx, user, workspaceId, "posts.write");
  const ws = await ctx.db
    .selectFrom("workspaces")
    .select(["timezone", "approval_required"])
    .where("id", "=", workspaceId)
    .executeTakeFirstOrThrow();
  const tz = ws.timezone;
  const post = checkMovable(await posts.lockPost(ctx.db, workspaceId, postId), null);
  const accounts = [...new Set(post.targets.filter((t) => t.status !== "cancelled").map((t) => t.account_id))];
  if (!accounts.length) throw new AppError("post_no_targets");
  const slots = await slotsRepo.listSlots(ctx.db, workspaceId, accounts);
  const now = new Date();
  const horizon = new Date(now.getTime() + (QUEUE_HORIZON_DAYS + 2) * 86_400_000);
  const taken = await slotsRepo.takenInstants(ctx.db, workspaceId, accounts, now, horizon, post.id);
  const free = firstFreeSlot(
    slots.map((s) => ({ weekday: s.weekday, time: s.local_time })),
    tz,
    now,
    taken,
  );
  if (!free) throw new AppError("no_free_slot", { days: QUEUE_HORIZON_DAYS });
  const time = { at: free.instant, local: free.local, tz };
  const canSchedule =
    post.status === "scheduled" || post.status === "approved" || (!ws.approval_required && post.status === "draft");
  if (canSchedule) {
    const done = await workflow.schedule(ctx, user, workspaceId, postId, { at: free.instant.toISOString() }, locale);
    return { ...change(post, done.post.version, time, "none"), status: "scheduled" };
  }
  const version = await ctx.db.transaction().execute(async (trx) => {
    const locked = checkMovable(await posts.lockPost(trx, workspaceId, postId), post.version);
    return (await applyTime(trx, user, workspaceId, locked, time, false, "queued")).version;
  });
  return { ...change(post, version, time, "none"), status: post.status };
}
