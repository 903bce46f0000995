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
