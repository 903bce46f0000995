import { type Kysely, sql } from "kysely";
import type { DB, PostStatus, TargetStatus } from "../../db/schema.js";

/**
 * The post writes the calendar needs (moves, queueing, occurrences, recycling, import). They follow the
 * rules of docs/PUBLISHING.md: a version guard on every change of a post, targets set to `scheduled` with
 * `next_attempt_at` before their job is sent, an event for every status change.
 */

export interface LockedPost {
  id: string;
  status: PostStatus;
  version: number;
  scheduled_at: Date | null;
  scheduled_local: string | null;
  scheduled_tz: string | null;
  recurrence: string | null;
  recurrence_parent_id: string | null;
  evergreen: boolean;
  evergreen_min_gap_days: number | null;
  targets: { id: string; account_id: string; status: TargetStatus }[];
}

/** Reads and row-locks a post of the workspace with its targets (inside a transaction). */
export async function lockPost(db: Kysely<DB>, workspaceId: string, postId: string): Promise<LockedPost | undefined> {
  const post = await db
    .selectFrom("posts")
    .select([
      "id",
      "status",
      "version",
      "scheduled_at",
      "scheduled_local",
      "scheduled_tz",
      "recurrence",
      "recurrence_parent_id",
      "evergreen",
      "evergreen_min_gap_days",
    ])
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", postId)
    .forUpdate()
    .executeTakeFirst();
  if (!post) return undefined;
  const targets = await db
    .selectFrom("post_targets")
    .select(["id", "account_id", "status"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .orderBy("id")
    .execute();
  return { ...post, targets };
}

/** Sets a post's time if its version is still `version`; the new version, or undefined on a conflict. */
export async function setPostTime(
  db: Kysely<DB>,
  workspaceId: string,
  postId: string,
  version: number,
  time: { at: Date; local: string; tz: string },
  userId: string | null,
  status?: PostStatus,
): Promise<number | undefined> {
  const row = await db
    .updateTable("posts")
    .set({
      scheduled_at: time.at,
      scheduled_local: time.local,
      scheduled_tz: time.tz,
      version: sql`version + 1`,
      updated_at: sql`now()`,
      ...(userId ? { updated_by: userId } : {}),
      ...(status ? { status } : {}),
    })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", postId)
    .where("version", "=", version)
    .returning("version")
    .executeTakeFirst();
  return row?.version;
}

/** Points the given targets at a new instant (status `scheduled`); returns their ids. */
export async function scheduleTargets(
  db: Kysely<DB>,
  workspaceId: string,
  postId: string,
  at: Date,
  fromStatuses: TargetStatus[],
): Promise<{ id: string; status: TargetStatus }[]> {
  if (!fromStatuses.length) return [];
  const before = await db
    .selectFrom("post_targets")
    .select(["id", "status"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("status", "in", fromStatuses)
    .execute();
  if (!before.length) return [];
  await db
    .updateTable("post_targets")
    .set({ status: "scheduled", next_attempt_at: at, updated_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where(
      "id",
      "in",
      before.map((t) => t.id),
    )
    .execute();
  return before;
}

/**
 * Copies a post (text, link, media, options, campaign, tags, live targets with their variants) as a
 * child scheduled at `time`: one occurrence of a series or one recycling of an evergreen post. The copy
 * gets new targets, hence new idempotency keys: a network sees each publication as a distinct post.
 */
export async function insertChild(
  db: Kysely<DB>,
  workspaceId: string,
  parentId: string,
  time: { at: Date; local: string; tz: string },
  status: "scheduled" | "draft",
): Promise<{ postId: string; targetIds: string[] }> {
  const child = await db
    .insertInto("posts")
    .columns([
      "workspace_id",
      "status",
      "body",
      "link_url",
      "media_ids",
      "options",
      "campaign_id",
      "scheduled_at",
      "scheduled_local",
      "scheduled_tz",
      "recurrence_parent_id",
      "created_by",
      "updated_by",
    ])
    .expression((eb) =>
      eb
        .selectFrom("posts")
        .select([
          "workspace_id",
          sql.lit(status).as("status"),
          "body",
          "link_url",
          "media_ids",
          "options",
          "campaign_id",
          sql<Date>`${time.at}::timestamptz`.as("scheduled_at"),
          sql<string>`${time.local}::text`.as("scheduled_local"),
          sql<string>`${time.tz}::text`.as("scheduled_tz"),
          "id",
          "created_by",
          "created_by",
        ])
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", parentId),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`insert into post_tags (workspace_id, post_id, tag_id)
    select workspace_id, ${child.id}::uuid, tag_id from post_tags
     where workspace_id = ${workspaceId} and post_id = ${parentId}`.execute(db);
  const targetStatus = status === "scheduled" ? "scheduled" : "pending";
  const { rows } = await sql<{ id: string }>`
    insert into post_targets (workspace_id, post_id, account_id, body, media_ids, options, status, next_attempt_at)
    select t.workspace_id, ${child.id}::uuid, t.account_id, t.body, t.media_ids, t.options, ${targetStatus},
           ${status === "scheduled" ? time.at : null}::timestamptz
      from post_targets t join social_accounts a on a.id = t.account_id
     where t.workspace_id = ${workspaceId} and t.post_id = ${parentId} and t.status <> 'cancelled'
       and a.status <> 'disabled'
    returning id`.execute(db);
  return { postId: child.id, targetIds: rows.map((r) => r.id) };
}

/** Serialises work on one series or evergreen post across workers until the transaction ends. */
export async function lockSeries(db: Kysely<DB>, postId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`calendar:${postId}`}))`.execute(db);
}

export async function childAt(db: Kysely<DB>, workspaceId: string, parentId: string, at: Date): Promise<boolean> {
  const row = await db
    .selectFrom("posts")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("recurrence_parent_id", "=", parentId)
    .where("scheduled_at", "=", at)
    .executeTakeFirst();
  return row !== undefined;
}
