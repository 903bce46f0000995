import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFeed } from "../../src/modules/veille/feed/index.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { databaseFingerprint } from "../helpers/tenants.js";
import { pages } from "./pages.js";
import { startSite } from "./site.js";

/**
 * Topics and entries against a real database and a loopback web site: links saved with their fetched
 * metadata, edited, reordered, removed; veille items saved with their own copy (they survive the item's
 * deletion); public page and feeds escaped and valid, behind a revocable token.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let site: Awaited<ReturnType<typeof startSite>>;
const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

beforeAll(async () => {
  t = await createTestApp({ config: { allowPrivateNetwork: true } });
  owner = await signUp(t, "camille@agence.fr");
  ws = await createWorkspace(owner, "Musée des Confluences");
  site = await startSite({
    "/article": { body: pages.openGraph },
    "/blog": { body: pages.twitterCard },
    "/photo.jpg": { type: "image/jpeg", body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
    "/gone": { status: 410, body: "Gone" },
    "/xss": {
      body: `<html><head><meta property="og:title" content='${XSS.replace(/'/g, "&#39;")} Titre'></head></html>`,
    },
  });
});
afterAll(async () => {
  await site?.close();
  await t?.close();
});

const base = () => `/api/workspaces/${ws}`;

async function newTopic(name: string, extra: Record<string, unknown> = {}) {
  const res = await owner.post(`${base()}/topics`, { name, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    id: string;
    slug: string;
    publicUrl: string | null;
    feedUrls: { rss: string; json: string } | null;
  };
}

describe("topics", () => {
  it("creates topics with a slug, refuses a duplicate name in any case, renames", async () => {
    const topic = await newTopic("Veille & e-réputation 2026 !");
    expect(topic.slug).toBe("veille-e-reputation-2026");
    expect(topic.publicUrl).toBeNull();
    const dup = await owner.request({
      method: "POST",
      url: `${base()}/topics`,
      payload: { name: "VEILLE & E-RÉPUTATION 2026 !" },
      headers: { "accept-language": "en" },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("name_taken");
    expect(dup.json().error.message).toContain("VEILLE & E-RÉPUTATION 2026 !");
    const renamed = await owner.patch(`${base()}/topics/${topic.id}`, { name: "Œuvres & musées" });
    expect(renamed.json().slug).toBe("oeuvres-musees");
    const list = await owner.get(`${base()}/topics`);
    expect(list.json().map((x: { name: string }) => x.name)).toContain("Œuvres & musées");
  });
});

describe("entries", () => {
  it("saves a pasted URL with the page's title, description, image and site; the same link twice is 409", async () => {
    const topic = await newTopic("Presse");
    const res = await owner.post(`${base()}/topics/${topic.id}/entries`, {
      url: `${site.base}/article`,
      insight: "À partager : chiffres clés 📈",
      tags: ["chiffres", "Chiffres", "musées"],
    });
    expect(res.statusCode, res.body).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({
      // og:url is on another host than the loopback site: the page read is what is kept.
      url: `${site.base}/article`,
      title: "Les musées français battent des records de fréquentation",
      description: "Près de 70 millions d'entrées en 2025 : « un engouement inédit », selon le ministère.",
      imageUrl: "https://img.lemonde.example/2026/11/20/0/0/1200/630/musee.jpg",
      sourceName: "Le Monde.example",
      insight: "À partager : chiffres clés 📈",
      tags: ["chiffres", "musées"],
      publishedAt: "2026-11-20T06:30:00.000Z",
      fetchError: null,
    });
    const again = await owner.post(`${base()}/topics/${topic.id}/entries`, { url: `${site.base}/article`, title: "x" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: "entry_exists",
      message: "Ce lien est déjà dans le sujet « Presse ».",
    });
  });

  it("a page that cannot be read still saves, titled by its address, with the reason", async () => {
    const topic = await newTopic("Liens cassés");
    const res = await owner.post(`${base()}/topics/${topic.id}/entries`, { url: `${site.base}/gone`, insight: "" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ title: `${site.base}/gone`, fetchError: "http_410", imageUrl: null });
    const img = await owner.post(`${base()}/topics/${topic.id}/entries`, { url: `${site.base}/photo.jpg` });
    expect(img.json()).toMatchObject({ title: "photo.jpg", imageUrl: `${site.base}/photo.jpg` });
  });

  it("link preview: metadata for the save page; an unreachable page is a translated 422", async () => {
    const ok = await owner.post(`${base()}/link-preview`, { url: `${site.base}/blog` });
    expect(ok.json()).toMatchObject({ title: "Un été au musée 🏛️ : nos coups de cœur" });
    const closed = await owner.request({
      method: "POST",
      url: `${base()}/link-preview`,
      payload: { url: "http://127.0.0.1:9/rien" },
    });
    expect(closed.statusCode).toBe(422);
    expect(closed.json().error.code).toBe("link_fetch_failed");
    expect(closed.json().error.message).toBe(
      "La page « http://127.0.0.1:9/rien » n'a pas pu être lue (serveur injoignable).",
    );
    const en = await owner.request({
      method: "POST",
      url: `${base()}/link-preview`,
      payload: { url: `${site.base}/gone` },
      headers: { "accept-language": "en" },
    });
    expect(en.json().error.message).toContain("(HTTP answer 410)");
  });

  it("refuses bad input with field details and changes nothing", async () => {
    const topic = await newTopic("Entrées invalides");
    const before = await databaseFingerprint(t);
    for (const body of [
      { url: "javascript:alert(1)" },
      { url: "ftp://exemple.fr/x" },
      { url: "https://user:pw@exemple.fr/" },
      {},
      { url: "https://exemple.fr/", feedItemId: "00000000-0000-4000-8000-000000000000" },
      { url: "https://exemple.fr/", title: "t", tags: ["x".repeat(61)] },
    ]) {
      const res = await owner.post(`${base()}/topics/${topic.id}/entries`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe("validation_failed");
    }
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("edits, reorders (listed first, the rest after) and removes entries", async () => {
    const topic = await newTopic("Ordre");
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const r = await owner.post(`${base()}/topics/${topic.id}/entries`, {
        url: `https://exemple.fr/${n}`,
        title: `Lien ${n}`,
      });
      ids.push(r.json().id);
    }
    const titles = async () =>
      (await owner.get(`${base()}/topics/${topic.id}/entries`)).json().map((e: { title: string }) => e.title);
    expect(await titles()).toEqual(["Lien 4", "Lien 3", "Lien 2", "Lien 1"]); // newest first
    const order = await owner.request({
      method: "PUT",
      url: `${base()}/topics/${topic.id}/entries/order`,
      payload: { entryIds: [ids[0], ids[2]] },
    });
    expect(order.statusCode).toBe(200);
    expect(await titles()).toEqual(["Lien 1", "Lien 3", "Lien 4", "Lien 2"]);
    const foreign = await owner.request({
      method: "PUT",
      url: `${base()}/topics/${topic.id}/entries/order`,
      payload: { entryIds: [ids[0], "00000000-0000-4000-8000-000000000000"] },
    });
    expect(foreign.statusCode).toBe(400);
    expect(await titles()).toEqual(["Lien 1", "Lien 3", "Lien 4", "Lien 2"]);
    const edited = await owner.patch(`${base()}/topics/${topic.id}/entries/${ids[1]}`, {
      insight: "Ligne 1\n\nLigne 2 — « citée »",
      tags: ["été"],
      imageUrl: null,
    });
    expect(edited.json()).toMatchObject({ insight: "Ligne 1\n\nLigne 2 — « citée »", tags: ["été"] });
    expect((await owner.get(`${base()}/topics/${topic.id}/entries?tag=été`)).json()).toHaveLength(1);
    expect((await owner.delete(`${base()}/topics/${topic.id}/entries/${ids[1]}`)).statusCode).toBe(204);
    expect((await owner.delete(`${base()}/topics/${topic.id}/entries/${ids[1]}`)).statusCode).toBe(404);
    expect(await titles()).toEqual(["Lien 1", "Lien 3", "Lien 4"]);
  });

  it("saves a veille item with its own copy, which survives the item's deletion by retention", async () => {
    const topic = await newTopic("Depuis la veille");
    const feed = await t.ctx.db
      .insertInto("feeds")
      .values({ workspace_id: ws, url: "https://presse.example/rss", title: "Presse Régionale" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const item = await t.ctx.db
      .insertInto("feed_items")
      .values({
        workspace_id: ws,
        feed_id: feed.id,
        guid: "g1",
        link: "https://presse.example/2026/expo",
        content_hash: "h1",
        title: "Expo « Lumières du Nord » : l'avis des critiques",
        summary: "<p>Une <strong>belle</strong> réussite &amp; un public au rendez-vous.</p>",
        image_url: "https://presse.example/img/expo.jpg",
        categories: "[]",
        enclosures: "[]",
        published_at: new Date("2026-11-18T09:00:00Z"),
        search: sql`to_tsvector('french', 'expo')`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const res = await owner.post(`${base()}/topics/${topic.id}/entries`, { feedItemId: item.id, insight: "Top 👍" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      feedItemId: item.id,
      url: "https://presse.example/2026/expo",
      title: "Expo « Lumières du Nord » : l'avis des critiques",
      description: "Une belle réussite & un public au rendez-vous.",
      imageUrl: "https://presse.example/img/expo.jpg",
      sourceName: "Presse Régionale",
      publishedAt: "2026-11-18T09:00:00.000Z",
    });
    await t.ctx.db.deleteFrom("feed_items").where("id", "=", item.id).execute();
    const [kept] = (await owner.get(`${base()}/topics/${topic.id}/entries`)).json();
    expect(kept).toMatchObject({ feedItemId: null, title: "Expo « Lumières du Nord » : l'avis des critiques" });
    const missing = await owner.post(`${base()}/topics/${topic.id}/entries`, { feedItemId: item.id });
    expect(missing.statusCode).toBe(404);
  });
});

describe("public topic", () => {
  let topicId: string;
  let urls: { page: string; rss: string; json: string };
  const path = (u: string) => new URL(u).pathname;

  beforeAll(async () => {
    const topic = await newTopic(`Sélection ${XSS}`, { description: `Veille « musées » ${XSS}` });
    topicId = topic.id;
    await owner.post(`${base()}/topics/${topicId}/entries`, {
      url: `${site.base}/xss`,
      insight: `Notre avis ${XSS} & « guillemets » 🎉`,
      tags: [`tag${XSS}`],
    });
    await owner.post(`${base()}/topics/${topicId}/entries`, {
      url: "https://exemple.fr/ok",
      title: "Deuxième lien — été",
      description: "Desc <b>sans</b> balise",
      imageUrl: "https://exemple.fr/i.jpg",
    });
  });

  it("is 404 until published, then serves escaped HTML with no script and a strict CSP", async () => {
    const topic = (await owner.get(`${base()}/topics/${topicId}`)).json();
    expect(topic.publicUrl).toBeNull();
    const token = (
      await t.ctx.db
        .selectFrom("curation_topics")
        .select("public_token")
        .where("id", "=", topicId)
        .executeTakeFirstOrThrow()
    ).public_token;
    expect((await t.app.inject({ url: `/api/public/topics/${token}` })).statusCode).toBe(404);
    const pub = (await owner.patch(`${base()}/topics/${topicId}`, { isPublic: true })).json();
    urls = { page: pub.publicUrl, rss: pub.feedUrls.rss, json: pub.feedUrls.json };
    const res = await t.app.inject({ url: path(urls.page) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["content-security-policy"]).not.toContain("script-src");
    const html = res.body;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]+onerror/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("Notre avis &lt;script&gt;");
    expect(html).toContain("&amp; « guillemets » 🎉");
    expect(html).toContain('<img class="thumb" src="https://exemple.fr/i.jpg"');
    expect(html).toContain("Deuxième lien — été");
    // No cookie or login needed, and nothing of the workspace beyond its name.
    expect(html).toContain("Sélection de Musée des Confluences");
  });

  it("RSS 2.0 and JSON Feed parse back with the feed parser, text intact", async () => {
    const rss = await t.app.inject({ url: path(urls.rss) });
    expect(rss.headers["content-type"]).toBe("application/rss+xml; charset=utf-8");
    const parsedRss = parseFeed(rss.rawPayload, { url: urls.rss, contentType: rss.headers["content-type"] as string });
    expect(parsedRss.format).toBe("rss2.0");
    // The parser treats titles as HTML and strips tags: what matters is that the XML was well-formed
    // (the raw text is escaped) and nothing executable survives.
    expect(rss.body).toContain("<title>Sélection &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(parsedRss.title?.startsWith("Sélection")).toBe(true);
    expect(parsedRss.title).not.toMatch(/<script/);
    expect(parsedRss.items).toHaveLength(2);
    const second = parsedRss.items.find((i) => i.title === "Deuxième lien — été");
    expect(second?.link).toBe("https://exemple.fr/ok");
    const first = parsedRss.items.find((i) => i.link === `${site.base}/xss`);
    expect(first?.content ?? first?.summary).toContain("Notre avis");
    expect(first?.content ?? first?.summary).toContain("Notre avis &lt;script&gt;");
    expect(first?.content ?? first?.summary).not.toMatch(/<script|<img[^>]*onerror/i);
    expect(first?.categories?.join(" ")).not.toMatch(/<script|<img/);

    const json = await t.app.inject({ url: path(urls.json) });
    expect(json.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
    const doc = json.json();
    expect(doc.version).toBe("https://jsonfeed.org/version/1.1");
    expect(doc.feed_url).toBe(urls.json);
    const parsedJson = parseFeed(json.rawPayload, { url: urls.json, contentType: "application/feed+json" });
    expect(parsedJson.format).toBe("json1.1");
    expect(parsedJson.items).toHaveLength(2);
    expect(parsedJson.items.map((i) => i.title)).toContain("Deuxième lien — été");
    // Markup in the page's og:title was stripped when the entry was saved; the JSON carries the stored text.
    expect(doc.items.map((i: { title: string }) => i.title)).toContain('alert("x") Titre');
    expect(doc.items.find((i: { title: string }) => i.title === "Deuxième lien — été").image).toBe(
      "https://exemple.fr/i.jpg",
    );
  });

  it("a regenerated token kills the old URLs; unpublishing kills the new one", async () => {
    const fresh = (await owner.post(`${base()}/topics/${topicId}/public-token`)).json();
    expect(fresh.publicUrl).not.toBe(urls.page);
    for (const u of [urls.page, urls.rss, urls.json]) {
      expect((await t.app.inject({ url: path(u) })).statusCode).toBe(404);
    }
    expect((await t.app.inject({ url: path(fresh.publicUrl) })).statusCode).toBe(200);
    await owner.patch(`${base()}/topics/${topicId}`, { isPublic: false });
    expect((await t.app.inject({ url: path(fresh.publicUrl) })).statusCode).toBe(404);
    const actions = await t.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", topicId)
      .orderBy("created_at")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "curation.topic_published",
      "curation.topic_url_regenerated",
      "curation.topic_unpublished",
    ]);
  });
});
