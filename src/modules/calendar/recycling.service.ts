import { sql } from "kysely";
import type { AppContext } from "../../context.js";
import { recordPostEvent } from "../publishing/post-events.repo.js";
import { instantToLocal } from "../scheduler/local-time.js";
import * as posts from "./calendar-posts.repo.js";
import { occurrencesBetween } from "./recurrence.js";
import { sendJobs } from "./reschedule.service.js";
import { firstFreeSlot, QUEUE_HORIZON_DAYS } from "./slots.js";
import * as slotsRepo from "./slots.repo.js";

/** Occurrences are created this far ahead of their time, so each is a real post a day before it is due. */
export const MATERIALISE_AHEAD_MS = 26 * 3_600_000;
const DAY = 86_400_000;
const ACTOR = "Relais";

/** Series still producing occurrences: scheduled (or delivered at least once), never drafts or cancelled. */
const SERIES_STATUSES = ["scheduled", "publishing", "published", "partially_published", "failed", "missed"] as const;

/**
 * Creates, as child posts (`recurrence_parent_id`), the occurrences of every recurring series due within
 * the next 26 hours that do not exist yet. Each child has its own targets, hence its own idempotency keys,
 * and goes through the normal publish job. Safe to run concurrently and repeatedly: per series, an
 * advisory lock and an "already there?" check. Returns how many occurrences were created.
 */
export async function materialiseOccurrences(ctx: AppContext, now = new Date()): Promise<number> {
  const series = await ctx.db
    .selectFrom("posts")
    .innerJoin("workspaces", "workspaces.id", "posts.workspace_id")
    .select(["posts.id", "posts.workspace_id", "posts.recurrence", "posts.scheduled_at", "workspaces.timezone"])
    .where("posts.recurrence", "is not", null)
    .where("posts.scheduled_at", "is not", null)
    .where("posts.status", "in", SERIES_STATUSES)
    .execute();
  let created = 0;
  const until = new Date(now.getTime() + MATERIALISE_AHEAD_MS);
  for (const s of series) {
    const start = s.scheduled_at as Date;
    const occurrences = occurrencesBetween(
      s.recurrence as string,
      instantToLocal(start, s.timezone),
      s.timezone,
      now,
      until,
    ).filter((o) => o.instant > start);
    for (const occ of occurrences) {
      const made = await ctx.db.transaction().execute(async (trx) => {
        await posts.lockSeries(trx, s.id);
        if (await posts.childAt(trx, s.workspace_id, s.id, occ.instant)) return null;
        const time = { at: occ.instant, local: occ.local, tz: s.timezone };
        const child = await posts.insertChild(trx, s.workspace_id, s.id, time, "scheduled");
        await recordPostEvent(trx, {
          workspaceId: s.workspace_id,
          postId: child.postId,
          actorLabel: ACTOR,
          fromStatus: null,
          toStatus: "scheduled",
          detail: { reason: "occurrence", seriesId: s.id, at: occ.instant.toISOString() },
        });
        return child;
      });
      if (made) {
        created++;
        await sendJobs(ctx, made.targetIds, occ.instant);
      }
    }
  }
  return created;
}

/**
 * Evergreen recycling: each published evergreen post (not itself a copy) with no copy waiting is copied
 * into the first free slot of its accounts that is at least `evergreen_min_gap_days` after its last
 * publication (the original's or a previous copy's). Returns how many copies were scheduled.
 */
export async function recycleEvergreen(ctx: AppContext, now = new Date()): Promise<number> {
  const { rows } = await sql<{
    id: string;
    workspace_id: string;
    timezone: string;
    gap: number;
    last_published: Date | null;
  }>`
    select p.id, p.workspace_id, w.timezone, coalesce(p.evergreen_min_gap_days, 30) as gap,
           (select max(t.published_at) from post_targets t join posts q on q.id = t.post_id
             where t.workspace_id = p.workspace_id and (q.id = p.id or q.recurrence_parent_id = p.id)) as last_published
      from posts p join workspaces w on w.id = p.workspace_id
     where p.evergreen and p.recurrence_parent_id is null
       and p.status in ('published', 'partially_published')
       and not exists (select 1 from posts c where c.workspace_id = p.workspace_id and c.recurrence_parent_id = p.id
                          and c.status in ('draft','in_review','changes_requested','approved','scheduled','publishing','unconfirmed'))`.execute(
    ctx.db,
  );
  let recycled = 0;
  for (const p of rows) {
    if (!p.last_published) continue;
    const earliest = new Date(Math.max(now.getTime(), new Date(p.last_published).getTime() + p.gap * DAY));
    if (earliest.getTime() - now.getTime() > QUEUE_HORIZON_DAYS * DAY) continue; // not yet: a later run will
    const made = await ctx.db.transaction().execute(async (trx) => {
      await posts.lockSeries(trx, p.id);
      const pending = await trx
        .selectFrom("posts")
        .select("id")
        .where("workspace_id", "=", p.workspace_id)
        .where("recurrence_parent_id", "=", p.id)
        .where("status", "in", ["draft", "in_review", "changes_requested", "approved", "scheduled", "publishing"])
        .executeTakeFirst();
      if (pending) return null;
      const targets = await trx
        .selectFrom("post_targets")
        .select("account_id")
        .where("workspace_id", "=", p.workspace_id)
        .where("post_id", "=", p.id)
        .where("status", "<>", "cancelled")
        .execute();
      const accounts = targets.map((t) => t.account_id);
      const slots = await slotsRepo.listSlots(trx, p.workspace_id, accounts);
      const horizon = new Date(earliest.getTime() + (QUEUE_HORIZON_DAYS + 2) * DAY);
      const taken = await slotsRepo.takenInstants(trx, p.workspace_id, accounts, earliest, horizon, null);
      const free = firstFreeSlot(
        slots.map((s) => ({ weekday: s.weekday, time: s.local_time })),
        p.timezone,
        earliest,
        taken,
      );
      if (!free) return null;
      const child = await posts.insertChild(
        trx,
        p.workspace_id,
        p.id,
        { at: free.instant, local: free.local, tz: p.timezone },
        "scheduled",
      );
      await recordPostEvent(trx, {
        workspaceId: p.workspace_id,
        postId: child.postId,
        actorLabel: ACTOR,
        fromStatus: null,
        toStatus: "scheduled",
        detail: { reason: "evergreen", sourceId: p.id, at: free.instant.toISOString() },
      });
      return { ...child, at: free.instant };
    });
    if (made) {
      recycled++;
      await sendJobs(ctx, made.targetIds, made.at);
    }
  }
  return recycled;
}
