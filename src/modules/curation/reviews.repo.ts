import { type Kysely, type Selectable, sql } from "kysely";
import type { DB, PressReviewItem, PressReviewSchedulesTable, PressReviewsTable } from "../../db/schema.js";

export type ReviewRow = Selectable<PressReviewsTable> & { topic_name: string | null };
export type ScheduleRow = Selectable<PressReviewSchedulesTable>;

function reviewsQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("press_reviews as r")
    .leftJoin("curation_topics as t", "t.id", "r.topic_id")
    .selectAll("r")
    .select("t.name as topic_name")
    .where("r.workspace_id", "=", workspaceId);
}

export async function listReviews(db: Kysely<DB>, workspaceId: string, limit = 100): Promise<ReviewRow[]> {
  return reviewsQuery(db, workspaceId).orderBy("r.created_at", "desc").orderBy("r.id").limit(limit).execute();
}

export async function findReview(db: Kysely<DB>, workspaceId: string, reviewId: string) {
  return reviewsQuery(db, workspaceId).where("r.id", "=", reviewId).executeTakeFirst();
}

export async function findPublishedReview(db: Kysely<DB>, token: string) {
  return db
    .selectFrom("press_reviews as r")
    .innerJoin("workspaces as w", "w.id", "r.workspace_id")
    .selectAll("r")
    .select(["w.locale", "w.timezone", "w.name as workspace_name"])
    .where("r.public_token", "=", token)
    .executeTakeFirst();
}

export interface NewReview {
  workspace_id: string;
  topic_id: string;
  schedule_id: string | null;
  title: string;
  intro: string;
  period_start: Date;
  period_end: Date;
  items: PressReviewItem[];
  created_by: string | null;
}

/** Inserts a review; for a scheduled one, null when that schedule already has its review for the period. */
export async function insertReview(db: Kysely<DB>, r: NewReview): Promise<string | null> {
  const row = await db
    .insertInto("press_reviews")
    .values({ ...r, items: JSON.stringify(r.items) })
    .onConflict((oc) => oc.columns(["schedule_id", "period_start"]).where("schedule_id", "is not", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function updateReview(
  db: Kysely<DB>,
  workspaceId: string,
  reviewId: string,
  fields: Partial<{ title: string; intro: string; items: PressReviewItem[]; public_token: string | null }> & {
    published_at?: Date | null;
  },
): Promise<boolean> {
  const { items, ...rest } = fields;
  const r = await db
    .updateTable("press_reviews")
    .set({ ...rest, ...(items ? { items: JSON.stringify(items) } : {}), updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Edits only while the review is not sent: one conditional UPDATE, so a send in between wins. */
export async function updateDraft(
  db: Kysely<DB>,
  workspaceId: string,
  reviewId: string,
  fields: Partial<{ title: string; intro: string; items: PressReviewItem[] }>,
): Promise<boolean> {
  const { items, ...rest } = fields;
  const r = await db
    .updateTable("press_reviews")
    .set({ ...rest, ...(items ? { items: JSON.stringify(items) } : {}), updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .where("status", "in", ["draft", "failed"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteReview(db: Kysely<DB>, workspaceId: string, reviewId: string) {
  const r = await db
    .deleteFrom("press_reviews")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The send's state guard: draft/failed → sending in one conditional UPDATE. Only the caller that flips it
 * sends; a double click, a retried job or a second worker finds nothing to claim.
 */
export async function claimForSending(db: Kysely<DB>, workspaceId: string, reviewId: string): Promise<boolean> {
  const r = await db
    .updateTable("press_reviews")
    .set({ status: "sending", send_error: null, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .where("status", "in", ["draft", "failed"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function finishSending(
  db: Kysely<DB>,
  workspaceId: string,
  reviewId: string,
  outcome: { ok: true; recipients: string[]; userId: string | null } | { ok: false; error: string },
) {
  await db
    .updateTable("press_reviews")
    .set(
      outcome.ok
        ? {
            status: "sent",
            sent_at: sql`now()`,
            sent_by: outcome.userId,
            recipients: JSON.stringify(outcome.recipients),
            send_error: null,
            updated_at: sql`now()`,
          }
        : { status: "failed", send_error: outcome.error.slice(0, 500), updated_at: sql`now()` },
    )
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .where("status", "=", "sending")
    .execute();
}

// ---- schedules ----

export async function findSchedule(db: Kysely<DB>, workspaceId: string, topicId: string) {
  return db
    .selectFrom("press_review_schedules")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .executeTakeFirst();
}

export interface ScheduleFields {
  weekday: number;
  local_time: string;
  recipients: string[];
  title: string;
  intro: string;
  enabled: boolean;
  next_run_at: Date;
}

export async function upsertSchedule(
  db: Kysely<DB>,
  workspaceId: string,
  topicId: string,
  userId: string,
  f: ScheduleFields,
): Promise<void> {
  const values = { ...f, recipients: JSON.stringify(f.recipients) };
  await db
    .insertInto("press_review_schedules")
    .values({ ...values, workspace_id: workspaceId, topic_id: topicId, created_by: userId })
    .onConflict((oc) => oc.column("topic_id").doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

export async function deleteSchedule(db: Kysely<DB>, workspaceId: string, topicId: string) {
  const r = await db
    .deleteFrom("press_review_schedules")
    .where("workspace_id", "=", workspaceId)
    .where("topic_id", "=", topicId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Due schedules, locked for this transaction (other workers skip them). */
export async function lockDueSchedules(trx: Kysely<DB>, now: Date, limit: number) {
  return trx
    .selectFrom("press_review_schedules as s")
    .innerJoin("workspaces as w", "w.id", "s.workspace_id")
    .selectAll("s")
    .select(["w.timezone", "w.locale"])
    .where("s.enabled", "=", true)
    .where("s.next_run_at", "<=", now)
    .orderBy("s.next_run_at")
    .limit(limit)
    .forUpdate("s")
    .skipLocked()
    .execute();
}

export async function advanceSchedule(trx: Kysely<DB>, scheduleId: string, ranAt: Date, next: Date) {
  await trx
    .updateTable("press_review_schedules")
    .set({ last_run_at: ranAt, next_run_at: next })
    .where("id", "=", scheduleId)
    .execute();
}

/** Scheduled reviews created but never sent (a crash between creating and sending): sent by the next tick. */
export async function unsentScheduledReviews(db: Kysely<DB>, limit: number) {
  return db
    .selectFrom("press_reviews as r")
    .innerJoin("press_review_schedules as s", "s.id", "r.schedule_id")
    .select(["r.id", "r.workspace_id", "s.recipients"])
    .where("r.status", "=", "draft")
    .orderBy("r.created_at")
    .limit(limit)
    .execute();
}

/** Name, language and zone of a workspace: what the review's words and dates follow. */
export async function workspaceInfo(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom("workspaces")
    .select(["name", "locale", "timezone"])
    .where("id", "=", workspaceId)
    .executeTakeFirstOrThrow();
}

/** A scheduled review that could not be sent (empty week, no SMTP): kept as failed with the reason's code. */
export async function markScheduledFailed(db: Kysely<DB>, workspaceId: string, reviewId: string, code: string) {
  await db
    .updateTable("press_reviews")
    .set({ status: "failed", send_error: code, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", reviewId)
    .where("status", "=", "draft")
    .execute();
}
