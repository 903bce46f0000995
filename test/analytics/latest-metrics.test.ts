import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPostSnapshots, type NewPostSnapshot } from "../../src/modules/analytics/metrics.repo.js";
import { insertAccounts, insertPosts } from "../calendar/seed.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";

/**
 * Each target's latest snapshot is kept on its row (post_targets.latest_metrics, migration 0014) by the
 * statement that stores the snapshots: the calendar reads it there. A late, older snapshot never replaces it.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let targets: string[];

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "lea.owner@musee.fr", { name: "Léa" });
  ws = await createWorkspace(owner, "Musée");
  const [acc] = await insertAccounts(t.ctx.db, ws, [{ network: "bluesky", name: "Musée 🦋" }]);
  await insertPosts(t.ctx.db, ws, "Europe/Paris", [
    { at: new Date("2030-01-10T10:00:00Z"), accounts: [acc as string], status: "published", targetStatus: "published" },
    { at: new Date("2030-01-11T10:00:00Z"), accounts: [acc as string], status: "published", targetStatus: "published" },
  ]);
  targets = (
    await t.ctx.db
      .selectFrom("post_targets")
      .select("id")
      .where("workspace_id", "=", ws)
      .orderBy("created_at")
      .execute()
  ).map((r) => r.id);
});
afterAll(() => t.close());

const snap = (target: string, at: string, likes: number): NewPostSnapshot => ({
  workspace_id: ws,
  post_target_id: target,
  taken_at: new Date(at),
  likes,
  reposts: 1,
  replies: null,
  quotes: 0,
  impressions: null,
});

async function latest(target: string) {
  const row = await t.ctx.db
    .selectFrom("post_targets")
    .select("latest_metrics")
    .where("id", "=", target)
    .executeTakeFirstOrThrow();
  const m = row.latest_metrics;
  return m ? { ...m, takenAt: new Date(m.takenAt).toISOString() } : null;
}

describe("latest metrics on the target", () => {
  it("keeps the newest snapshot of each target, whatever the order they are stored in", async () => {
    const [a, b] = targets as [string, string];
    expect(await latest(a)).toBeNull();
    // One batch with two snapshots of the same target: the newer wins.
    await insertPostSnapshots(t.ctx.db, [
      snap(a, "2030-01-10T12:00:00Z", 5),
      snap(a, "2030-01-10T13:00:00Z", 8),
      snap(b, "2030-01-11T12:00:00Z", 2),
    ]);
    expect(await latest(a)).toEqual({
      takenAt: "2030-01-10T13:00:00.000Z",
      likes: 8,
      reposts: 1,
      replies: null,
      quotes: 0,
    });
    // A late batch with an older snapshot of `a` changes nothing for `a`, a newer one of `b` replaces b's.
    await insertPostSnapshots(t.ctx.db, [snap(a, "2030-01-10T11:00:00Z", 99), snap(b, "2030-01-12T09:00:00Z", 3)]);
    expect((await latest(a))?.likes).toBe(8);
    expect(await latest(b)).toMatchObject({ takenAt: "2030-01-12T09:00:00.000Z", likes: 3 });
    // Every snapshot is kept as history.
    const count = await t.ctx.db
      .selectFrom("post_metric_snapshots")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("workspace_id", "=", ws)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(5);
  });

  it("is what the calendar shows on the published posts", async () => {
    const res = await owner.get(`/api/workspaces/${ws}/calendar?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z`);
    expect(res.statusCode).toBe(200);
    const metrics = res
      .json()
      .entries.map((e: { targets: { metrics?: { likes: number } }[] }) => e.targets[0]?.metrics);
    expect(metrics).toEqual([
      { takenAt: "2030-01-10T13:00:00.000Z", likes: 8, reposts: 1, replies: null, quotes: 0 },
      { takenAt: "2030-01-12T09:00:00.000Z", likes: 3, reposts: 1, replies: null, quotes: 0 },
    ]);
  });
});
