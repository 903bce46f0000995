import { sql } from "kysely";
import type { AppContext } from "../../context.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { recordPostEvent } from "../publishing/post-events.repo.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { normaliseRule } from "./recurrence.js";

async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  fields: { recurrence?: string | null; evergreen?: boolean; evergreen_min_gap_days?: number | null },
  detail: Record<string, unknown>,
) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("posts")
      .set({ ...fields, version: sql`version + 1`, updated_at: sql`now()`, updated_by: user.id })
      .where("workspace_id", "=", workspaceId)
      .where("id", "=", postId)
      .where("status", "<>", "cancelled")
      .returning(["id", "status", "version", "recurrence", "evergreen", "evergreen_min_gap_days"])
      .executeTakeFirst();
    if (!row) throw notFound("post");
    await recordPostEvent(trx, {
      workspaceId,
      postId,
      actorUserId: user.id,
      actorLabel: user.name || user.email,
      fromStatus: row.status,
      toStatus: row.status,
      detail,
    });
    return {
      postId: row.id,
      version: row.version,
      recurrence: row.recurrence,
      evergreen: row.evergreen,
      evergreenMinGapDays: row.evergreen_min_gap_days,
    };
  });
}

/**
 * Makes a post the start of a recurring series (an RRULE such as "FREQ=WEEKLY;BYDAY=MO"), or clears it
 * (null). Occurrences repeat the post's own wall-clock time in the workspace zone; each one is created as
 * its own post a day ahead by the `calendar.materialise-occurrences` job. Clearing stops future
 * occurrences; those already created stay.
 */
export async function setRecurrence(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  rule: string | null,
) {
  await authorize(ctx, user, workspaceId, "posts.write");
  let normalised: string | null = null;
  if (rule !== null) {
    const r = normaliseRule(rule);
    if ("problem" in r) throw new AppError("recurrence_invalid", {}, { problem: r.problem });
    normalised = r.rule;
  }
  return update(ctx, user, workspaceId, postId, { recurrence: normalised }, { recurrence: normalised });
}

/**
 * Marks a post evergreen: once published it is re-queued into the next free slot of its accounts, no
 * sooner than `minGapDays` after its last publication (job `calendar.recycle-evergreen`).
 */
export async function setEvergreen(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  input: { enabled: boolean; minGapDays?: number },
) {
  await authorize(ctx, user, workspaceId, "posts.write");
  const gap = input.enabled ? (input.minGapDays ?? 30) : null;
  return update(
    ctx,
    user,
    workspaceId,
    postId,
    { evergreen: input.enabled, evergreen_min_gap_days: gap },
    { evergreen: input.enabled, minGapDays: gap },
  );
}
