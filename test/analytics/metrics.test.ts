import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import { isPostDue, snapshotInterval, snapshotMetrics } from "../../src/modules/analytics/metrics.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { FakeSocial, publishedTarget, socialAccount } from "../inbox/fake-social.js";

/**
 * Metric snapshots: the schedule (denser in the first 48 h, then daily, then none after 30 days) with a
 * fake clock, batches of at most 25 ids per network call, rows appended and never overwritten.
 */
let t: TestApp;
let owner: Caller;
let net: FakeSocial;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "marc.owner@musee.fr", { name: "Marc Owner" });
});
afterAll(() => t.close());
afterEach(() => net?.close());

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function snapshotsOf(targetId: string) {
  return t.ctx.db
    .selectFrom("post_metric_snapshots")
    .selectAll()
    .where("post_target_id", "=", targetId)
    .orderBy("taken_at")
    .execute();
}

describe("schedule", () => {
  it("every 15 min up to 6 h, hourly up to 48 h, daily up to 30 days, then stops", () => {
    expect(snapshotInterval(0)).toBe(15 * MIN);
    expect(snapshotInterval(6 * HOUR - 1)).toBe(15 * MIN);
    expect(snapshotInterval(6 * HOUR)).toBe(HOUR);
    expect(snapshotInterval(48 * HOUR)).toBe(DAY);
    expect(snapshotInterval(30 * DAY)).toBeNull();
    // A job every 5 minutes over 31 days, counting the snapshots per band.
    const published = new Date("2026-11-01T09:00:00Z");
    let last: Date | null = null;
    const bands = { first6h: 0, to48h: 0, to30d: 0, after: 0 };
    for (let at = published.getTime(); at < published.getTime() + 31 * DAY; at += 5 * MIN) {
      const now = new Date(at);
      if (!isPostDue(published, last, now)) continue;
      last = now;
      const age = at - published.getTime();
      if (age < 6 * HOUR) bands.first6h++;
      else if (age < 48 * HOUR) bands.to48h++;
      else if (age < 30 * DAY) bands.to30d++;
      else bands.after++;
    }
    expect(bands).toEqual({ first6h: 24, to48h: 42, to30d: 28, after: 0 });
  });

  it("the job follows the schedule on the database (fake clock over the first 8 hours)", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Horloge");
    const accountId = await socialAccount(t, ws);
    const published = new Date(Date.now() - 60_000);
    const { targetId } = await publishedTarget(t, ws, accountId, {
      externalId: "at://did:plc:musee/app.bsky.feed.post/horloge",
      publishedAt: published,
    });
    net.postMetrics.set("at://did:plc:musee/app.bsky.feed.post/horloge", {
      likes: 1,
      reposts: 0,
      replies: 0,
      quotes: 0,
      impressions: null,
    });
    for (let at = published.getTime(); at <= published.getTime() + 8 * HOUR; at += 5 * MIN) {
      await snapshotMetrics(t.ctx, { now: new Date(at), workspaceId: ws });
    }
    const taken = (await snapshotsOf(targetId)).map((s) => s.taken_at.getTime() - published.getTime());
    expect(taken.filter((age) => age < 6 * HOUR)).toHaveLength(24);
    expect(taken.filter((age) => age >= 6 * HOUR)).toHaveLength(2); // 6 h and 7 h
    // A month later: no more snapshots.
    await snapshotMetrics(t.ctx, { now: new Date(published.getTime() + 31 * DAY), workspaceId: ws });
    expect(await snapshotsOf(targetId)).toHaveLength(26);
  });
});

