import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.js";

/** Metric snapshots: rows are only inserted, never updated. Reads always take the workspace id. */

export interface PostCandidate {
  id: string;
  workspace_id: string;
  account_id: string;
  external_id: string;
  published_at: Date;
  last_taken_at: Date | null;
}

/**
 * Published targets younger than `maxAgeMs` on active accounts of these networks (not waiting after a rate
 * limit), with the time of their latest snapshot. The schedule itself is applied by the caller.
 */
export async function postCandidates(
  db: Kysely<DB>,
  networks: string[],
  now: Date,
  maxAgeMs: number,
  scope: { workspaceId?: string; accountId?: string } = {},
): Promise<PostCandidate[]> {
  if (!networks.length) return [];
  let q = db
    .selectFrom("post_targets as t")
    .innerJoin("social_accounts as a", "a.id", "t.account_id")
    .select([
      "t.id",
      "t.workspace_id",
      "t.account_id",
      "t.external_id",
      "t.published_at",
      (eb) =>
        eb
          .selectFrom("post_metric_snapshots as s")
          .select(sql<Date>`max(s.taken_at)`.as("m"))
          .whereRef("s.post_target_id", "=", "t.id")
          .as("last_taken_at"),
    ])
    .where("t.status", "=", "published")
    .where("t.external_id", "is not", null)
    .where("t.removed_at", "is", null) // taken down from the network: nothing left to count
    .where("t.published_at", ">", new Date(now.getTime() - maxAgeMs))
    .where("a.status", "=", "active")
    .where("a.network", "in", networks)
    .where((eb) => eb.or([eb("a.sync_not_before", "is", null), eb("a.sync_not_before", "<=", now)]));
  if (scope.workspaceId) q = q.where("t.workspace_id", "=", scope.workspaceId);
  if (scope.accountId) q = q.where("t.account_id", "=", scope.accountId);
  const rows = await q.orderBy("t.account_id").orderBy("t.published_at", "desc").execute();
  return rows as PostCandidate[];
}

export async function accountCandidates(
  db: Kysely<DB>,
  networks: string[],
  now: Date,
  scope: { workspaceId?: string; accountId?: string } = {},
): Promise<{ id: string; workspace_id: string; last_taken_at: Date | null }[]> {
  if (!networks.length) return [];
  let q = db
    .selectFrom("social_accounts as a")
    .select([
      "a.id",
      "a.workspace_id",
      (eb) =>
        eb
          .selectFrom("account_metric_snapshots as s")
          .select(sql<Date>`max(s.taken_at)`.as("m"))
          .whereRef("s.account_id", "=", "a.id")
          .as("last_taken_at"),
    ])
    .where("a.status", "=", "active")
    .where("a.network", "in", networks)
    .where((eb) => eb.or([eb("a.sync_not_before", "is", null), eb("a.sync_not_before", "<=", now)]));
  if (scope.workspaceId) q = q.where("a.workspace_id", "=", scope.workspaceId);
  if (scope.accountId) q = q.where("a.id", "=", scope.accountId);
  return (await q.execute()) as { id: string; workspace_id: string; last_taken_at: Date | null }[];
}

export interface NewPostSnapshot {
  workspace_id: string;
  post_target_id: string;
  taken_at: Date;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
}

/**
 * Stores snapshots and, in the same statement, each target's latest one on its row (post_targets.latest_metrics,
 * what the calendar shows) — unless the row already holds a later one.
 */
export async function insertPostSnapshots(db: Kysely<DB>, rows: NewPostSnapshot[]): Promise<number> {
  if (!rows.length) return 0;
  await db
    .with("ins", (w) =>
      w
        .insertInto("post_metric_snapshots")
        .values(rows)
        .returning(["post_target_id", "taken_at", "likes", "reposts", "replies", "quotes"]),
    )
    .with("latest", (w) =>
      w
        .selectFrom("ins")
        .distinctOn("post_target_id")
        .selectAll()
        .orderBy("post_target_id")
        .orderBy("taken_at", "desc"),
    )
    .updateTable("post_targets as t")
    .from("latest as l")
    .set({
      latest_metrics: sql`json_build_object('takenAt', l.taken_at, 'likes', l.likes, 'reposts', l.reposts,
        'replies', l.replies, 'quotes', l.quotes)`,
    })
    .whereRef("t.id", "=", "l.post_target_id")
    .where((eb) =>
      eb.or([
        eb("t.latest_metrics", "is", null),
        eb(sql`(t.latest_metrics ->> 'takenAt')::timestamptz`, "<=", eb.ref("l.taken_at")),
      ]),
    )
    .execute();
  return rows.length;
}

export async function insertAccountSnapshot(
  db: Kysely<DB>,
  row: {
    workspace_id: string;
    account_id: string;
    taken_at: Date;
    followers: number | null;
    following: number | null;
    posts: number | null;
  },
): Promise<void> {
  await db.insertInto("account_metric_snapshots").values(row).execute();
}

export function postSeries(db: Kysely<DB>, workspaceId: string, targetId: string, limit: number) {
  return db
    .selectFrom("post_metric_snapshots")
    .select(["taken_at", "likes", "reposts", "replies", "quotes", "impressions"])
    .where("workspace_id", "=", workspaceId)
    .where("post_target_id", "=", targetId)
    .orderBy("taken_at", "desc")
    .limit(limit)
    .execute();
}

export function accountSeries(db: Kysely<DB>, workspaceId: string, accountId: string, since: Date, limit: number) {
  return db
    .selectFrom("account_metric_snapshots")
    .select(["taken_at", "followers", "following", "posts"])
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", accountId)
    .where("taken_at", ">=", since)
    .orderBy("taken_at", "desc")
    .limit(limit)
    .execute();
}

export function latestAccountSnapshot(db: Kysely<DB>, workspaceId: string, accountId: string) {
  return db
    .selectFrom("account_metric_snapshots")
    .select(["taken_at", "followers", "following", "posts"])
    .where("workspace_id", "=", workspaceId)
    .where("account_id", "=", accountId)
    .orderBy("taken_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function findTarget(db: Kysely<DB>, workspaceId: string, postId: string, targetId: string) {
  return db
    .selectFrom("post_targets")
    .select(["id", "post_id", "account_id", "status", "external_id", "external_url", "published_at"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("id", "=", targetId)
    .executeTakeFirst();
}
