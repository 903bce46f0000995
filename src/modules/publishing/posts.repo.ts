import { type Kysely, sql } from "kysely";
import type { DB, PostStatus, TargetStatus } from "../../db/schema.js";

/** Posts, their targets (per-account variants), tags and comments. Every function takes the workspace id. */

export type Db = Kysely<DB>;

const postColumns = [
  "posts.id",
  "posts.workspace_id",
  "posts.status",
  "posts.body",
  "posts.link_url",
  "posts.media_ids",
  "posts.options",
  "posts.scheduled_at",
  "posts.scheduled_local",
  "posts.scheduled_tz",
  "posts.campaign_id",
  "posts.version",
  "posts.recurrence",
  "posts.recurrence_parent_id",
  "posts.evergreen",
  "posts.evergreen_min_gap_days",
  "posts.last_published_at",
  "posts.created_by",
  "posts.created_at",
  "posts.updated_at",
  "campaigns.name as campaign_name",
  "campaigns.color as campaign_color",
  "users.name as created_by_name",
] as const;

function postQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom("posts")
    .leftJoin("campaigns", "campaigns.id", "posts.campaign_id")
    .leftJoin("users", "users.id", "posts.created_by")
    .select(postColumns)
    .where("posts.workspace_id", "=", workspaceId);
}

export type PostRow = Awaited<ReturnType<typeof findPost>> & {};

export function findPost(db: Db, workspaceId: string, id: string) {
  return postQuery(db, workspaceId).where("posts.id", "=", id).executeTakeFirst();
}

export interface PostFilter {
  status?: PostStatus;
  campaignId?: string;
  tagId?: string;
  accountId?: string;
  limit: number;
  offset: number;
}

/** A page of posts, newest scheduled first (unscheduled drafts by last change), and the total matching. */
export async function listPosts(db: Db, workspaceId: string, f: PostFilter) {
  let q = postQuery(db, workspaceId);
  if (f.status) q = q.where("posts.status", "=", f.status);
  if (f.campaignId) q = q.where("posts.campaign_id", "=", f.campaignId);
  if (f.tagId) {
    const tagId = f.tagId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("post_tags")
          .select("post_tags.post_id")
          .whereRef("post_tags.post_id", "=", "posts.id")
          .where("post_tags.tag_id", "=", tagId)
          .where("post_tags.workspace_id", "=", workspaceId),
      ),
    );
  }
  if (f.accountId) {
    const accountId = f.accountId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("post_targets")
          .select("post_targets.id")
          .whereRef("post_targets.post_id", "=", "posts.id")
          .where("post_targets.account_id", "=", accountId)
          .where("post_targets.workspace_id", "=", workspaceId),
      ),
    );
  }
  const { n } = await q.clearSelect().select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  const rows = await q
    .orderBy(sql`coalesce(posts.scheduled_at, posts.updated_at)`, "desc")
    .orderBy("posts.id")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { rows, total: n };
}

export interface PostFields {
  body: string;
  link_url: string | null;
  media_ids: string[];
  options: Record<string, unknown>;
  campaign_id: string | null;
  /** A planned time (drafts) or the scheduled one; set together. */
  scheduled_at?: Date | null;
  scheduled_local?: string | null;
  scheduled_tz?: string | null;
}

