import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type { DB, FeedFoldersTable, FeedsTable } from "../../db/schema.js";
import { toJson } from "./ingest.repo.js";

/** Feeds and folders. Every function takes the workspace id, except the poller's cross-workspace claim. */
type Db = Kysely<DB> | Transaction<DB>;

export type FeedRow = Selectable<FeedsTable>;
export type FolderRow = Selectable<FeedFoldersTable>;

// ---- folders ----

export function listFolders(db: Db, workspaceId: string): Promise<FolderRow[]> {
  return db
    .selectFrom("feed_folders")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .orderBy("position")
    .orderBy(sql`lower(name)`)
    .execute();
}

export function findFolder(db: Db, workspaceId: string, folderId: string): Promise<FolderRow | undefined> {
  return db
    .selectFrom("feed_folders")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", folderId)
    .executeTakeFirst();
}

export function findFolderByName(db: Db, workspaceId: string, name: string): Promise<FolderRow | undefined> {
  return db
    .selectFrom("feed_folders")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where(sql`lower(name)`, "=", name.toLowerCase())
    .executeTakeFirst();
}

export async function insertFolder(db: Db, workspaceId: string, name: string, position?: number): Promise<FolderRow> {
  const pos =
    position ??
    ((
      await db
        .selectFrom("feed_folders")
        .select(sql<number>`coalesce(max(position), -1) + 1`.as("p"))
        .where("workspace_id", "=", workspaceId)
        .executeTakeFirst()
    )?.p as number);
  return db
    .insertInto("feed_folders")
    .values({ workspace_id: workspaceId, name, position: pos })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateFolder(
  db: Db,
  workspaceId: string,
  folderId: string,
  patch: { name?: string; position?: number },
): Promise<FolderRow | undefined> {
  return db
    .updateTable("feed_folders")
    .set({ ...patch, updated_at: new Date() })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", folderId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteFolder(db: Db, workspaceId: string, folderId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("feed_folders")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", folderId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---- feeds ----

export function listFeeds(db: Db, workspaceId: string): Promise<FeedRow[]> {
  return db
    .selectFrom("feeds")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .orderBy(sql`lower(title)`)
    .orderBy("id")
    .execute();
}

export function findFeed(db: Db, workspaceId: string, feedId: string): Promise<FeedRow | undefined> {
  return db
    .selectFrom("feeds")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", feedId)
    .executeTakeFirst();
}

export function findFeedByUrl(db: Db, workspaceId: string, url: string): Promise<FeedRow | undefined> {
  return db
    .selectFrom("feeds")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("url", "=", url)
    .executeTakeFirst();
}

export interface NewFeed {
  folder_id?: string | null;
  url: string;
  site_url?: string | null;
  title?: string;
  description?: string;
  language?: string | null;
  format?: string | null;
  fetch_full_text?: boolean;
  interval_seconds?: number;
  next_fetch_at?: Date;
  created_by?: string | null;
}

/** Inserts, or returns null when the workspace already follows this URL. */
export async function insertFeed(db: Db, workspaceId: string, feed: NewFeed): Promise<FeedRow | null> {
  const row = await db
    .insertInto("feeds")
    .values({ workspace_id: workspaceId, ...feed })
    .onConflict((oc) => oc.constraint("feeds_url_key").doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export function updateFeed(
  db: Db,
  workspaceId: string,
  feedId: string,
  patch: Updateable<FeedsTable>,
): Promise<FeedRow | undefined> {
  return db
    .updateTable("feeds")
    .set({ ...patch, updated_at: new Date() })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", feedId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteFeed(db: Db, workspaceId: string, feedId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("feeds")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", feedId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The poller's claim: up to `limit` due feeds of every workspace, locked with SKIP LOCKED and pushed
 * `leaseSeconds` into the future in the same statement, so a concurrent worker (or the next tick while
 * this one still runs) does not take them. The fetch then sets the real next time.
 */
export async function claimDueFeeds(db: Kysely<DB>, limit: number, leaseSeconds: number): Promise<FeedRow[]> {
  const { rows } = await sql<FeedRow>`
    update feeds set next_fetch_at = now() + make_interval(secs => ${leaseSeconds})
     where id in (select id from feeds
                   where gone_at is null and next_fetch_at <= now()
                   order by next_fetch_at
                   limit ${limit}
                   for update skip locked)
    returning *`.execute(db);
  return rows;
}

/** Poller result: the state fields only (never the user's settings), by id (the claim already checked it). */
export function savePollState(db: Db, feedId: string, patch: Updateable<FeedsTable>): Promise<unknown> {
  return db
    .updateTable("feeds")
    .set({ ...patch, updated_at: new Date() })
    .where("id", "=", feedId)
    .execute();
}

/** The state a successful fetch (200 or 304) leaves on a feed: savePollStates writes many in one statement. */
export interface PollSuccessState {
  id: string;
  interval_seconds: number;
  next_fetch_at: Date;
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: Date;
  /** Set when the fetch brought new items. */
  last_new_item_at: Date | null;
  /** From the fetched feed: title, site and description only fill empty fields, language and format replace. */
  title: string | null;
  site_url: string | null;
  description: string | null;
  language: string | null;
  format: string | null;
}

/**
 * The poller's success states of many feeds in one statement (on PGlite a statement per unchanged feed was
 * most of a mostly-304 poll). Errors reset; what the fetch did not bring keeps its value; a title, site or
 * description only fills an empty field (the user may have renamed the feed meanwhile).
 */
export async function savePollStates(db: Db, states: PollSuccessState[]): Promise<void> {
  if (!states.length) return;
  await sql`
    update feeds f set
      interval_seconds = r.interval_seconds, next_fetch_at = r.next_fetch_at, error_count = 0,
      etag = r.etag, last_modified = r.last_modified, last_fetched_at = r.last_fetched_at,
      last_error_code = null, last_error_message = null, last_error_at = null, gone_at = null,
      last_new_item_at = coalesce(r.last_new_item_at, f.last_new_item_at),
      title = case when f.title = '' then coalesce(r.title, f.title) else f.title end,
      site_url = coalesce(f.site_url, r.site_url),
      description = case when f.description = '' then coalesce(r.description, f.description) else f.description end,
      language = coalesce(r.language, f.language), format = coalesce(r.format, f.format),
      updated_at = now()
      from json_to_recordset(${toJson(states)}::json) as r(id uuid, interval_seconds integer,
        next_fetch_at timestamptz, etag text, last_modified text, last_fetched_at timestamptz,
        last_new_item_at timestamptz, title text, site_url text, description text, language text, format text)
     where f.id = r.id`.execute(db);
}
