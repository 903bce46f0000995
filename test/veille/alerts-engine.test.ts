import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConnector } from "../../src/connectors/registry.js";
import type { Connector, SearchedPost, SearchQuery } from "../../src/connectors/types.js";
import { verifySignature } from "../../src/connectors/webhook/signature.js";
import { createMailer } from "../../src/lib/mailer.js";
import { runDueDeliveries } from "../../src/modules/veille/alerts/alerts.delivery.js";
import {
  matchFeedItems,
  nextDigestAt,
  runDueDigests,
  scanFeeds,
  searchNetworks,
} from "../../src/modules/veille/alerts/alerts.engine.js";
import { PROFILES } from "../../src/shared/networks/profiles.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { type Inbox, ingest, insertSearchAccount, rss, startSmtp } from "./alerts-helpers.js";

/**
 * Alerts end to end on a real database: matching on ingestion (the veille's hook), the high-water scan,
 * network search through a fake connector, the signed webhook to a loopback receiver, and digests
 * received by a real SMTP server.
 */
let t: TestApp;
let smtp: Inbox;
let rx: WebhookReceiver;
let owner: Caller;
let ws: string;

beforeAll(async () => {
  smtp = await startSmtp();
  rx = await startWebhookReceiver();
  t = await createTestApp({
    config: { allowPrivateNetwork: true, publicUrl: "https://relais.exemple.fr" },
    mailer: createMailer({ smtpUrl: smtp.url, mailFrom: "Relais <relais@exemple.fr>" }, pino({ level: "silent" })),
  });
  owner = await signUp(t, "veille@agence.fr", { name: "Chloé Veille" });
  ws = await createWorkspace(owner, "Orange Mécanique");
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await rx?.close();
});

async function createAlert(body: Record<string, unknown>) {
  const res = await owner.post(`/api/workspaces/${ws}/alerts`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { alert: { id: string }; webhookSecret: string | null };
}

const matchesOf = (alertId: string) =>
  t.ctx.db.selectFrom("alert_matches").selectAll().where("alert_id", "=", alertId).orderBy("title").execute();

describe("matching feed items on ingestion", () => {
  let alertId: string;
  const feedUrl = "https://presse.exemple.fr/rss";
  const doc = rss("Presse régionale", [
    { guid: "a1", title: "Orange augmente ses prix", description: "L'opérateur annonce une hausse 📈." },
    { guid: "a2", title: "Une orangeade à la fête", description: "Boisson fraîche pour l'été." },
    { guid: "a3", title: "Fête à l'Église", description: "L'offre d'Orange déçoit les fidèles ⛪ — « scandale »." },
    { guid: "a4", title: "Orange recrute", description: "Offre d'emploi : technicien fibre." },
  ]);

  it("stores each match once, with an excerpt, and notifies in-app without e-mail", async () => {
    alertId = (await createAlert({ name: "Marque 🍊", query: 'orange -"offre d\'emploi"' })).alert.id;
    const before = smtp.messages.length;
    const r = await ingest(t, ws, feedUrl, doc);
    expect(r.newIds).toHaveLength(4);
    const rows = await matchesOf(alertId);
    expect(rows.map((m) => m.title)).toEqual(["Fête à l'Église", "Orange augmente ses prix"]);
    expect(rows.find((m) => m.title === "Fête à l'Église")?.excerpt).toContain("L'offre d'Orange déçoit");
    expect(
      rows.every((m) => m.kind === "feed_item" && m.feed_item_id && m.source_key === `item:${m.feed_item_id}`),
    ).toBe(true);
    const notes = await t.ctx.db.selectFrom("notifications").selectAll().where("kind", "=", "alert_matches").execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.user_id).toBe(owner.user.id);
    expect((notes[0]!.data as { count: number }).count).toBe(2);
    // In-app only: the alert's e-mail mode is "none".
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length).toBe(before);
  });

  it("re-ingesting, re-delivering the hook and scanning add nothing", async () => {
    const r = await ingest(t, ws, feedUrl, doc);
    expect(r.newIds).toHaveLength(0);
    const ids = (await t.ctx.db.selectFrom("feed_items").select("id").where("workspace_id", "=", ws).execute()).map(
      (x) => x.id,
    );
    expect(await matchFeedItems(t.ctx, ws, ids)).toBe(0);
    // The scan re-reads a 10-minute overlap past the mark: still nothing new.
    await t.ctx.db
      .updateTable("alerts")
      .set({ feed_checked_at: new Date(Date.now() - 60_000) })
      .where("id", "=", alertId)
      .execute();
    expect((await scanFeeds(t.ctx)).created).toBe(0);
    expect(await matchesOf(alertId)).toHaveLength(2);
    const notes = await t.ctx.db.selectFrom("notifications").select("id").where("kind", "=", "alert_matches").execute();
    expect(notes).toHaveLength(1);
  });

  it("the scan catches items the hook never announced, and moves the high-water mark", async () => {
    const feed = await t.ctx.db.selectFrom("feeds").select("id").where("url", "=", feedUrl).executeTakeFirstOrThrow();
    // An item written behind the hook's back (a crash between commit and announce).
    const fetched = new Date();
    const { sql } = await import("kysely");
    await t.ctx.db
      .insertInto("feed_items")
      .values({
        workspace_id: ws,
        feed_id: feed.id,
        guid: "silent",
        link: "https://presse.exemple.fr/silent",
        content_hash: "silent",
        title: "ORANGE : panne géante",
        summary: "<p>Des milliers d&#39;abonnés privés de réseau.</p>",
        published_at: new Date(),
        fetched_at: fetched,
        categories: "[]",
        enclosures: "[]",
        search: sql`to_tsvector('simple', 'orange')`,
      })
      .execute();
    expect((await scanFeeds(t.ctx)).created).toBe(1);
    const alert = await t.ctx.db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirstOrThrow();
    expect(alert.feed_checked_at.getTime()).toBe(fetched.getTime());
    expect((await matchesOf(alertId)).map((m) => m.title)).toContain("ORANGE : panne géante");
    expect((await scanFeeds(t.ctx)).created).toBe(0);
  });

  it("an alert only sees items fetched after its creation through the scan (preview covers the past)", async () => {
    const late = await createAlert({ name: "Panne", query: "panne" });
    expect((await scanFeeds(t.ctx)).created).toBe(0);
    expect(await matchesOf(late.alert.id)).toHaveLength(0);
    const preview = await owner.post(`/api/workspaces/${ws}/alerts/preview`, { query: "panne" });
    expect(preview.json().matches.map((m: { title: string }) => m.title)).toEqual(["ORANGE : panne géante"]);
    await owner.delete(`/api/workspaces/${ws}/alerts/${late.alert.id}`);
  });
});

