import type { Kysely } from "kysely";
import type { DB, PostStatus, TargetStatus } from "../../src/db/schema.js";
import { instantToLocal } from "../../src/modules/scheduler/local-time.js";

/** Inserts accounts straight into the database (connecting one is the accounts domain's business). */
export async function insertAccounts(
  db: Kysely<DB>,
  workspaceId: string,
  specs: { network: string; name: string; handle?: string }[],
): Promise<string[]> {
  const rows = await db
    .insertInto("social_accounts")
    .values(
      specs.map((s) => ({
        workspace_id: workspaceId,
        network: s.network,
        display_name: s.name,
        handle: s.handle ?? null,
        settings: "{}",
      })),
    )
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

export interface PostSpec {
  at: Date | null;
  status?: PostStatus;
  body?: string;
  accounts: string[];
  targetStatus?: TargetStatus;
  externalUrl?: string | null;
  tagIds?: string[];
  campaignId?: string | null;
  recurrence?: string | null;
  evergreen?: boolean;
  gapDays?: number | null;
  publishedAt?: Date | null;
}

/**
 * Inserts posts with their targets and tags in bulk (3 statements per batch): the calendar reads them
 * exactly as the publishing domain writes them. Used by tests and by bench/calendar.ts.
 */
export async function insertPosts(
  db: Kysely<DB>,
  workspaceId: string,
  tz: string,
  specs: PostSpec[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < specs.length; i += 500) {
    const batch = specs.slice(i, i + 500);
    const posts = await db
      .insertInto("posts")
      .values(
        batch.map((s) => ({
          workspace_id: workspaceId,
          status: s.status ?? "scheduled",
          body: s.body ?? "Publication",
          media_ids: "[]",
          options: "{}",
          scheduled_at: s.at,
          scheduled_local: s.at ? instantToLocal(s.at, tz) : null,
          scheduled_tz: s.at ? tz : null,
          campaign_id: s.campaignId ?? null,
          recurrence: s.recurrence ?? null,
          evergreen: s.evergreen ?? false,
          evergreen_min_gap_days: s.gapDays ?? null,
        })),
      )
      .returning("id")
      .execute();
    const targets = batch.flatMap((s, k) =>
      s.accounts.map((accountId) => ({
        workspace_id: workspaceId,
        post_id: posts[k]?.id as string,
        account_id: accountId,
        options: "{}",
        status: s.targetStatus ?? (s.status === "scheduled" || !s.status ? "scheduled" : "pending"),
        next_attempt_at: s.at,
        external_url: s.externalUrl ?? null,
        published_at: s.publishedAt ?? null,
      })),
    );
    if (targets.length) await db.insertInto("post_targets").values(targets).execute();
    const tags = batch.flatMap((s, k) =>
      (s.tagIds ?? []).map((tagId) => ({ workspace_id: workspaceId, post_id: posts[k]?.id as string, tag_id: tagId })),
    );
    if (tags.length) await db.insertInto("post_tags").values(tags).execute();
    ids.push(...posts.map((p) => p.id));
  }
  return ids;
}
