import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import { syncAccountInteractions } from "../../src/modules/inbox/sync.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { FakeSocial, interaction, publishedTarget, socialAccount } from "./fake-social.js";

/** The interactions API: filters, keyset paging, links to our post, the sync status, roles. */
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let ws: string;
let accountId: string;
let postId: string;
let targetId: string;
let net: FakeSocial;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "lea.owner@musee.fr", { name: "Léa Owner" });
  viewer = await signUp(t, "paul.viewer@musee.fr", { name: "Paul Viewer" });
  ws = await createWorkspace(owner, "Musée des Beaux-Arts");
  const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: viewer.user.email, role: "viewer" });
  const token = new URL(inv.json().acceptUrl).pathname.split("/").pop();
  expect((await viewer.post(`/api/invitations/${token}/accept`, {})).statusCode).toBe(200);
  net = new FakeSocial();
  accountId = await socialAccount(t, ws);
  ({ postId, targetId } = await publishedTarget(t, ws, accountId, { externalId: "at://did:plc:musee/post/1" }));
  for (let i = 0; i < 7; i++) net.push(interaction({ kind: "like", subjectExternalId: "at://did:plc:musee/post/1" }));
  net.push(
    interaction({
      kind: "reply",
      text: "Quelle belle affiche ! 😍 Les horaires du dimanche ?",
      url: "https://bsky.app/profile/fan.bsky.social/post/3kreply",
      subjectExternalId: "at://did:plc:musee/post/1",
    }),
    interaction({ kind: "follow" }),
  );
  await syncAccountInteractions(t.ctx, ws, accountId);
});
afterAll(async () => {
  net.close();
  await t.close();
});

const base = () => `/api/workspaces/${ws}/interactions`;

describe("list", () => {
  it("newest first, with the author, text, network link and our post", async () => {
    const r = await viewer.get(`${base()}?kind=reply`);
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toHaveLength(1);
    expect(r.json().items[0]).toMatchObject({
      kind: "reply",
      accountId,
      network: "bluesky",
      text: "Quelle belle affiche ! 😍 Les horaires du dimanche ?",
      url: "https://bsky.app/profile/fan.bsky.social/post/3kreply",
      author: { handle: "fan.bsky.social", name: "Zoé Fan 🎨" },
      postTargetId: targetId,
      postId,
      postUrl: "https://bsky.app/profile/musee.bsky.social/post/1",
    });
  });

  it("pages with nextCursor without repeating or skipping", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await owner.get(`${base()}?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.statusCode).toBe(200);
      seen.push(...r.json().items.map((i: { id: string }) => i.id));
      cursor = r.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(9);
  });

  it("filters by post, account and since", async () => {
    expect((await owner.get(`${base()}?postId=${postId}`)).json().items).toHaveLength(8);
    expect((await owner.get(`${base()}?postTargetId=${targetId}&kind=like`)).json().items).toHaveLength(7);
    expect((await owner.get(`${base()}?accountId=${accountId}`)).json().items).toHaveLength(9);
    expect((await owner.get(`${base()}?since=2030-01-01T00:00:00Z`)).json().items).toHaveLength(0);
  });

  it("bad filters → 400 in the caller's language", async () => {
    const r = await owner.request({
      method: "GET",
      url: `${base()}?cursor=AAAAAAAAAAAAAAAA`,
      headers: { "accept-language": "fr" },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toBe("Certaines valeurs sont invalides : vérifiez les champs indiqués.");
    expect((await owner.get(`${base()}?kind=retweet`)).statusCode).toBe(400);
    expect((await owner.get(`${base()}?limit=0`)).statusCode).toBe(400);
  });
});

describe("sync status", () => {
  it("shows the last success and, after a failure, the network's words", async () => {
    const ok = await viewer.get(`/api/workspaces/${ws}/accounts/${accountId}/sync`);
    expect(ok.json()).toMatchObject({ status: "active", canSync: true, lastSyncError: null, interactionCount: 9 });
    expect(ok.json().lastSyncedAt).not.toBeNull();
    net.errors.push(new ConnectorError("transient", "HTTP 503 Service Unavailable"));
    await syncAccountInteractions(t.ctx, ws, accountId);
    const failed = await viewer.get(`/api/workspaces/${ws}/accounts/${accountId}/sync`);
    expect(failed.json().lastSyncError).toContain("HTTP 503 Service Unavailable");
    expect(failed.json().lastSyncErrorAt).not.toBeNull();
  });

  it("sync now is for managers and owners", async () => {
    const r = await viewer.post(`/api/workspaces/${ws}/accounts/${accountId}/sync`, {});
    expect(r.statusCode).toBe(403);
    net.push(interaction({ kind: "mention", text: "@musee coucou" }));
    const ok = await owner.post(`/api/workspaces/${ws}/accounts/${accountId}/sync`, {});
    expect(ok.json()).toMatchObject({ result: { status: "ok", inserted: 1 }, sync: { lastSyncError: null } });
  });
});
