import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.js";

/** Every status change of a post or one of its targets, with who (a user, a reviewer link, the scheduler) and when. */
export interface PostEvent {
  workspaceId: string;
  postId: string;
  targetId?: string | null;
  actorUserId?: string | null;
  /** A readable actor: the user's name, "Relais" for the scheduler, the reviewer's name for a link. */
  actorLabel: string;
  fromStatus: string | null;
  toStatus: string;
  detail?: Record<string, unknown>;
}

export async function recordPostEvent(db: Kysely<DB>, e: PostEvent): Promise<void> {
  await db
    .insertInto("post_events")
    .values({
      workspace_id: e.workspaceId,
      post_id: e.postId,
      target_id: e.targetId ?? null,
      actor_user_id: e.actorUserId ?? null,
      actor_label: e.actorLabel,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      detail: JSON.stringify(e.detail ?? {}),
      // clock_timestamp(), not now(): several events of one transaction keep their order in the trail.
      created_at: sql`clock_timestamp()`,
    })
    .execute();
}

export function listPostEvents(db: Kysely<DB>, workspaceId: string, postId: string) {
  return (
    db
      .selectFrom("post_events")
      .selectAll()
      .where("workspace_id", "=", workspaceId)
      .where("post_id", "=", postId)
      .orderBy("created_at")
      // Same instant (one transaction, or a coarse clock on PGlite): the post's change before its targets'.
      .orderBy(sql`target_id is not null`)
      .orderBy("id")
      .execute()
  );
}
