import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import * as accounts from "../../src/modules/accounts/accounts.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { inviteToken } from "../helpers/tenants.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * Social accounts through the API, against a loopback webhook receiver (private network allowed, as in
 * every test that talks to 127.0.0.1): connect, encryption at rest, check and reconnect-needed, reconnect,
 * permissions, cross-workspace ids, bad input.
 */
let t: TestApp;
let rx: WebhookReceiver;
let owner: Caller;
let manager: Caller;
let viewer: Caller;
let ws: string;
let otherWs: string;
let otherOwner: Caller;

async function addMember(email: string, role: string): Promise<Caller> {
  const c = await signUp(t, email);
  const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email, role });
  const res = await c.post(`/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`, {});
  expect(res.statusCode).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp({ config: { allowPrivateNetwork: true } });
  rx = await startWebhookReceiver();
  owner = await signUp(t, "owner@agence.fr", { name: "Élodie Owner" });
  ws = await createWorkspace(owner, "Librairie Œuvre");
  manager = await addMember("manager@agence.fr", "manager");
  viewer = await addMember("viewer@client.fr", "viewer");
  otherOwner = await signUp(t, "other@agence.fr");
  otherWs = await createWorkspace(otherOwner, "Autre client");
});
afterAll(async () => {
  await rx.close();
  await t.close();
});
beforeEach(() => rx.reset());

async function connect(caller: Caller, body: Record<string, unknown>, workspaceId = ws) {
  return caller.post(`/api/workspaces/${workspaceId}/accounts`, { network: "webhook", ...body });
}

