import type { Caller, TestApp } from "./app.js";

/**
 * Publishing objects of a seeded tenant: a webhook account (inserted directly: connecting one is the
 * accounts domain's business and needs a receiver), a campaign, a tag and a draft post aimed at the account.
 */
export async function seedPublishing(t: TestApp, owner: Caller, workspaceId: string, prefix: string) {
  const account = await t.ctx.db
    .insertInto("social_accounts")
    .values({ workspace_id: workspaceId, network: "webhook", display_name: `${prefix} webhook`, settings: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const base = `/api/workspaces/${workspaceId}`;
  const campaign = await owner.post(`${base}/campaigns`, { name: `${prefix} soldes`, color: "#228be6" });
  const tag = await owner.post(`${base}/tags`, { name: `${prefix} coulisses` });
  const post = await owner.post(`${base}/posts`, {
    body: `${prefix} : bientôt les soldes 🛍️`,
    campaignId: campaign.json().id,
    tagIds: [tag.json().id],
    targets: [{ accountId: account.id }],
  });
  if (post.statusCode !== 201) throw new Error(`seed post failed: ${post.statusCode} ${post.body}`);
  return {
    campaignId: campaign.json().id as string,
    tagId: tag.json().id as string,
    postId: post.json().id as string,
    postAccountId: account.id,
  };
}
