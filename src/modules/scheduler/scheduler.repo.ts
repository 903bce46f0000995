import { type Kysely, sql, type Updateable } from "kysely";
import type { DB, PostStatus, PostTargetsTable, TargetStatus } from "../../db/schema.js";
import type { PostEvent } from "../publishing/post-events.repo.js";
import { DELIVERY_STATUSES, deliveryStatus } from "../publishing/post-status.js";

/** The scheduler's own label in the event trail. */
export const SCHEDULER_ACTOR = "Relais";

/** A target as the publisher needs it: the claim returns this, with its post's content and author. */
export interface ClaimedTarget {
  id: string;
  workspace_id: string;
  post_id: string;
  account_id: string;
  body: string | null;
  media_ids: string[] | null;
  options: Record<string, unknown>;
  idempotency_key: string;
  attempts: number;
  next_attempt_at: Date;
  post_body: string;
  link_url: string | null;
  post_media_ids: string[];
  post_options: Record<string, unknown>;
  scheduled_at: Date | null;
  created_by: string | null;
  account_name: string;
  network: string;
}

/** Locks the posts (in id order, so concurrent transactions never deadlock) before their targets change. */
export async function lockPosts(trx: Kysely<DB>, postIds: string[]): Promise<void> {
  if (!postIds.length) return;
  await trx
    .selectFrom("posts")
    .select("id")
    .where("id", "in", [...new Set(postIds)].sort())
    .orderBy("id")
    .forUpdate()
    .execute();
}

/** Post ids of the given targets (no lock), so the claim can lock posts first. */
export async function postIdsOfTargets(db: Kysely<DB>, targetIds: string[]): Promise<string[]> {
  if (!targetIds.length) return [];
  const rows = await db.selectFrom("post_targets").select("post_id").where("id", "in", targetIds).execute();
  return rows.map((r) => r.post_id);
}

/**
 * The claim: one guarded UPDATE takes every given target that is still `scheduled`, due (1 s early is
 * fine), not past its grace period (the sweeper marks those missed; a grace of 0 still allows the minute
 * the sweeper waits before it calls a target overdue, or every job would arrive "too late"), in a workspace not crisis-paused,
 * on an active account. A target another worker claimed first is no longer `scheduled`: PostgreSQL
 * re-checks the condition on the row it waited for, so exactly one claim wins.
 */
export async function claimTargets(trx: Kysely<DB>, targetIds: string[], leaseSeconds: number) {
  if (!targetIds.length) return [];
  const { rows } = await sql<ClaimedTarget>`
    update post_targets t
       set status = 'publishing', attempts = t.attempts + 1, updated_at = now(),
           lease_expires_at = now() + make_interval(secs => ${leaseSeconds}::int)
      from workspaces w, social_accounts a, posts p
     where t.id in (${sql.join(targetIds)})
       and t.status = 'scheduled'
       and t.next_attempt_at <= now() + interval '1 second'
       and t.next_attempt_at >= now() - greatest(make_interval(mins => w.missed_grace_minutes), interval '1 minute')
       and w.id = t.workspace_id and w.crisis_paused_at is null
       and a.id = t.account_id and a.workspace_id = t.workspace_id and a.status = 'active'
       and p.id = t.post_id and p.workspace_id = t.workspace_id
    returning t.id, t.workspace_id, t.post_id, t.account_id, t.body, t.media_ids, t.options, t.idempotency_key,
              t.attempts, t.next_attempt_at, p.body as post_body, p.link_url, p.media_ids as post_media_ids,
              p.options as post_options, p.scheduled_at, p.created_by, a.display_name as account_name, a.network`.execute(
    trx,
  );
  return rows;
}

/**
 * Moves one target from one of `from` to new values, if it is still in such a state (and, with
 * `attempts`, still the same attempt: a late result of an attempt the reconciler or the user has already
 * dealt with changes nothing). Returns the status it left, or undefined when the guard refused.
 */
export async function transitionTarget(
  trx: Kysely<DB>,
  where: { workspaceId: string; targetId: string; from: readonly TargetStatus[]; attempts?: number },
  set: Updateable<PostTargetsTable> & { status: TargetStatus },
): Promise<{ fromStatus: TargetStatus; postId: string } | undefined> {
  const row = await trx
    .with("old", (qb) => {
      let q = qb
        .selectFrom("post_targets")
        .select(["id", "status"])
        .where("id", "=", where.targetId)
        .where("workspace_id", "=", where.workspaceId)
        .where("status", "in", [...where.from]);
      if (where.attempts !== undefined) q = q.where("attempts", "=", where.attempts);
      return q.forUpdate();
    })
    .updateTable("post_targets")
    .from("old")
    .set({ ...set, updated_at: new Date() })
    .whereRef("post_targets.id", "=", "old.id")
    .returning(["old.status as from_status", "post_targets.post_id"])
    .executeTakeFirst();
  return row ? { fromStatus: row.from_status as TargetStatus, postId: row.post_id } : undefined;
}

/** Inserts many events at once (same rows as recordPostEvent). */
export async function insertPostEvents(db: Kysely<DB>, events: PostEvent[]): Promise<void> {
  if (!events.length) return;
  await db
    .insertInto("post_events")
    .values(
      events.map((e) => ({
        workspace_id: e.workspaceId,
        post_id: e.postId,
        target_id: e.targetId ?? null,
        actor_user_id: e.actorUserId ?? null,
        actor_label: e.actorLabel,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        detail: JSON.stringify(e.detail ?? {}),
      })),
    )
    .execute();
}