describe("connect", () => {
  it("pings the receiver, stores the account and reveals the signing secret once", async () => {
    const res = await connect(owner, { url: rx.url("/hooks/n8n"), name: "n8n — équipe 🚀" });
    expect(res.statusCode).toBe(201);
    const { account, reveal } = res.json();
    expect(account).toMatchObject({ network: "webhook", displayName: "n8n — équipe 🚀", status: "active" });
    expect(account.handle).toBe(`127.0.0.1:${rx.port}`);
    expect(reveal.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // The ping arrived, signed with the revealed secret.
    expect(rx.requests).toHaveLength(1);
    const ping = rx.requests[0]!;
    expect(ping.json).toMatchObject({ type: "ping", version: 1 });
    expect(ping.headers["x-relais-event"]).toBe("ping");
    expect(rx.verify(ping, reveal.signingSecret)).toBe(true);
    expect(rx.verify(ping, "whsec_wrong")).toBe(false);
    // Never again: neither the list nor the account shows credentials.
    const list = await owner.get(`/api/workspaces/${ws}/accounts`);
    expect(list.body).not.toContain(reveal.signingSecret);
    expect(list.body).not.toContain("/hooks/n8n");
    const one = await owner.get(`/api/workspaces/${ws}/accounts/${account.id}`);
    expect(one.json()).toEqual(account);
    // Audited.
    const audit = (await owner.get(`/api/workspaces/${ws}/audit`)).json();
    expect(audit[0]).toMatchObject({ action: "account.connected", targetId: account.id });
  });

  it("encrypts credentials at rest with the account id as associated data", async () => {
    const url = "https://hooks.slack.com/services/T0001/B0001/SuperSecretToken123";
    const res = await connect(owner, { url, testPing: false });
    expect(res.statusCode).toBe(201);
    const { account, reveal } = res.json();
    expect(account.displayName).toBe("Slack — hooks.slack.com");
    const row = await t.ctx.db
      .selectFrom("social_accounts")
      .selectAll()
      .where("id", "=", account.id)
      .executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    expect(row.credentials_enc).toMatch(/^v1:/);
    expect(raw).not.toContain("SuperSecretToken123");
    expect(raw).not.toContain(reveal.signingSecret);
    expect(t.ctx.secrets.decryptJson(row.credentials_enc!, account.id)).toEqual({ url, secret: reveal.signingSecret });
    // Copied onto another account's row, the ciphertext does not open.
    expect(() => t.ctx.secrets.decryptJson(row.credentials_enc!, ws)).toThrow();
  });

  it("refuses a receiver that answers an error to the ping, and stores nothing", async () => {
    rx.respondWith({ status: 404, body: "no_service" });
    const before = (await owner.get(`/api/workspaces/${ws}/accounts`)).json().length;
    const res = await connect(owner, { url: rx.url("/revoked") });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe("account_connect_failed");
    expect(res.json().error.message).toContain("no_service");
    expect(res.json().error.details).toMatchObject({ kind: "auth_expired", status: 404 });
    expect((await owner.get(`/api/workspaces/${ws}/accounts`)).json()).toHaveLength(before);
  });

  it("validates the URL with field paths, in French and English", async () => {
    for (const url of ["pas une url", "ftp://exemple.fr/hook", "javascript:alert(1)", ""]) {
      const res = await connect(owner, { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].path, url).toBe("body.url");
    }
    const missing = await connect(owner, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe("body.url");
    const unknown = await connect(owner, { url: rx.url(), colour: "red" });
    expect(unknown.statusCode).toBe(400);
    const en = await owner.request({
      method: "POST",
      url: `/api/workspaces/${ws}/accounts`,
      payload: { network: "webhook", url: 42 },
      headers: { "accept-language": "en" },
    });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toMatch(/invalid/i);
  });

  it("refuses networks without a connector yet", async () => {
    const res = await owner.post(`/api/workspaces/${ws}/accounts`, { network: "linkedin", url: "https://x.fr" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("network_not_connectable");
    expect(res.json().error.message).toContain("LinkedIn");
  });

  it("needs accounts.manage: a viewer can list but not connect", async () => {
    expect((await viewer.get(`/api/workspaces/${ws}/accounts`)).statusCode).toBe(200);
    const res = await connect(viewer, { url: rx.url(), testPing: false });
    expect(res.statusCode).toBe(403);
    expect(rx.requests).toHaveLength(0);
  });
});

describe("a workspace's accounts are its own", () => {
  it("answers 404 for another workspace's account, and changes nothing", async () => {
    const mine = (await connect(owner, { url: rx.url("/mine"), testPing: false })).json().account;
    const base = `/api/workspaces/${otherWs}/accounts/${mine.id}`;
    expect((await otherOwner.get(base)).statusCode).toBe(404);
    expect((await otherOwner.patch(base, { displayName: "Volé" })).statusCode).toBe(404);
    expect((await otherOwner.post(`${base}/check`)).statusCode).toBe(404);
    expect((await otherOwner.post(`${base}/reconnect`, { url: rx.url("/x") })).statusCode).toBe(404);
    expect((await otherOwner.delete(base)).statusCode).toBe(404);
    expect(rx.requests).toHaveLength(0);
    expect((await owner.get(`/api/workspaces/${ws}/accounts/${mine.id}`)).json()).toEqual(mine);
    await expect(accounts.loadForPublishing(t.ctx, otherWs, mine.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("update and remove", () => {
  it("renames and changes the format; refuses an empty patch", async () => {
    const acc = (await connect(owner, { url: rx.url("/rename"), testPing: false })).json().account;
    const url = `/api/workspaces/${ws}/accounts/${acc.id}`;
    const res = await manager.patch(url, { displayName: "Zapier — CRM", settings: { format: "slack" } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: "Zapier — CRM", settings: { format: "slack" } });
    // The next publication uses the new format, with the same credentials.
    const loaded = await accounts.loadForPublishing(t.ctx, ws, acc.id);
    await loaded.connector.publish(loaded.secrets, {
      idempotencyKey: "k-format",
      postId: "p",
      targetId: "t",
      workspaceId: ws,
      text: "Réunion à 10 h",
      linkUrl: null,
      media: [],
      options: {},
      scheduledAt: null,
    });
    expect(rx.requests.at(-1)!.json).toMatchObject({ text: "Réunion à 10 h" });
    expect((await manager.patch(url, {})).statusCode).toBe(400);
    expect((await manager.patch(url, { settings: { url: "https://evil.example" } })).statusCode).toBe(400);
    expect((await viewer.patch(url, { displayName: "x" })).statusCode).toBe(403);
  });

  it("removes an account (audited); a second delete is 404", async () => {
    const acc = (await connect(owner, { url: rx.url("/bye"), testPing: false, name: "À supprimer" })).json().account;
    const url = `/api/workspaces/${ws}/accounts/${acc.id}`;
    expect((await viewer.delete(url)).statusCode).toBe(403);
    expect((await manager.delete(url)).statusCode).toBe(204);
    expect((await manager.delete(url)).statusCode).toBe(404);
    const audit = (await owner.get(`/api/workspaces/${ws}/audit`)).json();
    expect(audit[0]).toMatchObject({ action: "account.removed", data: { displayName: "À supprimer" } });
  });
});

describe("remove while publishing", () => {
  it("refuses (409) while a target is being published, then removes the account with its targets", async () => {
    const acc = (await connect(owner, { url: rx.url("/busy"), testPing: false })).json().account;
    const post = await t.ctx.db
      .insertInto("posts")
      .values({ workspace_id: ws, media_ids: JSON.stringify([]), options: JSON.stringify({}) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const target = await t.ctx.db
      .insertInto("post_targets")
      .values({
        workspace_id: ws,
        post_id: post.id,
        account_id: acc.id,
        options: JSON.stringify({}),
        status: "publishing",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const url = `/api/workspaces/${ws}/accounts/${acc.id}`;
    const busy = await owner.delete(url);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe("account_busy");
    expect((await owner.get(url)).statusCode).toBe(200);
    await t.ctx.db.updateTable("post_targets").set({ status: "failed" }).where("id", "=", target.id).execute();
    expect((await owner.delete(url)).statusCode).toBe(204);
    const left = await t.ctx.db.selectFrom("post_targets").select("id").where("id", "=", target.id).execute();
    expect(left).toEqual([]);
  });
});

describe("check, reconnect needed, reconnect", () => {
  it("marks reconnect_needed once per transition and notifies owners and managers once", async () => {
    const acc = (await connect(owner, { url: rx.url("/check"), name: "Make — ventes" })).json().account;
    const url = `/api/workspaces/${ws}/accounts/${acc.id}`;

    rx.respondWith({ status: 200 });
    let res = await owner.post(`${url}/check`);
    expect(res.json().check).toEqual({ ok: true, reason: null, temporary: false });
    expect(res.json().account.lastCheckedAt).not.toBeNull();

    // The receiver is down: temporary, nothing changes.
    rx.respondWith({ status: 503, body: { message: "maintenance" } });
    res = await owner.post(`${url}/check`);
    expect(res.json().check).toEqual({ ok: false, reason: "maintenance", temporary: true });
    expect(res.json().account.status).toBe("active");

    // Revoked: reconnect needed, notified once even when checked again or marked by the scheduler.
    rx.respondWith({ status: 410, body: { message: "Webhook supprimé" } });
    t.outbox.length = 0;
    res = await owner.post(`${url}/check`);
    expect(res.json().account).toMatchObject({ status: "reconnect_needed", statusReason: "Webhook supprimé" });
    expect((await owner.post(`${url}/check`)).json().account.status).toBe("reconnect_needed");
    expect(await accounts.markReconnectNeeded(t.ctx, ws, acc.id, "again")).toBe(false);
    const notes = await t.ctx.db
      .selectFrom("notifications")
      .select(["user_id", "kind", "data"])
      .where("workspace_id", "=", ws)
      .where("kind", "=", "account_reconnect")
      .execute();
    expect(notes.map((n) => n.user_id).sort()).toEqual([owner.user.id, manager.user.id].sort());
    expect(t.outbox.map((m) => m.to).sort()).toEqual(["manager@agence.fr", "owner@agence.fr"]);
    expect(t.outbox[0]!.text).toContain("Make — ventes");
    expect(t.outbox[0]!.text).toContain("Webhook supprimé");

    // Reconnect: new URL, new secret, active again, audited.
    rx.respondWith({ status: 200 });
    res = await owner.post(`${url}/reconnect`, { url: rx.url("/check-v2") });
    expect(res.statusCode).toBe(200);
    expect(res.json().account).toMatchObject({ id: acc.id, status: "active", statusReason: null });
    expect(res.json().account.displayName).toBe("Make — ventes");
    const secret = res.json().reveal.signingSecret;
    const loaded = await accounts.loadForPublishing(t.ctx, ws, acc.id);
    expect(loaded.secrets.credentials).toEqual({ url: rx.url("/check-v2"), secret });
    const audit = (await owner.get(`/api/workspaces/${ws}/audit`)).json();
    expect(audit[0]).toMatchObject({ action: "account.reconnected", data: { previousStatus: "reconnect_needed" } });

    // A new failure after the reconnect is a new transition: notified again.
    expect(await accounts.markReconnectNeeded(t.ctx, ws, acc.id, "revoked again")).toBe(true);
  });

  it("reconnect with bad input changes nothing", async () => {
    const acc = (await connect(owner, { url: rx.url("/keep"), testPing: false })).json().account;
    const url = `/api/workspaces/${ws}/accounts/${acc.id}`;
    const before = await accounts.loadForPublishing(t.ctx, ws, acc.id);
    expect((await owner.post(`${url}/reconnect`, { url: "nope" })).statusCode).toBe(400);
    rx.respondWith({ status: 500 });
    expect((await owner.post(`${url}/reconnect`, { url: rx.url("/down") })).statusCode).toBe(422);
    expect((await accounts.loadForPublishing(t.ctx, ws, acc.id)).secrets).toEqual(before.secrets);
  });
});

describe("loadForPublishing", () => {
  it("returns the bound connector and decrypted credentials; the connector publishes", async () => {
    const res = await connect(owner, { url: rx.url("/publish"), testPing: false });
    const { account, reveal } = res.json();
    const loaded = await accounts.loadForPublishing(t.ctx, ws, account.id);
    expect(loaded.account.id).toBe(account.id);
    expect(loaded.connector.network).toBe("webhook");
    const result = await loaded.connector.publish(loaded.secrets, {
      idempotencyKey: "key-123",
      postId: "p",
      targetId: "t",
      workspaceId: ws,
      text: "Bonjour 👋🏽",
      linkUrl: null,
      media: [],
      options: {},
      scheduledAt: null,
    });
    expect(result.externalId).toBe("key-123");
    expect(rx.verify(rx.requests[0]!, reveal.signingSecret)).toBe(true);
  });

  it("reports undecryptable credentials as auth_expired", async () => {
    const acc = (await connect(owner, { url: rx.url("/tamper"), testPing: false })).json().account;
    await t.ctx.db
      .updateTable("social_accounts")
      .set({ credentials_enc: t.ctx.secrets.encryptJson({ url: "x" }, "another-id") })
      .where("id", "=", acc.id)
      .execute();
    const err = await accounts.loadForPublishing(t.ctx, ws, acc.id).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.kind).toBe("auth_expired");
  });
});

describe("networks", () => {
  it("lists every network; those with a connector are connectable, with their form", async () => {
    const res = await viewer.get("/api/networks");
    expect(res.statusCode).toBe(200);
    const list = res.json() as Array<{ id: string; connectable: boolean; connectFields: { name: string }[] }>;
    expect(list.map((n) => n.id)).toContain("bluesky");
    const connectable = list.filter((n) => n.connectable).map((n) => n.id);
    expect(connectable).toEqual(expect.arrayContaining(["webhook", "mastodon"]));
    expect(connectable).not.toContain("x");
    expect(list.find((n) => n.id === "webhook")!.connectFields.map((f) => f.name)).toContain("url");
    expect(list.find((n) => n.id === "mastodon")!.connectFields.map((f) => f.name)).toEqual(
      expect.arrayContaining(["instanceUrl", "accessToken"]),
    );
  });
});
