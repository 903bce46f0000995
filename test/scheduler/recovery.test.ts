import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { localToInstant } from "../../src/modules/scheduler/local-time.js";
import { LEASE_SECONDS, publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { reconcile, sweep } from "../../src/modules/scheduler/recovery.service.js";
import { enqueueTarget } from "../../src/modules/scheduler/scheduler.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { inviteToken } from "../helpers/tenants.js";
import { eventsOf, FakeNetwork, postStatus, scheduledTarget, targetRow } from "./fixtures.js";

/** Reconciler, sweeper, crisis switch, the user's confirm/republish, notifications and DST scheduling. */
let t: TestApp;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let ws: string;
let net: FakeNetwork;

beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.jobs.start(t.ctx, { work: false, schedule: false });
  owner = await signUp(t, "owner@agence.fr", { name: "Odile Owner" });
  editor = await signUp(t, "editor@agence.fr", { name: "Édouard Éditeur" });
  viewer = await signUp(t, "viewer@client.fr", { name: "Vic Viewer" });
  ws = await createWorkspace(owner, "Brasserie Saint-Éloi");
  for (const [c, role] of [
    [editor, "editor"],
    [viewer, "viewer"],
  ] as const) {
    const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: c.user.email, role });
    const res = await c.post(`/api/invitations/${inviteToken(inv.json().acceptUrl)}/accept`, {});
    expect(res.statusCode).toBe(200);
  }
});
afterAll(() => t.close());
afterEach(() => net?.close());

const later = () => new Date(Date.now() + (LEASE_SECONDS + 5) * 1000);
const base = (s: { postId: string; targetId: string }) =>
  `/api/workspaces/${ws}/posts/${s.postId}/targets/${s.targetId}`;