export async function insertPost(db: Db, workspaceId: string, f: PostFields, userId: string): Promise<string> {
  const { id } = await db
    .insertInto("posts")
    .values({
      workspace_id: workspaceId,
      ...f,
      media_ids: JSON.stringify(f.media_ids),
      options: JSON.stringify(f.options),
      created_by: userId,
      updated_by: userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Changes a post if it is still at `version` (optimistic concurrency) and bumps the version. False when
 * someone changed it meanwhile.
 */
export async function updatePost(
  db: Db,
  workspaceId: string,
  id: string,
  version: number,
  f: Partial<PostFields> & { status?: PostStatus },
  userId: string | null,
): Promise<boolean> {
  const { media_ids, options, ...rest } = f;
  const r = await db
    .updateTable("posts")
    .set({
      ...rest,
      ...(media_ids ? { media_ids: JSON.stringify(media_ids) } : {}),
      ...(options ? { options: JSON.stringify(options) } : {}),
      version: sql`version + 1`,
      updated_by: userId,
      updated_at: sql`now()`,
    })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Moves a post from one of `from` to `to` (a guarded UPDATE: two reviewers deciding at once cannot both
 * win). Returns the previous status, or undefined when the post was not in `from`.
 */
export async function transition(
  db: Db,
  workspaceId: string,
  id: string,
  from: readonly PostStatus[],
  to: PostStatus,
  extra: { scheduled_at?: Date | null; scheduled_local?: string | null; scheduled_tz?: string | null } = {},
  userId: string | null = null,
): Promise<PostStatus | undefined> {
  const row = await db
    .updateTable("posts")
    .set({ status: to, ...extra, version: sql`version + 1`, updated_by: userId, updated_at: sql`now()` })
    .from(db.selectFrom("posts").select(["id as pid", "status as prev"]).where("id", "=", id).as("old"))
    .whereRef("posts.id", "=", "old.pid")
    .where("posts.workspace_id", "=", workspaceId)
    .where("posts.id", "=", id)
    .where("posts.status", "in", [...from])
    .returning("old.prev")
    .executeTakeFirst();
  return row?.prev;
}

export async function deletePost(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom("posts")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function listTargets(db: Db, workspaceId: string, postIds: string[]) {
  if (!postIds.length) return Promise.resolve([]);
  return db
    .selectFrom("post_targets")
    .innerJoin("social_accounts", "social_accounts.id", "post_targets.account_id")
    .select([
      "post_targets.id",
      "post_targets.post_id",
      "post_targets.account_id",
      "post_targets.body",
      "post_targets.media_ids",
      "post_targets.options",
      "post_targets.status",
      "post_targets.attempts",
      "post_targets.next_attempt_at",
      "post_targets.published_at",
      "post_targets.external_url",
      "post_targets.error_code",
      "post_targets.error_message",
      "post_targets.removed_at",
      "social_accounts.display_name as account_name",
      "social_accounts.network",
      // The account's own limits (a Mastodon instance's), for the target's checks: same row, same query.
      sql<unknown>`social_accounts.settings -> 'limits'`.as("account_limits"),
    ])
    .where("post_targets.workspace_id", "=", workspaceId)
    .where("post_targets.post_id", "in", postIds)
    .orderBy("social_accounts.display_name")
    .orderBy("post_targets.id")
    .execute();
}
export type TargetRow = Awaited<ReturnType<typeof listTargets>>[number];

export interface TargetFields {
  account_id: string;
  body: string | null;
  media_ids: string[] | null;
  options: Record<string, unknown>;
}

/**
 * Makes the post's targets exactly `targets`: accounts kept keep their row (and idempotency key) with the
 * new variant, new accounts are added, removed ones deleted. Only called before scheduling.
 */
export async function replaceTargets(db: Db, workspaceId: string, postId: string, targets: TargetFields[]) {
  const keep = targets.map((t) => t.account_id);
  let del = db.deleteFrom("post_targets").where("workspace_id", "=", workspaceId).where("post_id", "=", postId);
  if (keep.length) del = del.where("account_id", "not in", keep);
  await del.execute();
  for (const t of targets) {
    const values = {
      body: t.body,
      media_ids: t.media_ids === null ? null : JSON.stringify(t.media_ids),
      options: JSON.stringify(t.options),
    };
    await db
      .insertInto("post_targets")
      .values({ workspace_id: workspaceId, post_id: postId, account_id: t.account_id, ...values })
      .onConflict((oc) => oc.constraint("post_targets_account_key").doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
  }
}

/** Sets every live target of a post to `to` (with the due instant when scheduling); returns the ids moved. */
export async function setTargetsStatus(
  db: Db,
  workspaceId: string,
  postId: string,
  from: readonly TargetStatus[],
  to: TargetStatus,
  nextAttemptAt: Date | null,
) {
  return db
    .updateTable("post_targets")
    .set({ status: to, next_attempt_at: nextAttemptAt, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("status", "in", [...from])
    .returning(["id", "status"])
    .execute();
}

export function targetStatuses(db: Db, workspaceId: string, postId: string) {
  return db
    .selectFrom("post_targets")
    .select(["id", "status"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .execute();
}

/** Accounts of this workspace among `ids` (with their own limits, `settings.limits`, for the checks). */
export function findAccounts(db: Db, workspaceId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("social_accounts")
    .select(["id", "display_name", "network", "status", sql<unknown>`settings -> 'limits'`.as("limits")])
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .execute();
}

export function listPostTags(db: Db, workspaceId: string, postIds: string[]) {
  if (!postIds.length) return Promise.resolve([]);
  return db
    .selectFrom("post_tags")
    .innerJoin("tags", "tags.id", "post_tags.tag_id")
    .select(["post_tags.post_id", "tags.id", "tags.name", "tags.color"])
    .where("post_tags.workspace_id", "=", workspaceId)
    .where("post_tags.post_id", "in", postIds)
    .orderBy(sql`lower(tags.name)`)
    .execute();
}

export async function setPostTags(db: Db, workspaceId: string, postId: string, tagIds: string[]) {
  await db.deleteFrom("post_tags").where("workspace_id", "=", workspaceId).where("post_id", "=", postId).execute();
  if (tagIds.length) {
    await db
      .insertInto("post_tags")
      .values(tagIds.map((tag_id) => ({ workspace_id: workspaceId, post_id: postId, tag_id })))
      .execute();
  }
}

export async function commentCounts(db: Db, workspaceId: string, postIds: string[]): Promise<Map<string, number>> {
  if (!postIds.length) return new Map();
  const rows = await db
    .selectFrom("post_comments")
    .select(["post_id", sql<number>`count(*)::int`.as("n")])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "in", postIds)
    .groupBy("post_id")
    .execute();
  return new Map(rows.map((r) => [r.post_id, r.n]));
}

export function listComments(db: Db, workspaceId: string, postId: string) {
  return db
    .selectFrom("post_comments")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export function insertComment(
  db: Db,
  workspaceId: string,
  postId: string,
  c: {
    authorUserId: string | null;
    authorName: string;
    body: string;
    kind: "comment" | "approval" | "changes_requested";
  },
) {
  return db
    .insertInto("post_comments")
    .values({
      workspace_id: workspaceId,
      post_id: postId,
      author_user_id: c.authorUserId,
      author_name: c.authorName,
      body: c.body,
      kind: c.kind,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The status a post was scheduled from (draft or approved), to go back to when it is unscheduled. */
export async function statusBeforeScheduling(db: Db, workspaceId: string, postId: string): Promise<PostStatus> {
  const row = await db
    .selectFrom("post_events")
    .select("from_status")
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("target_id", "is", null)
    .where("to_status", "=", "scheduled")
    .where("from_status", "in", ["draft", "approved"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return (row?.from_status as PostStatus | undefined) ?? "draft";
}