describe("snapshots", () => {
  it("asks the network ≤ 25 ids per call, appends rows (never overwrites) and skips posts it does not know", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Lots");
    const accountId = await socialAccount(t, ws);
    const targets: string[] = [];
    for (let i = 0; i < 60; i++) {
      const externalId = `at://did:plc:musee/app.bsky.feed.post/p${i}`;
      targets.push((await publishedTarget(t, ws, accountId, { externalId })).targetId);
      if (i !== 59) net.postMetrics.set(externalId, { likes: i, reposts: 1, replies: 2, quotes: 3, impressions: null });
    }
    const now = new Date();
    const r1 = await snapshotMetrics(t.ctx, { now, workspaceId: ws });
    expect(r1.posts).toBe(59);
    expect(net.metricCalls.map((c) => c.length)).toEqual([25, 25, 10]);
    // Later, counters grew: a second row, the first unchanged.
    net.postMetrics.set("at://did:plc:musee/app.bsky.feed.post/p7", {
      likes: 70,
      reposts: 8,
      replies: 9,
      quotes: 1,
      impressions: 1000,
    });
    await snapshotMetrics(t.ctx, { now: new Date(now.getTime() + 16 * MIN), workspaceId: ws });
    const rows = await snapshotsOf(targets[7]!);
    expect(rows.map((r) => [r.likes, r.reposts, r.replies, r.quotes, r.impressions])).toEqual([
      [7, 1, 2, 3, null],
      [70, 8, 9, 1, 1000],
    ]);
    expect(await snapshotsOf(targets[59]!)).toHaveLength(0);
  });

  it("account counters hourly", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Abonnés");
    const accountId = await socialAccount(t, ws);
    net.accountMetrics = { followers: 1200, following: 80, posts: 340 };
    const start = new Date();
    for (let m = 0; m <= 130; m += 5) {
      net.accountMetrics = { followers: 1200 + m, following: 80, posts: 340 };
      await snapshotMetrics(t.ctx, { now: new Date(start.getTime() + m * MIN), workspaceId: ws });
    }
    const rows = await t.ctx.db
      .selectFrom("account_metric_snapshots")
      .select(["followers", "taken_at"])
      .where("account_id", "=", accountId)
      .orderBy("taken_at")
      .execute();
    expect(rows.map((r) => r.followers)).toEqual([1200, 1260, 1320]);
  });

  it("auth_expired → reconnect needed, other accounts still snapshotted; rate_limited → the account waits", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Erreurs");
    const a1 = await socialAccount(t, ws, { name: "Compte A" });
    await publishedTarget(t, ws, a1, { externalId: "at://a/1" });
    net.postMetrics.set("at://a/1", { likes: 1, reposts: 0, replies: 0, quotes: 0, impressions: null });
    net.errors.push(new ConnectorError("auth_expired", "Bad token"));
    const r = await snapshotMetrics(t.ctx, { workspaceId: ws });
    expect(r.failures).toBe(1);
    const row = await t.ctx.db.selectFrom("social_accounts").selectAll().where("id", "=", a1).executeTakeFirstOrThrow();
    expect(row.status).toBe("reconnect_needed");

    const a2 = await socialAccount(t, ws, { name: "Compte B" });
    const { targetId } = await publishedTarget(t, ws, a2, { externalId: "at://b/1" });
    net.postMetrics.set("at://b/1", { likes: 2, reposts: 0, replies: 0, quotes: 0, impressions: null });
    net.errors.push(new ConnectorError("rate_limited", "Slow down", { retryAfterSeconds: 600 }));
    const now = new Date();
    await snapshotMetrics(t.ctx, { now, workspaceId: ws });
    const b = await t.ctx.db.selectFrom("social_accounts").selectAll().where("id", "=", a2).executeTakeFirstOrThrow();
    expect(b.sync_not_before?.getTime()).toBe(now.getTime() + 600_000);
    net.metricCalls.length = 0;
    await snapshotMetrics(t.ctx, { now: new Date(now.getTime() + 5 * MIN), workspaceId: ws });
    expect(net.metricCalls).toHaveLength(0);
    await snapshotMetrics(t.ctx, { now: new Date(now.getTime() + 11 * MIN), workspaceId: ws });
    expect(await snapshotsOf(targetId)).toHaveLength(1);
  });
});

