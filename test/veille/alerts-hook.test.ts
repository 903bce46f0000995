import { afterAll, beforeAll, expect, it } from "vitest";
import { jobDefinitions } from "../../src/jobs/registry.js";
import { createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { ingest, rss } from "./alerts-helpers.js";

/**
 * With the job queue running, ingestion announces new items through the durable `veille.items-ingested`
 * job, and the alerts listener (registered by alerts.jobs.ts) matches them in the worker.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ withQueue: true });
});
afterAll(() => t?.close());

it("registers the veille.items-ingested job the alerts listen to", () => {
  // Without it emitItemsIngested's send goes nowhere and only the alerts.scan safety net sees new items.
  expect(jobDefinitions.some((d) => (d.name as string) === "veille.items-ingested")).toBe(true);
});

it("matches items announced through the veille.items-ingested job, once", async () => {
  const owner = await signUp(t, "hook@agence.fr");
  const ws = await createWorkspace(owner, "Mairie d'Annecy");
  const res = await owner.post(`/api/workspaces/${ws}/alerts`, { name: "Lac", query: '"lac d\'Annecy" OR baignade' });
  expect(res.statusCode).toBe(201);
  const alertId = res.json().alert.id;
  const feed = rss("Le Dauphiné", [
    { guid: "l1", title: "Baignade interdite au lac", description: "Cyanobactéries 🦠 détectées." },
    { guid: "l2", title: "Le Lac-d’Annecy en fête", description: "Feux d'artifice ce soir." },
    { guid: "l3", title: "Conseil municipal", description: "Budget voté." },
  ]);
  const r = await ingest(t, ws, "https://dauphine.example/rss", feed);
  expect(r.newIds).toHaveLength(3);
  const count = async () =>
    (
      await t.ctx.db
        .selectFrom("alert_matches")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("alert_id", "=", alertId)
        .executeTakeFirstOrThrow()
    ).n;
  await expect.poll(count, { timeout: 30_000, interval: 250 }).toBe(2);
  // The same ids announced again (a retried job): nothing new.
  await t.ctx.jobs.send("veille.items-ingested" as never, { workspaceId: ws, feedId: "x", itemIds: r.newIds } as never);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(await count()).toBe(2);
});
