import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOpml } from "../../src/modules/veille/opml.service.js";
import { createWorkspace } from "../helpers/app.js";
import { type FeedServer, rss, serve, startFeedServer, type VeilleWorld, veilleWorld } from "./veille-helpers.js";

/** Subscribing by feed URL or site URL (autodiscovery, choices, usual paths), failures, and OPML round trips. */
let w: VeilleWorld;
let srv: FeedServer;
const fixture = (dir: string, file: string) =>
  fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures", dir, file));

beforeAll(async () => {
  w = await veilleWorld();
  srv = await startFeedServer();
});
afterAll(async () => {
  await srv.close();
  await w.t.close();
});

const html = (head: string, body = "<p>Bienvenue sur notre site.</p>") =>
  `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Site</title>${head}</head><body>${body}</body></html>`;
const page = (s: string) => serve(s, { "content-type": "text/html; charset=utf-8" });
const feedCount = async () =>
  Number(
    (
      await w.t.ctx.db
        .selectFrom("feeds")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("workspace_id", "=", w.ws)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("subscribe", () => {
  it("by feed URL: the feed is created with its first items (language, image, sanitized summary)", async () => {
    srv.routes.set("/rss/une.xml", serve(fixture("feeds", "lemonde-rss2.xml")));
    const res = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/rss/une.xml` });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.status).toBe("subscribed");
    expect(body.feed.title).toBe("Le Monde.fr - Actualités et Infos en France et dans le monde");
    expect(body.feed.language).toBe("fr");
    expect(body.feed.format).toBe("rss2.0");
    expect(body.newItems).toBeGreaterThan(1);
    const list = (await w.owner.get(`${w.base}/items?feedId=${body.feed.id}&limit=50`)).json();
    expect(list.items).toHaveLength(body.newItems);
    const retraites = list.items.find((i: { title: string }) => i.title.startsWith("Retraites"));
    expect(retraites.language).toBe("fr");
    expect(retraites.imageUrl).toMatch(/^https:\/\/img\.lemde\.fr\//);
    expect(retraites.excerpt).toContain("haute juridiction");
    expect(retraites.read).toBe(false);
    const feeds = (await w.owner.get(`${w.base}/feeds`)).json();
    expect(feeds.feeds.find((f: { id: string }) => f.id === body.feed.id).unread).toBe(body.newItems);
  });

  it("by site URL announcing one feed: autodiscovery subscribes to it", async () => {
    srv.routes.set(
      "/blog/",
      page(html('<link rel="alternate" type="application/atom+xml" title="Atom" href="/blog/atom.xml">')),
    );
    srv.routes.set(
      "/blog/atom.xml",
      serve(
        `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog de l'office</title><id>urn:office</id><updated>2026-11-20T10:00:00Z</updated>
         <entry><title>Les Rencontres de la photographie reviennent</title><id>urn:office:1</id><link href="/blog/rencontres"/><updated>2026-11-20T10:00:00Z</updated><summary>Programme complet de l'édition 2026.</summary></entry></feed>`,
        { "content-type": "application/atom+xml" },
      ),
    );
    const res = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/blog/` });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().feed.url).toBe(`${srv.base}/blog/atom.xml`);
    expect(res.json().feed.format).toBe("atom1.0");
    const items = (await w.owner.get(`${w.base}/items?feedId=${res.json().feed.id}`)).json().items;
    expect(items[0].link).toBe(`${srv.base}/blog/rencontres`);
  });

  it("by site URL announcing several feeds: 200 with the choices, nothing created; then the chosen one", async () => {
    srv.routes.set(
      "/journal",
      page(
        html(`<link rel="alternate" type="application/rss+xml" title="À la une" href="/journal/une.xml">
              <link rel="alternate" type="application/rss+xml" title="Culture" href="/journal/culture.xml">`),
      ),
    );
    const before = await feedCount();
    const res = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/journal` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: "choose",
      choices: [
        { url: `${srv.base}/journal/une.xml`, title: "À la une", type: "rss" },
        { url: `${srv.base}/journal/culture.xml`, title: "Culture", type: "rss" },
      ],
    });
    expect(await feedCount()).toBe(before);
    srv.routes.set(
      "/journal/culture.xml",
      serve(rss("Culture", [{ guid: "c1", title: "Expo Van Gogh prolongée à Arles" }])),
    );
    const chosen = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/journal/culture.xml` });
    expect(chosen.statusCode).toBe(201);
  });

  it("by site URL announcing nothing: the usual paths are tried (/feed)", async () => {
    const other = await startFeedServer();
    try {
      other.routes.set("/", page(html("")));
      other.routes.set("/feed", serve(rss("WordPress", [{ guid: "wp1", title: "Bonjour tout le monde !" }])));
      const res = await w.owner.post(`${w.base}/feeds`, { url: `${other.base}/` });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().feed.url).toBe(`${other.base}/feed`);
    } finally {
      await other.close();
    }
  });

  it("a page that is not a feed and announces none: 422 not_a_feed in the caller's language, nothing created", async () => {
    const other = await startFeedServer();
    try {
      other.routes.set("/contact", page(html("", "<form>Écrivez-nous</form>")));
      const before = await feedCount();
      const res = await w.owner.post(`${w.base}/feeds`, { url: `${other.base}/contact` });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe("not_a_feed");
      expect(res.json().error.message).toContain("Aucun flux RSS");
      const en = await w.owner.request({
        method: "POST",
        url: `${w.base}/feeds`,
        payload: { url: `${other.base}/contact` },
        headers: { "accept-language": "en" },
      });
      expect(en.json().error.message).toContain("No RSS, Atom or JSON feed");
      expect(await feedCount()).toBe(before);
    } finally {
      await other.close();
    }
  });

  it("an unreachable address: 422 feed_unreachable with the reason", async () => {
    const res = await w.owner.post(`${w.base}/feeds`, { url: "http://127.0.0.1:9/flux.xml" });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe("feed_unreachable");
    expect(res.json().error.message).toContain("refuse la connexion");
    const bad = await w.owner.post(`${w.base}/feeds`, { url: "ftp://exemple.fr/flux" });
    expect(bad.statusCode).toBe(422);
    srv.routes.set("/erreur.xml", serve("Erreur interne", {}, 500));
    const err = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/erreur.xml` });
    expect(err.json().error.message).toContain("HTTP 500");
  });

  it("the same URL twice: 409 feed_exists naming the feed", async () => {
    srv.routes.set("/twice.xml", serve(rss("Deux fois", [{ guid: "t1", title: "Une fois" }])));
    expect((await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/twice.xml` })).statusCode).toBe(201);
    const again = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/twice.xml` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("feed_exists");
    expect(again.json().error.message).toContain("« Deux fois »");
  });

  it("a Google Alerts feed URL just works: redirect links unwrapped to the articles", async () => {
    srv.routes.set(
      "/alerts/feeds/01234567890123456789/987654321",
      serve(fixture("feeds", "google-alerts.xml"), { "content-type": "application/atom+xml" }),
    );
    const res = await w.owner.post(`${w.base}/feeds`, {
      url: `${srv.base}/alerts/feeds/01234567890123456789/987654321`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const items = (await w.owner.get(`${w.base}/items?feedId=${res.json().feed.id}&group=false`)).json().items;
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.link).not.toMatch(/google\.com\/url/);
  });
});

describe("folders", () => {
  it("CRUD; unique names (case-insensitive); deleting a folder keeps its feeds", async () => {
    const a = await w.owner.post(`${w.base}/folders`, { name: "Concurrents" });
    expect(a.statusCode).toBe(201);
    expect((await w.owner.post(`${w.base}/folders`, { name: "concurrents" })).statusCode).toBe(409);
    srv.routes.set("/dossier.xml", serve(rss("Dossier", [{ guid: "d1", title: "Un article rangé" }])));
    const feed = (
      await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}/dossier.xml`, folderId: a.json().id })
    ).json().feed;
    expect(feed.folderId).toBe(a.json().id);
    const list = (await w.owner.get(`${w.base}/feeds`)).json();
    expect(list.folders.find((f: { id: string }) => f.id === a.json().id).unread).toBe(1);
    const renamed = await w.owner.patch(`${w.base}/folders/${a.json().id}`, { name: "Concurrents & voisins" });
    expect(renamed.json().name).toBe("Concurrents & voisins");
    expect((await w.owner.delete(`${w.base}/folders/${a.json().id}`)).statusCode).toBe(204);
    expect((await w.owner.get(`${w.base}/feeds/${feed.id}`)).json().folderId).toBeNull();
  });
});

describe("OPML", () => {
  it("imports a Feedly export: categories become folders, duplicates counted once", async () => {
    const ws = await createWorkspace(w.owner, "Import Feedly");
    const res = await w.owner.post(`/api/workspaces/${ws}/veille/opml`, {
      opml: fixture("opml", "feedly.opml").toString("utf8"),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ feedsCreated: 4, feedsExisting: 1, foldersCreated: 2, invalid: [] });
    const list = (await w.owner.get(`/api/workspaces/${ws}/veille/feeds`)).json();
    expect(list.folders.map((f: { name: string }) => f.name).sort()).toEqual([
      "Presse régionale",
      "Tourisme & culture",
    ]);
    const alert = list.feeds.find((f: { url: string }) => f.url.includes("google.com/alerts"));
    expect(alert.title).toBe('Google Alert - "Arles"');
    expect(alert.folderId).toBeNull();
  });

  it("imports Inoreader (nested outlines → 'Parent / Child' folder, invalid URL listed) and Miniflux exports", async () => {
    const ws = await createWorkspace(w.owner, "Import Inoreader");
    const ino = await w.owner.post(`/api/workspaces/${ws}/veille/opml`, {
      opml: fixture("opml", "inoreader.xml").toString("utf8"),
    });
    expect(ino.json()).toEqual({
      feedsCreated: 3,
      feedsExisting: 0,
      foldersCreated: 2,
      invalid: [{ text: "Sans URL valide", url: "javascript:alert(1)" }],
    });
    const names = (await w.owner.get(`/api/workspaces/${ws}/veille/feeds`))
      .json()
      .folders.map((f: { name: string }) => f.name);
    expect(names.sort()).toEqual(["Concurrents", "Social media / Réseaux"]);
    const mini = await w.owner.post(`/api/workspaces/${ws}/veille/opml`, {
      opml: fixture("opml", "miniflux.opml").toString("utf8"),
    });
    expect(mini.json()).toMatchObject({ feedsCreated: 3, foldersCreated: 2 });
  });

  it("round-trips: export then import elsewhere gives the same feeds in the same folders", async () => {
    const ws = await createWorkspace(w.owner, "Aller");
    for (const f of ["feedly.opml", "inoreader.xml", "miniflux.opml"]) {
      await w.owner.post(`/api/workspaces/${ws}/veille/opml`, { opml: fixture("opml", f).toString("utf8") });
    }
    const exported = await w.owner.get(`/api/workspaces/${ws}/veille/opml`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers["content-type"]).toContain("text/x-opml");
    const shape = (text: string) =>
      readOpml(text)
        .feeds.map((f) => `${f.folder ?? "-"} | ${f.title} | ${f.url}`)
        .sort();
    const original = [
      ...new Set(
        ["feedly.opml", "inoreader.xml", "miniflux.opml"].flatMap((f) => shape(fixture("opml", f).toString("utf8"))),
      ),
    ];
    // The feed listed twice in the Feedly file keeps its first folder.
    const expected = original.filter((l) => !l.startsWith("Tourisme & culture | La Provence"));
    expect(shape(exported.body)).toEqual(expected.sort());

    const back = await createWorkspace(w.owner, "Retour");
    const res = await w.owner.post(`/api/workspaces/${back}/veille/opml`, { opml: exported.body });
    expect(res.json().feedsCreated).toBe(expected.length);
    const again = await w.owner.get(`/api/workspaces/${back}/veille/opml`);
    expect(shape(again.body)).toEqual(shape(exported.body));
  });

  it("refuses a file that is not OPML (400 opml_invalid), nothing created", async () => {
    const ws = await createWorkspace(w.owner, "Mauvais fichier");
    const res = await w.owner.post(`/api/workspaces/${ws}/veille/opml`, {
      opml: "<html><body>pas un OPML</body></html>",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("opml_invalid");
    expect((await w.owner.get(`/api/workspaces/${ws}/veille/feeds`)).json().feeds).toEqual([]);
  });
});
