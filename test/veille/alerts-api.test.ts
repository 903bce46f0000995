import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { databaseFingerprint } from "../helpers/tenants.js";
import { ingest, rss } from "./alerts-helpers.js";

/** The alerts API: CRUD with translated query errors, preview, presets, matches and mark seen, roles. */
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let ws: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "owner@agence.fr");
  viewer = await signUp(t, "lecteur@client.fr");
  ws = await createWorkspace(owner, "L'Oréal Paris");
  const inv = await owner.post(`/api/workspaces/${ws}/invitations`, { email: "lecteur@client.fr", role: "viewer" });
  const token = new URL(inv.json().acceptUrl).pathname.split("/").pop();
  expect((await viewer.post(`/api/invitations/${token}/accept`, {})).statusCode).toBe(200);
  await owner.post(`/api/workspaces/${ws}/competitors`, {
    name: "Sephora",
    website: "https://www.sephora.fr",
    handles: [{ network: "bluesky", handle: "@sephora.bsky.social" }],
  });
  await owner.post(`/api/workspaces/${ws}/competitors`, { name: "Yves Rocher" });
});
afterAll(() => t?.close());

const base = () => `/api/workspaces/${ws}/alerts`;

describe("query validation", () => {
  it("answers 400 with the position and what was expected, in French by default", async () => {
    const before = await databaseFingerprint(t);
    const res = await owner.post(base(), { name: "Cassée", query: "orange OU" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "alert_query_invalid",
      message:
        "Requête d'alerte invalide (caractère 10) : après « OU », un mot, une « expression » ou une parenthèse est attendu ici.",
      details: { position: 10, problem: "expected_term", after: "OU" },
    });
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("speaks English when asked", async () => {
    const res = await owner.request({
      method: "POST",
      url: `${base()}/preview`,
      payload: { query: '(église "Notre-Dame' },
      headers: { "accept-language": "en-GB,en;q=0.9" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('Invalid alert query (character 9): quote " opened but never closed.');
  });

  it("refuses a query made only of exclusions, an unknown field, and bad digest times", async () => {
    expect((await owner.post(base(), { name: "x", query: "-pub" })).json().error.details.problem).toBe(
      "only_exclusions",
    );
    const field = await owner.post(base(), { name: "x", query: "auteur:dupont" });
    expect(field.json().error.message).toContain("champ inconnu « auteur: »");
    const time = await owner.post(base(), { name: "x", query: "a", emailMode: "daily", digestTime: "25:00" });
    expect(time.statusCode).toBe(400);
    expect(time.json().error.details[0]).toMatchObject({ path: "body.digestTime" });
    expect(time.json().error.details[0].message).toContain("HH:MM");
  });
});

describe("CRUD and roles", () => {
  let id: string;
  it("creates, reads, updates and deletes (editor+), viewers read only", async () => {
    const res = await owner.post(base(), {
      name: "Marque ✨",
      query: "l'Oréal OR Lancôme",
      emailMode: "weekly",
      digestWeekday: 5,
      digestTime: "17:00",
      emailRecipients: ["  CM@Agence.fr ", "cm@agence.fr"],
    });
    expect(res.statusCode).toBe(201);
    const a = res.json().alert;
    id = a.id;
    expect(a).toMatchObject({
      emailMode: "weekly",
      emailRecipients: ["cm@agence.fr"],
      unseenCount: 0,
      webhookUrl: null,
    });
    // Friday 17:00 in Paris.
    const next = new Date(a.nextDigestAt);
    expect(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Paris",
        weekday: "long",
        hour: "2-digit",
        minute: "2-digit",
      }).format(next),
    ).toBe("Friday 17:00");
    expect(res.json().webhookSecret).toBeNull();

    expect((await viewer.get(`${base()}/${id}`)).statusCode).toBe(200);
    expect((await viewer.post(base(), { name: "Non", query: "a" })).statusCode).toBe(403);
    expect((await viewer.patch(`${base()}/${id}`, { enabled: false })).statusCode).toBe(403);
    expect((await viewer.delete(`${base()}/${id}`)).statusCode).toBe(403);

    const dup = await owner.post(base(), { name: "MARQUE ✨", query: "a" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("name_taken");

    const patched = await owner.patch(`${base()}/${id}`, {
      query: '"L\'Oréal" -recrutement',
      emailMode: "none",
      webhookUrl: "https://hooks.exemple.fr/relais",
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().alert).toMatchObject({ query: '"L\'Oréal" -recrutement', nextDigestAt: null });
    expect(patched.json().webhookSecret).toMatch(/^whsec_/);
    const rotated = await owner.patch(`${base()}/${id}`, { rotateWebhookSecret: true });
    expect(rotated.json().webhookSecret).not.toBe(patched.json().webhookSecret);
    const bad = await owner.patch(`${base()}/${id}`, { query: "(" });
    expect(bad.statusCode).toBe(400);
    expect((await owner.get(`${base()}/${id}`)).json().query).toBe('"L\'Oréal" -recrutement');

    expect((await owner.get(base())).json().map((x: { name: string }) => x.name)).toEqual(["Marque ✨"]);
  });

  it("presets: the brand and each competitor, with exclusions, marked once used", async () => {
    const presets = (await viewer.get(`${base()}/presets`)).json();
    expect(presets).toEqual([
      {
        preset: "brand",
        competitorId: null,
        name: "Marque — L'Oréal Paris",
        query: '"L\'Oréal Paris" -"offre d\'emploi" -recrutement -"job offer"',
        exists: false,
      },
      expect.objectContaining({
        preset: "competitor",
        name: "Concurrent — Sephora",
        query: '("Sephora" OR "sephora.bsky.social") -source:sephora.fr -"offre d\'emploi" -recrutement -"job offer"',
        exists: false,
      }),
      expect.objectContaining({ name: "Concurrent — Yves Rocher", query: expect.stringMatching(/^"Yves Rocher" -/) }),
    ]);
    const sephora = presets[1];
    const created = await owner.post(base(), {
      name: sephora.name,
      query: sephora.query,
      preset: "competitor",
      competitorId: sephora.competitorId,
    });
    expect(created.statusCode).toBe(201);
    expect((await owner.get(`${base()}/presets`)).json()[1].exists).toBe(true);
  });

  it("deletes", async () => {
    expect((await owner.delete(`${base()}/${id}`)).statusCode).toBe(204);
    expect((await owner.get(`${base()}/${id}`)).statusCode).toBe(404);
  });
});

describe("preview, matches, mark seen", () => {
  it("previews over recent items without saving, then lists and marks matches", async () => {
    await ingest(
      t,
      ws,
      "https://beaute.exemple.fr/rss",
      rss("Beauté Mag", [
        { guid: "b1", title: "L'Oréal rachète une marque coréenne", description: "Le géant français 💄 s'étend." },
        { guid: "b2", title: "Sephora ouvre à Lyon", description: "Un magasin de 800 m²." },
        { guid: "b3", title: "Loréal ? Non : oréal-isme", description: "Jeu de mots." },
      ]),
    );
    const before = await databaseFingerprint(t);
    const p = await viewer.post(`${base()}/preview`, { query: "l'oréal OR sephora" });
    expect(p.statusCode).toBe(200);
    expect(p.json().scanned).toBe(3);
    expect(
      p
        .json()
        .matches.map((m: { title: string }) => m.title)
        .sort(),
    ).toEqual(["L'Oréal rachète une marque coréenne", "Sephora ouvre à Lyon"]);
    expect(await databaseFingerprint(t)).toEqual(before);

    const alert = (await owner.post(base(), { name: "Beauté", query: "l'oréal OR sephora" })).json().alert;
    const { matchFeedItems } = await import("../../src/modules/veille/alerts/alerts.engine.js");
    const ids = (await t.ctx.db.selectFrom("feed_items").select("id").execute()).map((r) => r.id);
    // The Sephora preset alert (created above) and this one both match.
    await matchFeedItems(t.ctx, ws, ids);

    const list = await viewer.get(`${base()}/matches?alertId=${alert.id}&seen=false&limit=1`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({ alertName: "Beauté", kind: "feed_item", seen: false });
    const page2 = await viewer.get(`${base()}/matches?alertId=${alert.id}&limit=1&cursor=${list.json().nextCursor}`);
    expect(page2.json().items).toHaveLength(1);
    expect(page2.json().items[0].id).not.toBe(list.json().items[0].id);
    expect(page2.json().nextCursor).toBeNull();

    const all = (await viewer.get(`${base()}/matches`)).json().items;
    expect(all).toHaveLength(3);
    expect((await viewer.get(base())).json().find((a: { id: string }) => a.id === alert.id).unseenCount).toBe(2);

    const seen = await viewer.post(`${base()}/matches/seen`, { ids: [list.json().items[0].id] });
    expect(seen.json()).toEqual({ updated: 1 });
    expect((await viewer.get(`${base()}/matches?seen=true`)).json().items).toHaveLength(1);
    const rest = await viewer.post(`${base()}/matches/seen`, { all: true, alertId: alert.id });
    expect(rest.json()).toEqual({ updated: 1 });
    expect((await viewer.get(`${base()}/matches?seen=false`)).json().items).toHaveLength(1);
    const unseen = await viewer.post(`${base()}/matches/seen`, { all: true, seen: false });
    expect(unseen.json()).toEqual({ updated: 2 });
    const neither = await viewer.post(`${base()}/matches/seen`, { ids: [alert.id], all: true });
    expect(neither.statusCode).toBe(400);
  });
});