describe("network search with a fake connector", () => {
  let restore: () => void;
  const calls: SearchQuery[] = [];
  let posts: SearchedPost[] = [];
  let fail = false;

  beforeAll(async () => {
    const fake: Connector = {
      network: "bluesky",
      profile: PROFILES.bluesky,
      async connect() {
        throw new Error("unused");
      },
      async validateCredentials() {
        return { ok: true };
      },
      async publish() {
        throw new Error("unused");
      },
      async search(account, query) {
        expect(account.credentials).toEqual({ handle: "veille.bsky.social", appPassword: "xxxx" });
        calls.push(query);
        if (fail) {
          const { ConnectorError } = await import("../../src/connectors/types.js");
          throw new ConnectorError("rate_limited", "Rate limit exceeded", { retryAfterSeconds: 60 });
        }
        return { items: posts, cursor: null };
      },
    };
    restore = overrideConnector(fake);
    await insertSearchAccount(t, ws);
  });
  afterAll(() => restore?.());

  it("translates the query, re-checks every result, stores each post once", async () => {
    const alert = await createAlert({
      name: "Crédit Agricole",
      query: '"crédit agricole" (banque OR agence) -pub lang:fr',
      searchFeeds: false,
      searchNetworks: true,
    });
    const post = (id: string, text: string, language = "fr"): SearchedPost => ({
      externalId: `at://did:plc:x/app.bsky.feed.post/${id}`,
      url: `https://bsky.app/profile/x/post/${id}`,
      text,
      authorHandle: "lecteur.bsky.social",
      authorName: "Léa 🐝",
      language,
      publishedAt: new Date(),
      metrics: null,
    });
    posts = [
      post("1", "Mon agence du Crédit-Agricole a fermé 😡"),
      post("2", "Crédit Agricole : la pub de Noël est ratée, mais la banque répond"),
      post("3", "crédit agricole banque", "en"),
      post("4", "Le crédit et l'agricole, deux mondes (agence)"),
    ];
    const r = await searchNetworks(t.ctx);
    expect(calls.map((c) => [c.q, c.language])).toEqual([
      ['"crédit agricole" banque', "fr"],
      ['"crédit agricole" agence', "fr"],
    ]);
    expect(calls[0]!.since).toBeInstanceOf(Date);
    expect(r.created).toBe(1);
    const rows = await matchesOf(alert.alert.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: "network_post",
      network: "bluesky",
      source_key: "bluesky:at://did:plc:x/app.bsky.feed.post/1",
      url: "https://bsky.app/profile/x/post/1",
      author: "lecteur.bsky.social",
    });
    // The same results again: nothing new.
    expect((await searchNetworks(t.ctx)).created).toBe(0);
  });

  it("a network error is recorded on the alert (networkError, not lastError) and does not throw", async () => {
    fail = true;
    await searchNetworks(t.ctx);
    fail = false;
    const row = await t.ctx.db
      .selectFrom("alerts")
      .select(["last_error", "network_error"])
      .where("name", "=", "Crédit Agricole")
      .executeTakeFirstOrThrow();
    expect(row.network_error).toContain("Rate limit exceeded");
    expect(row.last_error).toBeNull();
    await searchNetworks(t.ctx);
    const after = await t.ctx.db
      .selectFrom("alerts")
      .select(["last_error", "network_error"])
      .where("name", "=", "Crédit Agricole")
      .executeTakeFirstOrThrow();
    expect(after.network_error).toBeNull();
  });
});