describe("API", () => {
  it("series of a target and of an account; sync now; another workspace's ids are not found", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Séries");
    const accountId = await socialAccount(t, ws);
    const { postId, targetId } = await publishedTarget(t, ws, accountId, { externalId: "at://s/1" });
    net.postMetrics.set("at://s/1", { likes: 5, reposts: 1, replies: 2, quotes: 0, impressions: null });
    net.accountMetrics = { followers: 321, following: 12, posts: 45 };
    const sync = await owner.post(`/api/workspaces/${ws}/accounts/${accountId}/sync`, {});
    expect(sync.statusCode).toBe(200);
    expect(sync.json()).toMatchObject({
      result: { status: "ok", inserted: 0, snapshots: 2 },
      sync: { accountId, status: "active", canSync: true, lastSyncError: null },
    });
    const m = await owner.get(`/api/workspaces/${ws}/posts/${postId}/targets/${targetId}/metrics`);
    expect(m.statusCode).toBe(200);
    expect(m.json().latest).toMatchObject({ likes: 5, reposts: 1, replies: 2, quotes: 0, impressions: null });
    expect(m.json().series).toHaveLength(1);
    const am = await owner.get(`/api/workspaces/${ws}/accounts/${accountId}/metrics`);
    expect(am.json()).toMatchObject({ accountId, latest: { followers: 321, following: 12, posts: 45 } });
    // The calendar shows the latest counters on the published target.
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date(Date.now() + DAY).toISOString();
    const cal = await owner.get(`/api/workspaces/${ws}/calendar?from=${from}&to=${to}`);
    expect(cal.statusCode).toBe(200);
    const entry = cal.json().entries.find((e: { postId: string }) => e.postId === postId);
    expect(entry.targets[0]).toMatchObject({
      status: "published",
      externalUrl: "https://bsky.app/profile/musee.bsky.social/post/1",
      metrics: { likes: 5, reposts: 1, replies: 2, quotes: 0 },
    });
    // An older snapshot stored later (a backfill) does not replace the latest one.
    await t.ctx.db
      .insertInto("post_metric_snapshots")
      .values({ workspace_id: ws, post_target_id: targetId, taken_at: new Date(Date.now() - DAY), likes: 1 })
      .execute();
    const again = (await owner.get(`/api/workspaces/${ws}/calendar?from=${from}&to=${to}`)).json();
    const latest = again.entries.find((e: { postId: string }) => e.postId === postId).targets[0].metrics;
    expect(latest).toMatchObject({ likes: 5, reposts: 1 });
    const other = await createWorkspace(owner, "Autre");
    expect((await owner.get(`/api/workspaces/${other}/posts/${postId}/targets/${targetId}/metrics`)).statusCode).toBe(
      404,
    );
    expect((await owner.get(`/api/workspaces/${other}/accounts/${accountId}/metrics`)).statusCode).toBe(404);
  });

  it("sync now: 409 with a translated message for a network Relais cannot read, and for an account to reconnect", async () => {
    net = new FakeSocial();
    const ws = await createWorkspace(owner, "Refus");
    const webhook = await socialAccount(t, ws, { network: "webhook", name: "Slack #équipe" });
    const r = await owner.request({
      method: "POST",
      url: `/api/workspaces/${ws}/accounts/${webhook}/sync`,
      headers: { "accept-language": "fr" },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({
      code: "sync_unsupported",
      message: "Relais ne sait pas encore lire les interactions ni les statistiques du compte Slack #équipe.",
    });
    const bsky = await socialAccount(t, ws);
    await t.ctx.db.updateTable("social_accounts").set({ status: "reconnect_needed" }).where("id", "=", bsky).execute();
    const r2 = await owner.request({
      method: "POST",
      url: `/api/workspaces/${ws}/accounts/${bsky}/sync`,
      headers: { "accept-language": "en" },
    });
    expect(r2.statusCode).toBe(409);
    expect(r2.json().error.code).toBe("account_not_active");
  });
});
