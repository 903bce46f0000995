import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import { publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { inviteToken } from "../helpers/tenants.js";
import { FakeNetwork, scheduledTarget, targetRow, transient } from "./fixtures.js";

/**
 * "Take it down": a published copy deleted from its network from Relais — a whole thread, last part first;
 * safe to repeat; refusals change nothing; who may; what a network without delete says.
 */
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let ws: string;
let net: FakeNetwork;

beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.jobs.start(t.ctx, { work: false, schedule: false });
  owner = await signUp(t, "owner@agence.fr", { name: "Odile Owner" });
  viewer = await signUp(t, "viewer@client.fr", { name: "Vic Viewer" });
  ws = await createWorkspace(owner, "Brasserie Saint-Éloi");
  const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: viewer.user.email, role: "viewer" });
  expect((await viewer.post(`/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`, {})).statusCode).toBe(200);
});
afterAll(() => t.close());
afterEach(() => net?.close());

/** A target published through the scheduler, as a thread of three parts (ext-1, then ext-1/2, ext-1/3). */
async function publishedThread() {
  net = new FakeNetwork();
  const s = await scheduledTarget(t, ws, { at: new Date(), body: "Fermeture exceptionnelle lundi 🍺 — désolés !" });
  expect(await publishTargets(t.ctx, [s.targetId])).toBe(1);
  await t.ctx.db
    .updateTable("post_targets")
    .set({ thread_external_ids: JSON.stringify(["ext-1/2", "ext-1/3"]) })
    .where("id", "=", s.targetId)
    .execute();
  const row = await targetRow(t, s.targetId);
  expect(row).toMatchObject({ status: "published", external_id: "ext-1", removed_at: null });
  return { ...s, url: `/api/workspaces/${ws}/posts/${s.postId}/targets/${s.targetId}/remove-from-network` };
}

const auditOf = (targetId: string) =>
  t.ctx.db
    .selectFrom("audit_log")
    .select(["action", "data"])
    .where("target_id", "=", targetId)
    .where("action", "=", "post.target_removed")
    .execute();

describe("remove from network", () => {
  it("deletes the thread's parts last to first, then the first; records who and when; repeating does nothing", async () => {
    const s = await publishedThread();
    const before = (await owner.get(`/api/workspaces/${ws}/posts/${s.postId}`)).json().targets[0];
    expect(before).toMatchObject({ removable: true, removedAt: null });
    expect((await viewer.post(s.url, {})).statusCode).toBe(403);
    expect(net.deleteCalls).toEqual([]);

    const res = await owner.post(s.url, {});
    expect(res.statusCode).toBe(200);
    expect(net.deleteCalls).toEqual(["ext-1/3", "ext-1/2", "ext-1"]);
    const removedAt = res.json().removedAt as string;
    expect(Date.now() - Date.parse(removedAt)).toBeLessThan(60_000);
    expect(res.json()).toMatchObject({ status: "published", externalId: "ext-1" });
    expect(await targetRow(t, s.targetId)).toMatchObject({ removed_by: owner.user.id });
    expect(await auditOf(s.targetId)).toHaveLength(1);
    const after = (await owner.get(`/api/workspaces/${ws}/posts/${s.postId}`)).json().targets[0];
    expect(after).toMatchObject({ removable: false, removedAt, status: "published" });

    // Again (a double click, a retry after a lost answer): nothing sent, same answer.
    const again = await owner.post(s.url, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().removedAt).toBe(removedAt);
    expect(net.deleteCalls).toHaveLength(3);
    expect(await auditOf(s.targetId)).toHaveLength(1);

    // The calendar no longer links to a copy that is gone.
    const day = 86_400_000;
    const cal = await owner.get(
      `/api/workspaces/${ws}/calendar?from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`,
    );
    const entry = cal.json().entries.find((e: { postId: string }) => e.postId === s.postId);
    expect(entry.targets[0]).toMatchObject({ status: "published" });
    expect(entry.targets[0]).not.toHaveProperty("externalUrl");
  });

  it("a network refusal changes nothing in Relais and says why, in the caller's language", async () => {
    const s = await publishedThread();
    net.deleteScript = ["ok", transient("HTTP 503 Service Unavailable")];
    const fr = await owner.post(s.url, {});
    expect(fr.statusCode).toBe(502);
    expect(fr.json().error).toMatchObject({ code: "remove_failed" });
    expect(fr.json().error.message).toContain("HTTP 503 Service Unavailable");
    expect(fr.json().error.message).toContain("Rien n'a changé dans Relais");
    expect((await targetRow(t, s.targetId)).removed_at).toBeNull();
    // Trying again goes through the whole thread again (a part already gone counts as removed).
    const ok = await owner.post(s.url, {});
    expect(ok.statusCode).toBe(200);
    expect(net.deleteCalls).toEqual(["ext-1/3", "ext-1/2", "ext-1/3", "ext-1/2", "ext-1"]);

    const s2 = await publishedThread();
    net.deleteScript = [new ConnectorError("content_rejected", "Record not owned by this account")];
    const en = await owner.request({ method: "POST", url: s2.url, payload: {}, headers: { "accept-language": "en" } });
    expect(en.statusCode).toBe(502);
    expect(en.json().error.message).toBe(
      "The network did not take the post of Slack #annonces down: Record not owned by this account. Nothing changed in Relais; try again.",
    );
  });

  it("refused credentials: the account is marked reconnect needed, and a second try says to reconnect first", async () => {
    const s = await publishedThread();
    net.deleteScript = [new ConnectorError("auth_expired", "Token has been revoked")];
    expect((await owner.post(s.url, {})).statusCode).toBe(502);
    const account = await t.ctx.db
      .selectFrom("social_accounts")
      .select("status")
      .where("id", "=", s.accountId)
      .executeTakeFirstOrThrow();
    expect(account.status).toBe("reconnect_needed");
    const again = await owner.post(s.url, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: "remove_account_not_active" });
    expect(again.json().error.message).toContain("doit être reconnecté");
    expect(net.deleteCalls).toHaveLength(1);
  });

  it("refuses what was not published, and a network Relais cannot delete from", async () => {
    net = new FakeNetwork();
    const scheduled = await scheduledTarget(t, ws, { at: new Date(Date.now() + 3_600_000) });
    const res = await owner.post(
      `/api/workspaces/${ws}/posts/${scheduled.postId}/targets/${scheduled.targetId}/remove-from-network`,
      {},
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: "target_state" });
    net.close();

    const s = await publishedThread();
    net.canDelete = false;
    const view = (await owner.get(`/api/workspaces/${ws}/posts/${s.postId}`)).json().targets[0];
    expect(view).toMatchObject({ removable: false, removedAt: null });
    const unsupported = await owner.post(s.url, {});
    expect(unsupported.statusCode).toBe(409);
    expect(unsupported.json().error.message).toBe(
      "Relais ne sait pas retirer une publication de Slack #annonces : supprimez-la directement sur le réseau.",
    );
    expect((await targetRow(t, s.targetId)).removed_at).toBeNull();
  });
});
