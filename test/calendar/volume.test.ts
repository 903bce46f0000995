import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { insertAccounts, insertPosts, type PostSpec } from "./seed.js";

/**
 * 10,000 posts over a year across 20 accounts: the month view answers every post of the month, in
 * order, with its targets — a sanity check of the volume path (timings are bench/calendar.ts's job).
 */
let t: TestApp;
let owner: Caller;
let ws: string;
const total = 10_000;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "volume@agence.fr");
  ws = await createWorkspace(owner, "Gros client");
  const accounts = await insertAccounts(
    t.ctx.db,
    ws,
    Array.from({ length: 20 }, (_, i) => ({ network: i % 2 ? "bluesky" : "mastodon", name: `Compte ${i}` })),
  );
  const start = Date.UTC(2030, 0, 1);
  const step = Math.floor((365 * 86_400_000) / total);
  const specs: PostSpec[] = Array.from({ length: total }, (_, i) => ({
    at: new Date(start + i * step),
    accounts: [accounts[i % 20] as string, accounts[(i + 7) % 20] as string],
    body: `Post ${i} 🎯`,
  }));
  await insertPosts(t.ctx.db, ws, "Europe/Paris", specs);
}, 120_000);
afterAll(() => t.close());

describe("a year of 10,000 posts", () => {
  it("returns exactly the posts of a month, ordered, each with its two targets", async () => {
    const from = new Date("2030-06-01T00:00:00+02:00");
    const to = new Date("2030-07-01T00:00:00+02:00");
    const step = Math.floor((365 * 86_400_000) / total);
    const expected = Array.from({ length: total }, (_, i) => Date.UTC(2030, 0, 1) + i * step).filter(
      (ms) => ms >= from.getTime() && ms < to.getTime(),
    ).length;
    const res = await owner.get(
      `/api/workspaces/${ws}/calendar?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
    );
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { scheduledAt: string; targets: unknown[] }[];
    expect(entries.length).toBe(expected);
    expect(entries.length).toBeGreaterThan(800);
    expect(entries.every((e) => e.targets.length === 2)).toBe(true);
    const times = entries.map((e) => e.scheduledAt);
    expect([...times].sort()).toEqual(times);
  });
});
