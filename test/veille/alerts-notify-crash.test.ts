import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import type { DB } from "../../src/db/schema.js";
import { runDueDeliveries } from "../../src/modules/veille/alerts/alerts.delivery.js";
import { matchFeedItems, scanFeeds } from "../../src/modules/veille/alerts/alerts.engine.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { ingest, rss } from "./alerts-helpers.js";

/**
 * The in-app notification of new matches is written in the transaction that stores them: a process killed
 * right after that commit (before the first delivery attempt) has lost nothing, and the recovery (the hook
 * retried, the scan, the delivery job) adds no second notification. A crash before the commit stores
 * neither, and the retry stores both, once.
 */
let t: TestApp;
let rx: WebhookReceiver;
let owner: Caller;
let ws: string;

beforeAll(async () => {
  rx = await startWebhookReceiver();
  t = await createTestApp({ config: { allowPrivateNetwork: true, publicUrl: "https://relais.exemple.fr" } });
  owner = await signUp(t, "reprise@agence.fr", { name: "Rémi Reprise" });
  ws = await createWorkspace(owner, "Crêperie Le Goff");
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

/** The context of a process that dies at a given point of every transaction of the alerts engine. */
function dying(ctx: AppContext, when: "after_commit" | "before_commit"): AppContext {
  const db = new Proxy(ctx.db, {
    get(target, prop) {
      if (prop === "transaction")
        return () => {
          const builder = target.transaction();
          return {
            execute: async <T>(fn: (trx: unknown) => Promise<T>) => {
              if (when === "before_commit")
                return builder.execute(async (trx) => {
                  await fn(trx);
                  throw new Error("process killed before the commit");
                });
              await builder.execute(fn as never);
              throw new Error("process killed after the commit");
            },
          };
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Kysely<DB>;
  return { ...ctx, db };
}

const notificationsOf = () =>
  t.ctx.db
    .selectFrom("notifications")
    .selectAll()
    .where("workspace_id", "=", ws)
    .where("kind", "=", "alert_matches")
    .execute();

let seq = 0;
/** Items ingested before the alert exists (so the hook does not match them), then the alert. */
async function itemsThenAlert(word: string) {
  const n = ++seq;
  const r = await ingest(
    t,
    ws,
    `https://creperie.exemple.fr/feed${n}`,
    rss("Le Télégramme", [
      { guid: `${word}-1`, title: `Une ${word} au sarrasin 🥞`, description: "Recette de Loïc." },
      { guid: `${word}-2`, title: "La Chandeleur approche", description: `Déjà 300 ${word} vendues.` },
      { guid: `${word}-3`, title: "Cidre brut", description: "Rien à voir." },
    ]),
  );
  const res = await owner.post(`/api/workspaces/${ws}/alerts`, {
    name: `Alerte ${word}`,
    query: word,
    webhookUrl: rx.url(`/${word}`),
  });
  expect(res.statusCode, res.body).toBe(201);
  return { alertId: (res.json() as { alert: { id: string } }).alert.id, itemIds: r.newIds };
}

describe("in-app notification and the matches' transaction", () => {
  it("killed right after the commit: the notification is there, once, and recovery adds none", async () => {
    const { alertId, itemIds } = await itemsThenAlert("galette");
    const before = (await notificationsOf()).length;
    await expect(matchFeedItems(dying(t.ctx, "after_commit"), ws, itemIds)).rejects.toThrow("after the commit");

    const matches = await t.ctx.db.selectFrom("alert_matches").select("id").where("alert_id", "=", alertId).execute();
    expect(matches).toHaveLength(2);
    const notes = await notificationsOf();
    expect(notes).toHaveLength(before + 1);
    const note = notes.at(-1)!;
    expect(note.user_id).toBe(owner.user.id);
    expect(note.data).toMatchObject({
      workspaceName: "Crêperie Le Goff",
      alertName: "Alerte galette",
      count: 2,
      url: `https://relais.exemple.fr/w/${ws}/veille/alerts?alert=${alertId}`,
    });
    // The first delivery attempt never ran: the webhook is in the outbox.
    const [delivery] = await t.ctx.db
      .selectFrom("alert_deliveries")
      .selectAll()
      .where("alert_id", "=", alertId)
      .execute();
    expect(delivery).toMatchObject({ channel: "webhook", status: "pending", attempts: 0 });
    expect(rx.requests).toHaveLength(0);

    // Recovery: the hook delivered again, the scan, the delivery job.
    expect(await matchFeedItems(t.ctx, ws, itemIds)).toBe(0);
    expect((await scanFeeds(t.ctx)).created).toBe(0);
    expect((await runDueDeliveries(t.ctx)).sent).toBe(1);
    expect(rx.requests).toHaveLength(1);
    expect(await notificationsOf()).toHaveLength(before + 1);

    // The in-app list shows it to the alert's creator.
    const mine = await owner.get("/api/notifications");
    expect(mine.statusCode, mine.body).toBe(200);
    expect(JSON.stringify(mine.json())).toContain("Alerte galette");
  });

  it("killed before the commit: neither matches nor notification; the retry stores both, once", async () => {
    const { alertId, itemIds } = await itemsThenAlert("crêpe");
    const before = (await notificationsOf()).length;
    await expect(matchFeedItems(dying(t.ctx, "before_commit"), ws, itemIds)).rejects.toThrow("before the commit");
    expect(
      await t.ctx.db.selectFrom("alert_matches").select("id").where("alert_id", "=", alertId).execute(),
    ).toHaveLength(0);
    expect(await notificationsOf()).toHaveLength(before);

    expect(await matchFeedItems(t.ctx, ws, itemIds)).toBe(2);
    expect(await matchFeedItems(t.ctx, ws, itemIds)).toBe(0);
    const notes = await notificationsOf();
    expect(notes).toHaveLength(before + 1);
    expect(notes.at(-1)!.data).toMatchObject({ alertName: "Alerte crêpe", count: 2 });
  });

  it("an alert without in-app notification, or whose creator left, writes none", async () => {
    const { alertId, itemIds } = await itemsThenAlert("kouign");
    await t.ctx.db.updateTable("alerts").set({ notify_in_app: false }).where("id", "=", alertId).execute();
    const before = (await notificationsOf()).length;
    expect(await matchFeedItems(t.ctx, ws, itemIds)).toBe(2);
    expect(await notificationsOf()).toHaveLength(before);

    const other = await itemsThenAlert("bolée");
    const editor = await signUp(t, "ancien@agence.fr", { name: "Ancien" });
    await t.ctx.db.updateTable("alerts").set({ created_by: editor.user.id }).where("id", "=", other.alertId).execute();
    expect(await matchFeedItems(t.ctx, ws, other.itemIds)).toBe(2);
    expect(await notificationsOf()).toHaveLength(before);
  });
});
