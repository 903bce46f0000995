import type { AppContext } from "../../context.js";
import { notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import * as curation from "./curation.repo.js";
import * as repo from "./reviews.repo.js";
import { send } from "./reviews.service.js";
import { nextWeekly, weekBefore } from "./weekly.js";

/**
 * The weekly press review: one schedule per topic (weekday + time in the workspace's zone). A tick job
 * every minute takes due schedules (FOR UPDATE SKIP LOCKED), creates the review of the seven days before
 * the send time — the unique (schedule, period start) index makes that happen once per period whatever
 * the retries — moves the schedule to its next week, then sends through the same guarded path as a
 * manual send. A review created but not sent (crash in between) is picked up by the next tick; one whose
 * sending was cut mid-way stays "sending" and is never re-sent (at most once, the history shows it).
 */

async function presentSchedule(ctx: AppContext, workspaceId: string, s: repo.ScheduleRow) {
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  return {
    topicId: s.topic_id,
    weekday: s.weekday,
    time: s.local_time,
    timezone: ws.timezone,
    recipients: s.recipients,
    title: s.title,
    intro: s.intro,
    enabled: s.enabled,
    nextRunAt: s.next_run_at.toISOString(),
    lastRunAt: s.last_run_at?.toISOString() ?? null,
  };
}

async function topicOr404(ctx: AppContext, workspaceId: string, topicId: string) {
  const t = await curation.findTopic(ctx.db, workspaceId, topicId);
  if (!t) throw notFound("topic");
  return t;
}

export async function getSchedule(ctx: AppContext, user: AuthUser, workspaceId: string, topicId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  await topicOr404(ctx, workspaceId, topicId);
  const s = await repo.findSchedule(ctx.db, workspaceId, topicId);
  if (!s) throw notFound("review");
  return presentSchedule(ctx, workspaceId, s);
}

export async function putSchedule(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  input: { weekday: number; time: string; recipients: string[]; title: string; intro: string; enabled: boolean },
  now = new Date(),
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await topicOr404(ctx, workspaceId, topicId);
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  await repo.upsertSchedule(ctx.db, workspaceId, topicId, user.id, {
    weekday: input.weekday,
    local_time: input.time,
    recipients: [...new Set(input.recipients.map((r) => r.trim().toLowerCase()))],
    title: input.title,
    intro: input.intro,
    enabled: input.enabled,
    next_run_at: nextWeekly(input.weekday, input.time, ws.timezone, now),
  });
  return presentSchedule(ctx, workspaceId, (await repo.findSchedule(ctx.db, workspaceId, topicId)) as repo.ScheduleRow);
}

export async function deleteSchedule(ctx: AppContext, user: AuthUser, workspaceId: string, topicId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await topicOr404(ctx, workspaceId, topicId);
  if (!(await repo.deleteSchedule(ctx.db, workspaceId, topicId))) throw notFound("review");
}

/** One tick: create the due weekly reviews, then send every scheduled review still in draft. */
export async function runDueSchedules(ctx: AppContext, now = new Date()): Promise<{ created: number; sent: number }> {
  let created = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const s of await repo.lockDueSchedules(trx, now, 50)) {
      const { start, end } = weekBefore(s.next_run_at, s.timezone);
      const id = await repo.insertReview(trx, {
        workspace_id: s.workspace_id,
        topic_id: s.topic_id,
        schedule_id: s.id,
        title: s.title,
        intro: s.intro,
        period_start: start,
        period_end: end,
        items: (await curation.listEntries(trx, s.workspace_id, s.topic_id, { from: start, to: end, limit: 200 })).map(
          (e) => ({
            entryId: e.id,
            url: e.url,
            title: e.title,
            description: e.description,
            imageUrl: e.image_url,
            source: e.source_name,
            comment: e.insight,
          }),
        ),
        created_by: s.created_by,
      });
      if (id) created++;
      // Weeks missed while the server was down are not sent late in a burst: the next run is after now.
      const after = now > s.next_run_at ? now : s.next_run_at;
      await repo.advanceSchedule(trx, s.id, now, nextWeekly(s.weekday, s.local_time, s.timezone, after));
    }
  });
  let sent = 0;
  for (const r of await repo.unsentScheduledReviews(ctx.db, 50)) {
    try {
      const view = await send(ctx, null, r.workspace_id, r.id, { recipients: r.recipients, test: false });
      if (view.status === "sent") sent++;
    } catch (err) {
      // Empty week, mail not configured, or claimed by another worker: recorded on the review, not retried.
      const code = (err as { code?: string }).code ?? "internal";
      await repo.markScheduledFailed(ctx.db, r.workspace_id, r.id, code);
    }
  }
  return { created, sent };
}