describe("immediate e-mail and signed webhook", () => {
  it("sends one e-mail (HTML + plain text) and one signed POST per batch of new matches", async () => {
    const before = smtp.messages.length;
    const created = await createAlert({
      name: "Fibre",
      query: "fibre OR «très haut débit»",
      emailMode: "immediate",
      emailRecipients: ["Direction@Client.fr"],
      webhookUrl: rx.url("/alerts/fibre"),
    });
    expect(created.webhookSecret).toMatch(/^whsec_/);
    await ingest(
      t,
      ws,
      "https://fibre.exemple.fr/feed",
      rss("Fibre & Co", [
        { guid: "f1", title: "La fibre arrive à Annecy", description: "Travaux <b>dès lundi</b> & raccordements." },
        { guid: "f2", title: "Très haut débit : le plan", description: "Le « très haut débit » pour tous 🚀." },
      ]),
    );
    const mails = await smtp.waitFor(before + 1);
    const mail = mails[before]!;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : "").toBe("direction@client.fr");
    expect(mail.subject).toBe("Alerte « Fibre » : 2 nouveaux résultats");
    expect(mail.text).toContain("La fibre arrive à Annecy");
    expect(mail.text).toContain("https://presse.exemple.fr/f1");
    expect(mail.text).not.toMatch(/<[a-z]/i);
    expect(mail.text).toContain("https://relais.exemple.fr/w/");
    expect(mail.html).toContain('<a href="https://presse.exemple.fr/f2"');
    expect(mail.html).toContain("Très haut débit : le plan");

    await rx.waitFor(1);
    const req = rx.requests.at(-1)!;
    expect(req.path).toBe("/alerts/fibre");
    expect(req.headers["x-relais-event"]).toBe("alert.matches");
    expect(
      verifySignature(
        created.webhookSecret!,
        { signature: req.headers["x-relais-signature"], timestamp: req.headers["x-relais-timestamp"] },
        req.body,
      ),
    ).toBe(true);
    expect(
      verifySignature(
        "whsec_wrong",
        { signature: req.headers["x-relais-signature"], timestamp: req.headers["x-relais-timestamp"] },
        req.body,
      ),
    ).toBe(false);
    const payload = req.json as { alert: { name: string }; matches: { title: string; url: string }[] };
    expect(payload.alert.name).toBe("Fibre");
    expect(payload.matches.map((m) => m.title).sort()).toEqual([
      "La fibre arrive à Annecy",
      "Très haut débit : le plan",
    ]);
    const rows = await matchesOf(created.alert.id);
    expect(rows.every((m) => m.notified_at !== null)).toBe(true);
    // One outbox row per e-mail recipient and one per webhook POST, all sent; their id is the delivery id
    // the receiver sees (Idempotency-Key, X-Relais-Delivery, deliveryId) and the e-mail's Message-ID.
    const deliveries = await t.ctx.db
      .selectFrom("alert_deliveries")
      .selectAll()
      .where("alert_id", "=", created.alert.id)
      .orderBy("channel")
      .execute();
    expect(deliveries.map((d) => [d.channel, d.recipient, d.status, d.attempts, d.match_ids.length])).toEqual([
      ["email", "direction@client.fr", "sent", 1, 2],
      ["webhook", null, "sent", 1, 2],
    ]);
    const [emailDelivery, webhookDelivery] = deliveries;
    expect(mail.messageId).toBe(`<alert-${emailDelivery!.id}@relais.exemple.fr>`);
    expect(mail.headers.get("x-relais-delivery")).toBe(emailDelivery!.id);
    expect(req.headers["idempotency-key"]).toBe(webhookDelivery!.id);
    expect(req.headers["x-relais-delivery"]).toBe(webhookDelivery!.id);
    expect((req.json as { deliveryId: string }).deliveryId).toBe(webhookDelivery!.id);
  });

  it("a receiver answering 500 is retried later, not lost; the alert shows no error meanwhile", async () => {
    rx.respondNext({ status: 500, body: "maintenance" });
    const created = await createAlert({ name: "Débit", query: "débit", webhookUrl: rx.url("/alerts/debit") });
    const before = rx.requests.length;
    await ingest(
      t,
      ws,
      "https://fibre.exemple.fr/feed",
      rss("Fibre & Co", [{ guid: "f3", title: "Débit en hausse", description: "Mesures de débit." }]),
    );
    expect(rx.requests.length).toBe(before + 1);
    const pending = await t.ctx.db
      .selectFrom("alert_deliveries")
      .selectAll()
      .where("alert_id", "=", created.alert.id)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: "pending", attempts: 1, last_error: "HTTP 500: maintenance" });
    const row = await t.ctx.db
      .selectFrom("alerts")
      .select("last_error")
      .where("id", "=", created.alert.id)
      .executeTakeFirstOrThrow();
    expect(row.last_error).toBeNull();
    expect(await matchesOf(created.alert.id)).toHaveLength(1);
    await runDueDeliveries(t.ctx, { now: new Date(pending.next_attempt_at.getTime() + 1000) });
    expect(rx.requests.length).toBe(before + 2);
    expect(rx.requests.at(-1)!.headers["idempotency-key"]).toBe(pending.id);
  });
});

