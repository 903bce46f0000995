import { sql } from "kysely";
import type { Db } from "./posts.repo.js";

/** Approval links: a random token given to a client once, stored as its SHA-256. */

export function insertLink(
  db: Db,
  workspaceId: string,
  l: { postId: string; tokenHash: string; reviewerName: string | null; expiresAt: Date; createdBy: string },
) {
  return db
    .insertInto("approval_links")
    .values({
      workspace_id: workspaceId,
      post_id: l.postId,
      token_hash: l.tokenHash,
      reviewer_name: l.reviewerName,
      expires_at: l.expiresAt,
      created_by: l.createdBy,
    })
    .returning(["id", "expires_at"])
    .executeTakeFirstOrThrow();
}

/** The only lookup without a workspace id: the secret is the key, and it names its workspace. */
export function findByTokenHash(db: Db, tokenHash: string) {
  return db.selectFrom("approval_links").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Marks the link used by a decision; false when another decision used it first. */
export async function markUsed(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable("approval_links")
    .set({ used_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The links of a post, newest first (never the token hash: it leaves the database only for lookups). */
export function listForPost(db: Db, workspaceId: string, postId: string) {
  return db
    .selectFrom("approval_links")
    .select(["id", "reviewer_name", "created_at", "expires_at", "used_at", "revoked_at"])
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

const linkColumns = ["id", "reviewer_name", "created_at", "expires_at", "used_at", "revoked_at"] as const;

/** One link of a post, without its token hash; undefined for another post's or workspace's link. */
export function findForPost(db: Db, workspaceId: string, postId: string, id: string) {
  return db
    .selectFrom("approval_links")
    .select(linkColumns)
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/**
 * Revokes a link of a post that is not revoked yet; undefined when it is unknown or already revoked (one
 * UPDATE: of two concurrent revocations, exactly one gets the row).
 */
export function revoke(db: Db, workspaceId: string, postId: string, id: string) {
  return db
    .updateTable("approval_links")
    .set({ revoked_at: sql`now()` })
    .where("workspace_id", "=", workspaceId)
    .where("post_id", "=", postId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returning(["id", "reviewer_name", "created_at", "expires_at", "used_at", "revoked_at"])
    .executeTakeFirst();
}