async function crashedMidPublish(options: { authorId?: string } = {}) {
  net = new FakeNetwork();
  net.script = ["hang"];
  const s = await scheduledTarget(t, ws, { at: new Date(), authorId: options.authorId ?? editor.user.id });
  // The handler claims, then hangs in the network call: as if the worker died there.
  void publishTargets(t.ctx, [s.targetId]);
  for (let i = 0; i < 50 && (await targetRow(t, s.targetId)).status !== "publishing"; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return s;
}

describe("reconciler", () => {
  it("leaves a live lease alone, then marks an expired one unconfirmed and asks the people", async () => {
    const s = await crashedMidPublish();
    expect(await reconcile(t.ctx)).toEqual({ unconfirmed: 0, published: 0, rescheduled: 0 });
    expect((await targetRow(t, s.targetId)).status).toBe("publishing");
    expect(await reconcile(t.ctx, later())).toMatchObject({ unconfirmed: 1 });
    expect(await targetRow(t, s.targetId)).toMatchObject({ status: "unconfirmed", error_code: "interrupted" });
    expect(await postStatus(t, s.postId)).toBe("unconfirmed");
    const n = (await editor.get("/api/notifications?unreadOnly=true")).json().items[0];
    expect(n.kind).toBe("post_unconfirmed");
    expect(n.body).toContain("Vérifiez puis confirmez ou republiez");
    // Never re-sent blindly: no job, no claim.
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    expect(net.calls).toHaveLength(1);
    // The user checked: it was published.
    const viewerTry = await viewer.post(`${base(s)}/confirm-published`, {});
    expect(viewerTry.statusCode).toBe(403);
    const res = await editor.post(`${base(s)}/confirm-published`, { url: "https://slack.test/archives/p1" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "published", externalUrl: "https://slack.test/archives/p1" });
    expect(await postStatus(t, s.postId)).toBe("published");
    const last = (await eventsOf(t, s.targetId)).at(-1);
    expect(last).toMatchObject({ from_status: "unconfirmed", to_status: "published", actor_label: "Édouard Éditeur" });
    // Twice is a conflict, with a translated message.
    const again = await editor.request({
      method: "POST",
      url: `${base(s)}/confirm-published`,
      payload: {},
      headers: { "accept-language": "en" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain("“published”");
  });

  it("'publish again' after unconfirmed schedules it now with a new job, same idempotency key", async () => {
    const s = await crashedMidPublish();
    await reconcile(t.ctx, later());
    net.close();
    net = new FakeNetwork();
    const res = await editor.post(`${base(s)}/republish`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "scheduled", attempts: 0, errorCode: null });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pgboss.job where name = 'scheduler.publish-target' and data->>'targetId' = ${s.targetId}`.execute(
      t.ctx.db,
    );
    expect(rows[0]?.n).toBe(1);
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(1);
    expect(net.delivered[0]?.idempotencyKey).toBe(s.idempotencyKey);
    expect((await editor.post(`${base(s)}/republish`)).statusCode).toBe(409);
    const audit = await t.ctx.db.selectFrom("audit_log").select("action").where("target_id", "=", s.targetId).execute();
    expect(audit.map((a) => a.action)).toContain("post.target_republished");
  });

  it("asks the network when it can tell: found → published", async () => {
    const s = await crashedMidPublish();
    net.lookupAnswer = { externalId: "found-1", url: "https://receiver.test/found-1", publishedAt: new Date() };
    expect(await reconcile(t.ctx, later())).toMatchObject({ published: 1, unconfirmed: 0 });
    expect(await targetRow(t, s.targetId)).toMatchObject({ status: "published", external_id: "found-1" });
    expect(net.calls).toHaveLength(1);
  });

  it("absent on a connector without an idempotency guarantee → stays unconfirmed; with it → scheduled", async () => {
    const a = await crashedMidPublish();
    net.lookupAnswer = null;
    expect(await reconcile(t.ctx, later())).toMatchObject({ unconfirmed: 1 });
    expect((await targetRow(t, a.targetId)).status).toBe("unconfirmed");
    net.close();
    const b = await crashedMidPublish();
    net.lookupAnswer = null;
    net.guaranteesIdempotency = true;
    expect(await reconcile(t.ctx, later())).toMatchObject({ rescheduled: 1 });
    expect((await targetRow(t, b.targetId)).status).toBe("scheduled");
    expect(await publishTargets(t.ctx, [b.targetId])).toBe(1);
    expect(net.calls.filter((c) => c.targetId === b.targetId)).toHaveLength(2);
  });

  it("a late success after the reconciler gave up still counts as published", async () => {
    net = new FakeNetwork();
    net.delayMs = 400;
    const s = await scheduledTarget(t, ws, { at: new Date() });
    const running = publishTargets(t.ctx, [s.targetId]);
    for (let i = 0; i < 50 && (await targetRow(t, s.targetId)).status !== "publishing"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await reconcile(t.ctx, later());
    expect((await targetRow(t, s.targetId)).status).toBe("unconfirmed");
    await running;
    expect((await targetRow(t, s.targetId)).status).toBe("published");
  });
});

describe("sweeper", () => {
  it("re-sends overdue targets within the grace period, marks the others missed and tells the owner", async () => {
    net = new FakeNetwork();
    const late = await scheduledTarget(t, ws, { at: new Date(Date.now() - 10 * 60_000) });
    const gone = await scheduledTarget(t, ws, { at: new Date(Date.now() - 3 * 3600_000) });
    const fresh = await scheduledTarget(t, ws, { at: new Date(Date.now() - 10_000) });
    const counts = await sweep(t.ctx, { workspaceId: ws });
    expect(counts).toEqual({ requeued: 1, missed: 1 });
    expect((await targetRow(t, gone.targetId)).status).toBe("missed");
    expect(await postStatus(t, gone.postId)).toBe("missed");
    expect((await targetRow(t, fresh.targetId)).status).toBe("scheduled");
    const requeue = (await eventsOf(t, late.targetId)).at(-1);
    expect(requeue?.detail).toMatchObject({ requeued: true });
    expect((requeue?.detail as { lateSeconds: number }).lateSeconds).toBeGreaterThanOrEqual(599);
    // Sweeping again while that job waits queues nothing new.
    expect(await sweep(t.ctx, { workspaceId: ws })).toEqual({ requeued: 0, missed: 0 });
    // The late one is published (late), the missed one never.
    expect(await publishTargets(t.ctx, [late.targetId, gone.targetId])).toBe(1);
    const kinds = (await owner.get("/api/notifications")).json().items.map((n: { kind: string }) => n.kind);
    expect(kinds).toContain("post_missed");
  });

  it("respects the workspace's grace period setting", async () => {
    const strict = await createWorkspace(owner, "Zéro tolérance");
    await t.ctx.db.updateTable("workspaces").set({ missed_grace_minutes: 0 }).where("id", "=", strict).execute();
    // A job a few seconds late is still published with a grace of 0 (jobs never run at the exact ms)…
    const onTime = await scheduledTarget(t, strict, { at: new Date(Date.now() - 3_000) });
    net = new FakeNetwork();
    expect(await publishTargets(t.ctx, [onTime.targetId])).toBe(1);
    // …but past the sweeper's minute it is missed, and not claimed either.
    const s = await scheduledTarget(t, strict, { at: new Date(Date.now() - 90_000) });
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    expect(await sweep(t.ctx, { workspaceId: strict })).toEqual({ requeued: 0, missed: 1 });
    expect((await targetRow(t, s.targetId)).status).toBe("missed");
  });
});

describe("crisis switch", () => {
  it("pauses every claim of the workspace, audits, and on resume sends what is still within grace", async () => {
    net = new FakeNetwork();
    const cws = await createWorkspace(owner, "Crise & Cie");
    const soon = await scheduledTarget(t, cws, { at: new Date(Date.now() - 5_000) });
    const old = await scheduledTarget(t, cws, { at: new Date(Date.now() - 2 * 3600_000) });
    const res = await owner.post(`/api/workspaces/${cws}/crisis`, { paused: true, reason: "Deuil national 🕯️" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ paused: true, reason: "Deuil national 🕯️", scheduledTargets: 2 });
    expect(res.json().pausedBy.name).toBe("Odile Owner");
    expect(await publishTargets(t.ctx, [soon.targetId])).toBe(0);
    // The sweeper leaves a paused workspace alone (nothing missed during the pause itself).
    expect(await sweep(t.ctx, { workspaceId: cws })).toEqual({ requeued: 0, missed: 0 });
    expect((await owner.get(`/api/workspaces/${cws}/crisis`)).json().paused).toBe(true);
    const resumed = await owner.post(`/api/workspaces/${cws}/crisis`, { paused: false });
    expect(resumed.json()).toMatchObject({ paused: false, resumed: { requeued: 1, missed: 1 } });
    expect(await publishTargets(t.ctx, [soon.targetId])).toBe(1);
    expect((await targetRow(t, old.targetId)).status).toBe("missed");
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "data"])
      .where("workspace_id", "=", cws)
      .where("action", "like", "crisis.%")
      .orderBy("created_at")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["crisis.paused", "crisis.resumed"]);
    expect(audit[0]?.data).toMatchObject({ scheduledTargets: 2, reason: "Deuil national 🕯️" });
  });

  it("is manager+ to toggle, anyone to read; bad bodies are 400", async () => {
    expect((await editor.post(`/api/workspaces/${ws}/crisis`, { paused: true })).statusCode).toBe(403);
    expect((await viewer.get(`/api/workspaces/${ws}/crisis`)).json().paused).toBe(false);
    expect((await owner.post(`/api/workspaces/${ws}/crisis`, { paused: "oui" })).statusCode).toBe(400);
    expect((await owner.post(`/api/workspaces/${ws}/crisis`, { paused: true, extra: 1 })).statusCode).toBe(400);
  });
});

describe("notifications inbox", () => {
  it("lists mine newest first, pages, counts and marks read (only mine)", async () => {
    const n0 = (await owner.get("/api/notifications/unread-count")).json().count;
    expect(n0).toBeGreaterThan(0);
    const page = (await owner.get("/api/notifications?limit=1")).json();
    expect(page.items).toHaveLength(1);
    expect(page.nextBefore).toBeTruthy();
    const page2 = (await owner.get(`/api/notifications?limit=1&before=${encodeURIComponent(page.nextBefore)}`)).json();
    expect(page2.items[0].id).not.toBe(page.items[0].id);
    // Someone else's ids are not touched.
    const editorIds = (await editor.get("/api/notifications")).json().items.map((n: { id: string }) => n.id);
    expect(editorIds.length).toBeGreaterThan(0);
    const cross = await owner.post("/api/notifications/read", { ids: editorIds });
    expect(cross.json().updated).toBe(0);
    const one = await owner.post("/api/notifications/read", { ids: [page.items[0].id] });
    expect(one.json()).toEqual({ updated: 1, unread: n0 - 1 });
    const all = await owner.post("/api/notifications/read", { all: true });
    expect(all.json()).toEqual({ updated: n0 - 1, unread: 0 });
    expect((await owner.get("/api/notifications?unreadOnly=true")).json().items).toEqual([]);
    expect((await editor.get("/api/notifications/unread-count")).json().count).toBe(editorIds.length);
    expect((await owner.post("/api/notifications/read", {})).statusCode).toBe(400);
    expect((await owner.post("/api/notifications/read", { ids: ["nope"] })).statusCode).toBe(400);
    expect((await owner.get("/api/notifications?limit=0")).statusCode).toBe(400);
  });
});

describe("time zones", () => {
  async function startAfterOf(targetId: string) {
    const { rows } = await sql<{ start_after: Date }>`
      select start_after from pgboss.job where name = 'scheduler.publish-target' and data->>'targetId' = ${targetId}
       order by created_on desc limit 1`.execute(t.ctx.db);
    return rows[0]?.start_after.toISOString();
  }

  for (const [local, expected, adjusted] of [
    ["2026-03-29T09:00", "2026-03-29T07:00:00.000Z", "none"],
    ["2026-10-25T09:00", "2026-10-25T08:00:00.000Z", "none"],
    ["2026-03-29T02:30", "2026-03-29T01:30:00.000Z", "gap"],
    ["2026-10-25T02:30", "2026-10-25T00:30:00.000Z", "overlap"],
  ] as const) {
    it(`a post at ${local} Europe/Paris runs at ${expected} (${adjusted})`, async () => {
      const r = localToInstant(local, "Europe/Paris");
      expect(r.adjusted).toBe(adjusted);
      expect(r.instant.toISOString()).toBe(expected);
      const s = await scheduledTarget(t, ws, { at: r.instant });
      await enqueueTarget(t.ctx, { targetId: s.targetId, runAt: r.instant });
      expect(await startAfterOf(s.targetId)).toBe(expected);
      expect((await targetRow(t, s.targetId)).next_attempt_at?.toISOString()).toBe(expected);
    });
  }
});