describe("digests", () => {
  it("computes the next time on the workspace's wall clock, across daylight saving", () => {
    // Paris goes to summer time on 2026-03-29: 08:00 stays 08:00 local.
    const before = nextDigestAt("daily", "08:00", 1, "Europe/Paris", new Date("2026-03-28T08:00:00Z"));
    expect(before.toISOString()).toBe("2026-03-29T06:00:00.000Z");
    const weekly = nextDigestAt("weekly", "08:00", 1, "Europe/Paris", new Date("2026-03-25T12:00:00Z"));
    expect(weekly.toISOString()).toBe("2026-03-30T06:00:00.000Z");
  });

  it("a daily digest lists the pending matches once, in one e-mail with a plain-text part, never twice", async () => {
    const res = await createAlert({
      name: "Vélo",
      query: "vélo OR vélos",
      emailMode: "daily",
      digestTime: "07:30",
      emailRecipients: ["cm@agence.fr", "client@marque.fr"],
    });
    const alertId = res.alert.id;
    const alert0 = await t.ctx.db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirstOrThrow();
    expect(alert0.next_digest_at).not.toBeNull();
    await ingest(
      t,
      ws,
      "https://velo.exemple.fr/feed",
      rss("Vélo Mag", [
        { guid: "v1", title: "Le vélo en ville", description: "Pistes cyclables & sécurité." },
        { guid: "v2", title: "Vélos électriques ⚡", description: "Prix en baisse." },
      ]),
    );
    const before = smtp.messages.length;
    // Not due yet: nothing.
    expect(await runDueDigests(t.ctx, new Date(alert0.next_digest_at!.getTime() - 1000))).toEqual({
      created: 0,
      queued: 0,
    });
    const due = new Date(alert0.next_digest_at!.getTime() + 1000);
    // Two workers at once: one digest, one delivery per recipient, each sent once.
    const [a, b] = await Promise.all([runDueDigests(t.ctx, due), runDueDigests(t.ctx, due)]);
    expect(a.created + b.created).toBe(1);
    expect(a.queued + b.queued).toBe(2);
    const [ra, rb] = await Promise.all([runDueDeliveries(t.ctx, { now: due }), runDueDeliveries(t.ctx, { now: due })]);
    expect(ra.sent + rb.sent).toBe(2);
    const mails = await smtp.waitFor(before + 2);
    const digest = mails.slice(before);
    expect(digest).toHaveLength(2);
    expect(digest.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : "")).sort()).toEqual([
      "client@marque.fr",
      "cm@agence.fr",
    ]);
    const m = digest[0]!;
    expect(m.subject).toBe("Résumé du jour — alerte « Vélo » (2 résultats)");
    expect(m.text).toContain("Le vélo en ville");
    expect(m.text).toContain("Pistes cyclables & sécurité.");
    expect(m.html).toContain("Pistes cyclables &amp; sécurité.");
    // The next day: the same matches are never sent again; a new one is.
    const alert1 = await t.ctx.db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirstOrThrow();
    expect(alert1.next_digest_at!.getTime() - alert0.next_digest_at!.getTime()).toBe(86_400_000);
    const nextDay = new Date(alert1.next_digest_at!.getTime() + 1000);
    expect(await runDueDigests(t.ctx, nextDay)).toEqual({ created: 1, queued: 0 });
    expect((await runDueDeliveries(t.ctx, { now: nextDay })).sent).toBe(0);
    const digests = await t.ctx.db.selectFrom("alert_digests").selectAll().where("alert_id", "=", alertId).execute();
    expect(digests.map((d) => d.status).sort()).toEqual(["empty", "sent"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length).toBe(before + 2);
  });
});
