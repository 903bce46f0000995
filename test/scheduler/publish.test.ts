import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import { publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { MAX_ATTEMPTS } from "../../src/modules/scheduler/publish-errors.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import {
  eventsOf,
  FakeNetwork,
  makeDue,
  postStatus,
  scheduledTarget,
  targetRow,
  transient,
  waitFor,
} from "./fixtures.js";

/**
 * The publish job's contract: one claim per target, the network called outside any transaction, each
 * outcome recorded under the attempt that produced it — so duplicates and stale jobs never publish twice.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let net: FakeNetwork;

beforeAll(async () => {
  t = await createTestApp();
  // Sending only: these tests run the handler themselves, so the outcome of each step is deterministic.
  await t.ctx.jobs.start(t.ctx, { work: false, schedule: false });
  owner = await signUp(t, "chloe.owner@agence.fr", { name: "Chloé Owner" });
  ws = await createWorkspace(owner, "Musée des Confluences");
});
afterAll(() => t.close());
afterEach(() => net?.close());

const now = () => new Date();

async function queuedJobs(targetId: string) {
  const { rows } = await sql<{ start_after: Date; singleton_key: string; state: string }>`
    select start_after, singleton_key, state from pgboss.job
     where name = 'scheduler.publish-target' and data->>'targetId' = ${targetId} order by created_on`.execute(t.ctx.db);
  return rows;
}

describe("publish-target", () => {
  it("publishes a due target once, records the trail and the post's status", async () => {
    net = new FakeNetwork();
    const s = await scheduledTarget(t, ws, { at: now(), authorId: owner.user.id });
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(1);
    const row = await targetRow(t, s.targetId);
    expect(row).toMatchObject({ status: "published", attempts: 1, external_id: "ext-1", lease_expires_at: null });
    expect(row.external_url).toBe(`https://receiver.test/p/${s.targetId}`);
    expect(net.delivered[0]).toMatchObject({
      idempotencyKey: s.idempotencyKey,
      text: "Vernissage ce soir à 19 h — entrée libre 🎨👩🏽‍🎨",
      postId: s.postId,
    });
    expect(await postStatus(t, s.postId)).toBe("published");
    const post = await t.ctx.db
      .selectFrom("posts")
      .select("last_published_at")
      .where("id", "=", s.postId)
      .executeTakeFirstOrThrow();
    expect(post.last_published_at).not.toBeNull();
    expect((await eventsOf(t, s.targetId)).map((e) => `${e.from_status}→${e.to_status}`)).toEqual([
      "scheduled→publishing",
      "publishing→published",
    ]);
    // Run again (a pg-boss retry, a duplicate job): nothing to claim, nothing sent.
    expect(await publishTargets(t.ctx, [s.targetId, s.targetId])).toBe(0);
    expect(net.deliveriesOf(s.targetId)).toBe(1);
  });

  it("uses the per-account variant text when there is one", async () => {
    net = new FakeNetwork();
    const s = await scheduledTarget(t, ws, { at: now() });
    await t.ctx.db.updateTable("post_targets").set({ body: "Version Slack ✨" }).where("id", "=", s.targetId).execute();
    await publishTargets(t.ctx, [s.targetId]);
    expect(net.delivered[0]?.text).toBe("Version Slack ✨");
  });

  it("duplicate and concurrent jobs for one target publish it exactly once", async () => {
    net = new FakeNetwork();
    net.delayMs = 50;
    const s = await scheduledTarget(t, ws, { at: now() });
    const claims = await Promise.all(Array.from({ length: 6 }, () => publishTargets(t.ctx, [s.targetId])));
    expect(claims.reduce((a, b) => a + b, 0)).toBe(1);
    expect(net.deliveriesOf(s.targetId)).toBe(1);
    expect((await targetRow(t, s.targetId)).status).toBe("published");
  });

  it("does not claim a target before its time, nor a rescheduled one from its old job", async () => {
    net = new FakeNetwork();
    const s = await scheduledTarget(t, ws, { at: new Date(Date.now() + 60_000) });
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    expect(net.calls).toHaveLength(0);
    expect((await targetRow(t, s.targetId)).status).toBe("scheduled");
  });

  it("a reschedule moves the job: the old one finds nothing, the new one publishes", async () => {
    net = new FakeNetwork();
    const { enqueueTarget } = await import("../../src/modules/scheduler/scheduler.service.js");
    const first = new Date(Date.now() + 3_600_000);
    const s = await scheduledTarget(t, ws, { at: first });
    expect(await enqueueTarget(t.ctx, { targetId: s.targetId, runAt: first })).toBeTruthy();
    // The same schedule sent twice queues one job.
    expect(await enqueueTarget(t.ctx, { targetId: s.targetId, runAt: first })).toBeNull();
    const second = new Date(Date.now() + 7_200_000);
    await t.ctx.db.updateTable("post_targets").set({ next_attempt_at: second }).where("id", "=", s.targetId).execute();
    expect(await enqueueTarget(t.ctx, { targetId: s.targetId, runAt: second })).toBeTruthy();
    const jobs = await queuedJobs(s.targetId);
    expect(jobs.map((j) => j.start_after.toISOString())).toEqual([first.toISOString(), second.toISOString()]);
    expect(jobs[1]?.singleton_key).toBe(`${s.targetId}:${second.toISOString()}`);
    // The old job's time comes: the target is not due, nothing happens.
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    await makeDue(t, s.targetId);
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(1);
    expect(net.deliveriesOf(s.targetId)).toBe(1);
  });

  it("retries a transient failure with backoff and a new job, then delivers exactly once", async () => {
    net = new FakeNetwork();
    net.script = [transient(), transient("HTTP 503")];
    const s = await scheduledTarget(t, ws, { at: now() });
    await publishTargets(t.ctx, [s.targetId]);
    let row = await targetRow(t, s.targetId);
    expect(row).toMatchObject({ status: "scheduled", attempts: 1, error_code: "transient" });
    const wait1 = (row.next_attempt_at!.getTime() - Date.now()) / 1000;
    expect(wait1).toBeGreaterThan(25);
    expect(wait1).toBeLessThanOrEqual(30);
    const job = (await queuedJobs(s.targetId)).at(-1);
    expect(job?.start_after.toISOString()).toBe(row.next_attempt_at!.toISOString());
    // Not due yet: a stray job does nothing.
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    await makeDue(t, s.targetId);
    await publishTargets(t.ctx, [s.targetId]);
    row = await targetRow(t, s.targetId);
    const wait2 = (row.next_attempt_at!.getTime() - Date.now()) / 1000;
    expect(wait2).toBeGreaterThan(55); // doubled
    await makeDue(t, s.targetId);
    await publishTargets(t.ctx, [s.targetId]);
    row = await targetRow(t, s.targetId);
    expect(row).toMatchObject({ status: "published", attempts: 3, error_code: null });
    expect(net.calls).toHaveLength(3);
    expect(net.deliveriesOf(s.targetId)).toBe(1);
    // Every attempt carried the same idempotency key.
    expect(new Set(net.calls.map((c) => c.idempotencyKey))).toEqual(new Set([s.idempotencyKey]));
  });

  it("honours Retry-After on 429", async () => {
    net = new FakeNetwork();
    net.script = [new ConnectorError("rate_limited", "Too Many Requests", { status: 429, retryAfterSeconds: 120 })];
    const s = await scheduledTarget(t, ws, { at: now() });
    await publishTargets(t.ctx, [s.targetId]);
    const row = await targetRow(t, s.targetId);
    expect(row.status).toBe("scheduled");
    const wait = (row.next_attempt_at!.getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(115);
    expect(wait).toBeLessThanOrEqual(120);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: failed, explained, notified`, async () => {
    net = new FakeNetwork();
    net.script = Array.from({ length: MAX_ATTEMPTS }, () => transient("connect ECONNREFUSED"));
    const s = await scheduledTarget(t, ws, { at: now(), authorId: owner.user.id });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await makeDue(t, s.targetId);
      await publishTargets(t.ctx, [s.targetId]);
    }
    expect(await targetRow(t, s.targetId)).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      error_code: "retries_exhausted",
      error_message: "connect ECONNREFUSED",
    });
    expect(await postStatus(t, s.postId)).toBe("failed");
    expect(net.delivered).toHaveLength(0);
  });

  it("410 (auth_expired): failed, account needs reconnecting, owner told", async () => {
    net = new FakeNetwork();
    net.script = [new ConnectorError("auth_expired", "HTTP 410 Gone: webhook deleted", { status: 410 })];
    const s = await scheduledTarget(t, ws, { at: now() });
    await publishTargets(t.ctx, [s.targetId]);
    expect(await targetRow(t, s.targetId)).toMatchObject({ status: "failed", error_code: "auth_expired", attempts: 1 });
    const account = await t.ctx.db
      .selectFrom("social_accounts")
      .select(["status", "status_reason"])
      .where("id", "=", s.accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ status: "reconnect_needed", status_reason: "HTTP 410 Gone: webhook deleted" });
    const kinds = await t.ctx.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", owner.user.id)
      .where(sql<boolean>`data->>'accountName' = 'Slack #annonces'`)
      .execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(expect.arrayContaining(["account_reconnect", "publish_failed"]));
    // Another target of that account is no longer claimed.
    const other = await scheduledTarget(t, ws, { at: now(), accountId: s.accountId });
    expect(await publishTargets(t.ctx, [other.targetId])).toBe(0);
    expect(net.calls).toHaveLength(1);
  });

  it("422 (content_rejected): failed with the network's words and our explanation, fr and en", async () => {
    net = new FakeNetwork();
    net.script = [new ConnectorError("content_rejected", "Texte trop long : 3 200 caractères (max 3 000)")];
    const s = await scheduledTarget(t, ws, { at: now(), authorId: owner.user.id, body: "Été 2026 : le programme ☀️" });
    await publishTargets(t.ctx, [s.targetId]);
    expect(await targetRow(t, s.targetId)).toMatchObject({
      status: "failed",
      error_code: "content_rejected",
      error_message: "Texte trop long : 3 200 caractères (max 3 000)",
    });
    const fr = (await owner.get("/api/notifications")).json().items[0];
    expect(fr.kind).toBe("publish_failed");
    expect(fr.body).toContain("« Été 2026 : le programme ☀️ »");
    expect(fr.body).toContain("Le réseau a refusé ce contenu");
    expect(fr.body).toContain("Texte trop long : 3 200 caractères (max 3 000)");
    const en = (
      await owner.request({ method: "GET", url: "/api/notifications", headers: { "accept-language": "en" } })
    ).json().items[0];
    expect(en.title).toContain("Publishing failed");
    expect(en.body).toContain("The network refused this content");
  });

  it("an unexpected throw from the connector leaves the target unconfirmed, never retried", async () => {
    net = new FakeNetwork();
    net.script = [new TypeError("Cannot read properties of undefined")];
    const s = await scheduledTarget(t, ws, { at: now() });
    await publishTargets(t.ctx, [s.targetId]);
    expect(await targetRow(t, s.targetId)).toMatchObject({ status: "unconfirmed", error_code: "unknown_outcome" });
    expect(await postStatus(t, s.postId)).toBe("unconfirmed");
    await makeDue(t, s.targetId);
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
  });

  it("a target past the grace period is not claimed (the sweeper marks it missed)", async () => {
    net = new FakeNetwork();
    const s = await scheduledTarget(t, ws, { at: new Date(Date.now() - 2 * 3600_000) });
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(0);
    expect(net.calls).toHaveLength(0);
  });

  it("ignores garbage and unknown ids", async () => {
    expect(await publishTargets(t.ctx, ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])).toBe(0);
  });

  it("a batch across workspaces publishes each target once and in parallel", async () => {
    net = new FakeNetwork();
    net.delayMs = 200;
    const other = await createWorkspace(owner, "Office de tourisme d'Annecy");
    const targets = [];
    for (let i = 0; i < 10; i++) targets.push(await scheduledTarget(t, i % 2 ? ws : other, { at: now() }));
    const started = Date.now();
    expect(
      await publishTargets(
        t.ctx,
        targets.map((x) => x.targetId),
      ),
    ).toBe(10);
    // Ten 200 ms calls in parallel, not one after the other.
    expect(Date.now() - started).toBeLessThan(1500);
    for (const x of targets) expect(net.deliveriesOf(x.targetId)).toBe(1);
  });
});

describe("with the worker running", () => {
  it("publishes within seconds of the time through the real queue", async () => {
    const w = await createTestApp({ withQueue: true });
    try {
      const o = await signUp(w, "worker.owner@agence.fr");
      const wsId = await createWorkspace(o, "Théâtre du Châtelet");
      net = new FakeNetwork();
      const at = new Date(Date.now() + 1500);
      const s = await scheduledTarget(w, wsId, { at });
      const { enqueueTarget } = await import("../../src/modules/scheduler/scheduler.service.js");
      await enqueueTarget(w.ctx, { targetId: s.targetId, runAt: at });
      const row = await waitFor(async () => {
        const r = await targetRow(w, s.targetId);
        return r.status === "published" ? r : undefined;
      });
      const late = row.published_at!.getTime() - at.getTime();
      expect(late).toBeGreaterThanOrEqual(-1000);
      expect(late).toBeLessThan(3000);
      expect(net.deliveriesOf(s.targetId)).toBe(1);
    } finally {
      await w.close();
    }
  });
});
