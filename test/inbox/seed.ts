import type { TestApp } from "../helpers/app.js";

/** One interaction linked to the tenant's target and a snapshot of each kind (route walks look for leaks). */
export async function seedSocialSync(
  t: TestApp,
  workspaceId: string,
  accountId: string,
  targetId: string,
  prefix: string,
): Promise<void> {
  await t.ctx.db
    .insertInto("interactions")
    .values({
      workspace_id: workspaceId,
      account_id: accountId,
      post_target_id: targetId,
      kind: "reply",
      external_id: `${prefix}-reply-1`,
      subject_external_id: null,
      author_handle: `${prefix}.fan@piaille.fr`,
      author_name: "Fan numéro 1 🎉",
      text: "Bravo pour l'expo, c'était génial !",
      url: `https://piaille.fr/@fan/${prefix}`,
      occurred_at: new Date("2026-03-01T10:00:00Z"),
    })
    .execute();
  await t.ctx.db
    .insertInto("post_metric_snapshots")
    .values({
      workspace_id: workspaceId,
      post_target_id: targetId,
      likes: 3,
      reposts: 1,
      replies: 1,
      quotes: 0,
      impressions: null,
    })
    .execute();
  await t.ctx.db
    .insertInto("account_metric_snapshots")
    .values({ workspace_id: workspaceId, account_id: accountId, followers: 120, following: 10, posts: 42 })
    .execute();
}
