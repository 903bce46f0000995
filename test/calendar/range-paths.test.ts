import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPostSnapshots } from "../../src/modules/analytics/metrics.repo.js";
import { findInRange, type RangeFilters } from "../../src/modules/calendar/calendar.repo.js";
import { createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { insertAccounts, insertPosts } from "./seed.js";

/**
 * The range query has two ways of bringing rows back (plain rows on PostgreSQL, one JSON text on PGlite:
 * see findInRange). Both are plain SQL that either engine runs: on the same data, with every filter, they must
 * give the same posts, targets, tags and metrics, in the same order.
 */
const PARIS = "Europe/Paris";
let t: TestApp;
let ws: string;
const acc: Record<string, string> = {};
let tags: string[];
let campaign: string;

beforeAll(async () => {
  t = await createTestApp();
  const owner = await signUp(t, "zoe.owner@musee.fr", { name: "Zoé" });
  ws = await createWorkspace(owner, "Musée des deux chemins");
  const [bsky, masto, hook] = await insertAccounts(t.ctx.db, ws, [
    { network: "bluesky", name: "Musée 🦋", handle: "@musee.bsky.social" },
    { network: "mastodon", name: "Musée @ piaille.fr" },
    { network: "webhook", name: "Slack équipe" },
  ]);
  Object.assign(acc, { bsky, masto, hook });
  tags = (
    await t.ctx.db
      .insertInto("tags")
      .values(["Coulisses", "Événement", "Ateliers"].map((name) => ({ workspace_id: ws, name })))
      .returning("id")
      .execute()
  ).map((r) => r.id);
  campaign = (
    await t.ctx.db
      .insertInto("campaigns")
      .values({ workspace_id: ws, name: "Soldes d'été" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  const day = (d: number, h = 9) => new Date(Date.UTC(2030, 2, d, h));
  await insertPosts(t.ctx.db, ws, PARIS, [
    {
      at: day(3),
      accounts: [acc.bsky as string, acc.masto as string],
      body: "Vernissage « Lumières » — jeudi 🎨\n\nBilletterie ouverte",
      tagIds: [tags[0] as string, tags[1] as string],
      campaignId: campaign,
    },
    {
      at: day(5),
      accounts: [acc.hook as string],
      status: "published",
      targetStatus: "published",
      externalUrl: "https://hooks.example/1",
      publishedAt: day(5, 10),
    },
    { at: day(7), accounts: [acc.masto as string], status: "failed", targetStatus: "failed" },
    { at: day(9), accounts: [acc.bsky as string], status: "draft", tagIds: [tags[2] as string] },
    { at: day(9), accounts: [acc.bsky as string, acc.hook as string], recurrence: "FREQ=WEEKLY", evergreen: true },
    { at: day(40), accounts: [acc.bsky as string], body: "Hors de la période" },
  ]);
  await t.ctx.db
    .updateTable("post_targets")
    .set({ error_code: "content_rejected", error_message: "Text too long: 312 graphemes > 300" })
    .where("workspace_id", "=", ws)
    .where("status", "=", "failed")
    .execute();
  const published = await t.ctx.db
    .selectFrom("post_targets")
    .select("id")
    .where("workspace_id", "=", ws)
    .where("status", "=", "published")
    .execute();
  await insertPostSnapshots(
    t.ctx.db,
    published.map((p) => ({
      workspace_id: ws,
      post_target_id: p.id,
      taken_at: new Date(Date.UTC(2030, 2, 6)),
      likes: 12,
      reposts: 3,
      replies: null,
      quotes: 0,
      impressions: null,
    })),
  );
});
afterAll(() => t.close());

describe("the range query's two paths", () => {
  const from = new Date(Date.UTC(2030, 2, 1));
  const to = new Date(Date.UTC(2030, 3, 1));
  const filters = (): [string, RangeFilters][] => [
    ["none", {}],
    ["account", { accounts: [acc.masto as string] }],
    ["network", { networks: ["webhook"] }],
    ["campaign", { campaigns: [campaign] }],
    ["tag", { tags: [tags[2] as string] }],
    ["status", { statuses: ["draft", "published", "failed"] }],
  ];

  it("give the same rows, with metrics, for every filter", async () => {
    for (const [name, f] of filters()) {
      const rows = await findInRange(t.ctx.db, ws, from, to, f, { withMetrics: true, engine: "postgres" });
      const json = await findInRange(t.ctx.db, ws, from, to, f, { withMetrics: true, engine: "pglite" });
      expect(rows, name).toEqual(json);
    }
    const all = await findInRange(t.ctx.db, ws, from, to, {}, { withMetrics: true, engine: "postgres" });
    expect(all).toHaveLength(5);
    expect(all[0]?.body).toBe("Vernissage « Lumières » — jeudi 🎨\n\nBilletterie ouverte");
    expect(all[0]?.tag_ids).toHaveLength(2);
    expect(all[1]?.targets[0]).toMatchObject({
      external_url: "https://hooks.example/1",
      latest: { likes: 12, reposts: 3, replies: null, quotes: 0 },
    });
    expect(all[2]?.targets[0]).toMatchObject({ error_code: "content_rejected" });
    expect(all.find((r) => r.recurrence)).toMatchObject({ evergreen: true });
  });

  it("give the same series", async () => {
    const rows = await findInRange(t.ctx.db, ws, from, to, {}, { seriesOnly: true, engine: "postgres" });
    const json = await findInRange(t.ctx.db, ws, from, to, {}, { seriesOnly: true, engine: "pglite" });
    expect(rows).toEqual(json);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.targets).toHaveLength(2);
  });
});