/**
 * Recomputes the delivery status of posts from their targets (deliveryStatus) and records each change.
 * Posts still in the review workflow (draft, in review…) are left alone.
 */
export async function refreshPostStatuses(
  trx: Kysely<DB>,
  workspaceId: string,
  postIds: string[],
  actor: { userId?: string | null; label: string },
): Promise<Map<string, PostStatus>> {
  const changed = new Map<string, PostStatus>();
  const ids = [...new Set(postIds)];
  if (!ids.length) return changed;
  const posts = await trx
    .selectFrom("posts")
    .select(["id", "status"])
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .execute();
  const targets = await trx
    .selectFrom("post_targets")
    .select(["post_id", "status"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "in", ids)
    .execute();
  const events: PostEvent[] = [];
  for (const post of posts) {
    if (!DELIVERY_STATUSES.includes(post.status)) continue;
    const next = deliveryStatus(targets.filter((t) => t.post_id === post.id).map((t) => t.status));
    if (next === post.status || next === "cancelled") continue;
    await trx.updateTable("posts").set({ status: next, updated_at: new Date() }).where("id", "=", post.id).execute();
    changed.set(post.id, next);
    events.push({
      workspaceId,
      postId: post.id,
      actorUserId: actor.userId ?? null,
      actorLabel: actor.label,
      fromStatus: post.status,
      toStatus: next,
    });
  }
  await insertPostEvents(trx, events);
  return changed;
}

/** Targets `scheduled` and overdue by more than `lateSeconds`, in workspaces not paused (sweeper). */
export async function overdueTargets(db: Kysely<DB>, lateSeconds: number, workspaceId?: string, limit = 1000) {
  let q = db
    .selectFrom("post_targets as t")
    .innerJoin("workspaces as w", "w.id", "t.workspace_id")
    .innerJoin("social_accounts as a", "a.id", "t.account_id")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .select([
      "t.id",
      "t.workspace_id",
      "t.post_id",
      "t.next_attempt_at",
      "a.status as account_status",
      "a.display_name as account_name",
      "a.network",
      "p.body as post_body",
      "p.created_by",
      sql<boolean>`t.next_attempt_at < now() - make_interval(mins => w.missed_grace_minutes)`.as("past_grace"),
    ])
    .where("t.status", "=", "scheduled")
    .where(sql<boolean>`t.next_attempt_at < now() - make_interval(secs => ${lateSeconds}::int)`)
    .where("w.crisis_paused_at", "is", null)
    .orderBy("t.next_attempt_at")
    .limit(limit);
  if (workspaceId) q = q.where("t.workspace_id", "=", workspaceId);
  return q.execute();
}

/** Targets left `publishing` whose lease has run out (their worker died or hung), as of `now`. */
export async function expiredLeases(db: Kysely<DB>, now: Date, limit = 500) {
  return db
    .selectFrom("post_targets as t")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .innerJoin("social_accounts as a", "a.id", "t.account_id")
    .select([
      "t.id",
      "t.workspace_id",
      "t.post_id",
      "t.account_id",
      "t.attempts",
      "t.lease_expires_at",
      "a.display_name as account_name",
      "a.network",
      "p.body as post_body",
      "p.created_by",
    ])
    .where("t.status", "=", "publishing")
    .where("t.lease_expires_at", "<", now)
    .orderBy("t.lease_expires_at")
    .limit(limit)
    .execute();
}

/** One target with what the publisher needs to rebuild its request (reconciler lookups). */
export async function findTargetForPublishing(db: Kysely<DB>, workspaceId: string, targetId: string) {
  const { rows } = await sql<ClaimedTarget>`
    select t.id, t.workspace_id, t.post_id, t.account_id, t.body, t.media_ids, t.options, t.idempotency_key,
           t.attempts, t.next_attempt_at, p.body as post_body, p.link_url, p.media_ids as post_media_ids,
           p.options as post_options, p.scheduled_at, p.created_by, a.display_name as account_name, a.network
      from post_targets t join posts p on p.id = t.post_id join social_accounts a on a.id = t.account_id
     where t.id = ${targetId} and t.workspace_id = ${workspaceId}`.execute(db);
  return rows[0];
}

/** A target of a post in a workspace (routes), with its account's name and status. */
export async function findTarget(db: Kysely<DB>, workspaceId: string, postId: string, targetId: string) {
  return db
    .selectFrom("post_targets as t")
    .innerJoin("social_accounts as a", "a.id", "t.account_id")
    .selectAll("t")
    .select(["a.status as account_status", "a.display_name as account_name"])
    .where("t.workspace_id", "=", workspaceId)
    .where("t.post_id", "=", postId)
    .where("t.id", "=", targetId)
    .executeTakeFirst();
}

/** Records that a published copy was deleted from its network (once: the first removal stays). */
export async function markRemoved(db: Kysely<DB>, workspaceId: string, targetId: string, userId: string) {
  await db
    .updateTable("post_targets")
    .set({ removed_at: new Date(), removed_by: userId, updated_at: new Date() })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", targetId)
    .where("removed_at", "is", null)
    .execute();
}

/** Counts of targets by status in a workspace, for the crisis switch's report. */
export async function countTargets(db: Kysely<DB>, workspaceId: string) {
  const rows = await db
    .selectFrom("post_targets")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("workspace_id", "=", workspaceId)
    .where("status", "in", ["scheduled", "publishing"])
    .groupBy("status")
    .execute();
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { scheduled: by.scheduled ?? 0, publishing: by.publishing ?? 0 };
}
