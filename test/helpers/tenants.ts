import { sql } from "kysely";
import { seedCuration } from "../curation/seed.js";
import { seedSocialSync } from "../inbox/seed.js";
import { seedMedia } from "../media/fixtures.js";
import { seedVeille } from "../veille/seed.js";
import type { Caller, TestApp } from "./app.js";
import { createWorkspace, signUp } from "./app.js";
import { seedPublishing } from "./publishing-seed.js";
import type { Ids } from "./samples.js";

export interface Tenant {
  owner: Caller;
  member: Caller;
  ids: Ids;
  tokenValue: string;
}

/** The secret token at the end of an invitation link. */
export function inviteToken(acceptUrl: string): string {
  return new URL(acceptUrl).pathname.split("/").pop() as string;
}

/** A client workspace with an owner, a second member, a competitor, a pending invitation and an API token. */
export async function seedTenant(t: TestApp, prefix: string, workspaceName: string): Promise<Tenant> {
  const owner = await signUp(t, `${prefix}.owner@agence.fr`, { name: `${prefix} Owner` });
  const member = await signUp(t, `${prefix}.editor@agence.fr`, { name: `${prefix} Éditrice` });
  const workspaceId = await createWorkspace(owner, workspaceName);
  const comp = await owner.post(`/api/workspaces/${workspaceId}/competitors`, {
    name: `${prefix} rival`,
    handles: [{ network: "mastodon", handle: "@rival@piaille.fr" }],
  });
  const inv = await owner.post(`/api/workspaces/${workspaceId}/invitations`, {
    email: member.user.email,
    role: "editor",
  });
  const accept = await member.post(`/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`, {});
  if (accept.statusCode !== 200) throw new Error(`accept failed: ${accept.statusCode} ${accept.body}`);
  const pending = await owner.post(`/api/workspaces/${workspaceId}/invitations`, {
    email: `${prefix}.client@marque.fr`,
    role: "reviewer",
  });
  const tok = await owner.post("/api/auth/tokens", { name: `${prefix} automation` });
  // A webhook account (no test ping: nothing leaves the machine).
  const account = await owner.post(`/api/workspaces/${workspaceId}/accounts`, {
    network: "webhook",
    url: `https://hooks.slack.com/services/${prefix}/B0000/XXXXXXXXXXXX`,
    name: `${prefix} Slack`,
    testPing: false,
  });
  if (account.statusCode !== 201) throw new Error(`connect failed: ${account.statusCode} ${account.body}`);
  const publishing = await seedPublishing(t, owner, workspaceId, prefix);
  const mediaId = await seedMedia(owner, workspaceId, prefix.length);
  const alert = await owner.post(`/api/workspaces/${workspaceId}/alerts`, {
    name: `${prefix} — marque`,
    query: `"${prefix}" -recrutement`,
  });
  if (alert.statusCode !== 201) throw new Error(`alert failed: ${alert.statusCode} ${alert.body}`);
  const curation = await seedCuration(owner, workspaceId);
  const target = await t.ctx.db
    .selectFrom("post_targets")
    .select("id")
    .where("post_id", "=", publishing.postId)
    .executeTakeFirstOrThrow();
  const veille = await seedVeille(t, workspaceId, owner.user.id, prefix);
  // Social sync: an interaction on the post and metric snapshots (so a cross-workspace read would show).
  await seedSocialSync(t, workspaceId, publishing.postAccountId, target.id, prefix);
  return {
    owner,
    member,
    tokenValue: tok.json().token,
    ids: {
      workspaceId,
      competitorId: comp.json().id,
      userId: member.user.id,
      invitationId: pending.json().invitation.id,
      tokenId: tok.json().id,
      accountId: account.json().account.id,
      ...publishing,
      mediaId,
      targetId: target.id,
      alertId: alert.json().alert.id,
      ...curation,
      ...veille,
    },
  };
}

/** A fingerprint of every row in every application table: equal before and after means nothing changed. */
export async function databaseFingerprint(
  t: TestApp,
  exclude: string[] = ["sessions"],
): Promise<Record<string, string>> {
  const { rows } = await sql<{ name: string }>`
    select table_name::text as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(t.ctx.db);
  const out: Record<string, string> = {};
  for (const { name } of rows) {
    if (exclude.includes(name)) continue;
    const r = await sql<{ h: string | null }>`
      select md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.table(name)} t`.execute(t.ctx.db);
    out[name] = r.rows[0]?.h ?? "empty";
  }
  return out;
}
