import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedItem, NormalizedFeed } from "../../src/modules/veille/core.js";
import { offItemsIngested, onItemsIngested } from "../../src/modules/veille/events.js";
import * as feedsRepo from "../../src/modules/veille/feeds.repo.js";
import { ingestFeed } from "../../src/modules/veille/ingest.service.js";
import { getItem } from "../../src/modules/veille/items.service.js";
import { applyRetention } from "../../src/modules/veille/retention.service.js";
import { createWorkspace } from "../helpers/app.js";
import { type FeedServer, serve, startFeedServer, type VeilleWorld, veilleWorld } from "./veille-helpers.js";

/** Ingestion (dedup, stories, language), search, paging, read/star, unread counts, retention, full text, hook. */
let w: VeilleWorld;
let srv: FeedServer;

beforeAll(async () => {
  w = await veilleWorld({}, "lecture");
  srv = await startFeedServer();
});
afterAll(async () => {
  await srv.close();
  await w.t.close();
});

const HOUR = 3600_000;
const now = Date.now();

function entry(p: Partial<FeedItem> & { id: string; title: string }): FeedItem {
  return {
    link: null,
    published: new Date(now - HOUR).toISOString(),
    updated: null,
    author: null,
    summary: null,
    content: null,
    categories: [],
    enclosures: [],
    ...p,
  };
}

function feedOf(items: FeedItem[], title = "Flux"): NormalizedFeed {
  return {
    format: "rss2.0",
    title,
    link: null,
    description: null,
    language: null,
    updated: null,
    items,
  } as NormalizedFeed;
}

async function newFeed(title: string, ws = w.ws, extra: Partial<feedsRepo.NewFeed> = {}) {
  const f = await feedsRepo.insertFeed(w.t.ctx.db, ws, {
    url: `https://${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example/rss-${Math.random()}`,
    title,
    next_fetch_at: new Date(now + 86_400_000),
    ...extra,
  });
  return f as feedsRepo.FeedRow;
}

const list = async (query: string, ws = w.ws) => {
  const res = await w.owner.get(`/api/workspaces/${ws}/veille/items?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Array<Record<string, unknown> & { id: string; title: string }>;
    nextCursor: string | null;
  };
};

describe("deduplication", () => {
  it("by guid (in the batch and later), then link, then content hash across the workspace's feeds", async () => {
    const ws = await createWorkspace(w.owner, "Dédup");
    const a = await newFeed("Source A", ws);
    const b = await newFeed("Source B", ws);
    const first = await ingestFeed(
      w.t.ctx,
      a,
      feedOf([
        entry({ id: "g1", title: "Premier article sur la Camargue", link: "https://a.example/1", summary: "Texte un" }),
        entry({
          id: "g1",
          title: "Premier article (doublon de guid)",
          link: "https://a.example/1bis",
          summary: "Autre",
        }),
        entry({ id: "g2", title: "Deuxième article", link: "https://a.example/2", summary: "Texte deux" }),
      ]),
    );
    expect(first.newIds).toHaveLength(2);
    const again = await ingestFeed(
      w.t.ctx,
      a,
      feedOf([entry({ id: "g1", title: "Titre modifié", link: "https://a.example/1" })]),
    );
    expect(again.newIds).toHaveLength(0);
    // Feed B: the same link under another guid, then the same text under another guid and link.
    const fromB = await ingestFeed(
      w.t.ctx,
      b,
      feedOf([
        entry({ id: "b1", title: "Premier article sur la Camargue", link: "https://a.example/1", summary: "Texte un" }),
        entry({ id: "b2", title: "Deuxième article", link: "https://b.example/copie", summary: "Texte  deux" }),
        entry({ id: "b3", title: "Un vrai nouvel article", link: "https://b.example/3", summary: "Inédit" }),
      ]),
    );
    expect(fromB.newIds).toHaveLength(1);
    // Another workspace is not deduplicated against this one.
    const c = await newFeed("Source C", w.ws);
    const other = await ingestFeed(
      w.t.ctx,
      c,
      feedOf([
        entry({ id: "x1", title: "Premier article sur la Camargue", link: "https://a.example/1", summary: "Texte un" }),
      ]),
    );
    expect(other.newIds).toHaveLength(1);
  });

  it("skips items older than the retention and clamps future dates to now", async () => {
    const ws = await createWorkspace(w.owner, "Dates");
    const f = await newFeed("Dates", ws);
    const r = await ingestFeed(
      w.t.ctx,
      f,
      feedOf([
        entry({ id: "old", title: "Archive de 2019", published: "2019-01-01T00:00:00.000Z" }),
        entry({
          id: "future",
          title: "Article daté du futur",
          published: new Date(now + 30 * 86_400_000).toISOString(),
        }),
      ]),
    );
    expect(r.newIds).toHaveLength(1);
    const item = await w.t.ctx.db
      .selectFrom("feed_items")
      .selectAll()
      .where("id", "=", r.newIds[0] as string)
      .executeTakeFirstOrThrow();
    expect(item.guid).toBe("future");
    expect(item.published_at.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe("stories", () => {
  it("groups the same news from several sources within 48 h, lists it once with its sources, reads it once", async () => {
    const ws = await createWorkspace(w.owner, "Histoires");
    const sources = await Promise.all(
      ["La Provence", "Midi Libre", "France 3 Régions", "Le Monde"].map((t) => newFeed(t, ws)),
    );
    const titles = [
      "Arles : la Fondation Luma accueille une exposition Van Gogh inédite",
      "Exposition Van Gogh inédite à la Fondation Luma d'Arles",
      "La Fondation Luma d'Arles accueille une exposition inédite de Van Gogh 🎨",
    ];
    for (const [i, t] of titles.entries()) {
      await ingestFeed(
        w.t.ctx,
        sources[i] as feedsRepo.FeedRow,
        feedOf([
          entry({
            id: `s${i}`,
            title: t,
            link: `https://src${i}.example/luma`,
            published: new Date(now - (3 - i) * HOUR).toISOString(),
          }),
        ]),
      );
    }
    // A different story from the fourth source, and the same title three days later: not grouped.
    await ingestFeed(
      w.t.ctx,
      sources[3] as feedsRepo.FeedRow,
      feedOf([
        entry({
          id: "other",
          title: "Féria d'Arles : les arènes affichent complet pour Pâques",
          link: "https://src3.example/feria",
        }),
        entry({
          id: "late",
          title: "Arles : la Fondation Luma accueille une exposition Van Gogh inédite",
          link: "https://src3.example/luma-bis",
          summary: "<p>Rappel : l'exposition avait été annoncée la semaine dernière.</p>",
          published: new Date(now - 5 * 86_400_000).toISOString(),
        }),
      ]),
    );
    const stories = await w.t.ctx.db.selectFrom("stories").selectAll().where("workspace_id", "=", ws).execute();
    expect(stories).toHaveLength(1);
    expect(stories[0]?.item_count).toBe(3);

    const grouped = await list("limit=50", ws);
    expect(grouped.items).toHaveLength(3);
    const lead = grouped.items.find((i) => i.story) as unknown as {
      id: string;
      story: { count: number; sources: { feedTitle: string }[] };
    };
    expect(lead.story.count).toBe(3);
    expect(lead.story.sources.map((s) => s.feedTitle)).toEqual(["La Provence", "Midi Libre", "France 3 Régions"]);
    expect((await list("limit=50&group=false", ws)).items).toHaveLength(5);

    expect((await w.owner.post(`/api/workspaces/${ws}/veille/items/${lead.id}/read`, { read: true })).json().read).toBe(
      true,
    );
    const unread = await list("limit=50&group=false&unread=true", ws);
    expect(unread.items.map((i) => i.title).sort()).toEqual([
      "Arles : la Fondation Luma accueille une exposition Van Gogh inédite",
      "Féria d'Arles : les arènes affichent complet pour Pâques",
    ]);
  });
});

describe("search and filters", () => {
  let ws: string;
  let fr: feedsRepo.FeedRow;
  let en: feedsRepo.FeedRow;
  let folderId: string;
  beforeAll(async () => {
    ws = await createWorkspace(w.owner, "Recherche");
    folderId = (await w.owner.post(`/api/workspaces/${ws}/veille/folders`, { name: "Presse" })).json().id;
    fr = await newFeed("Le Journal d'Arles", ws, { folder_id: folderId });
    en = await newFeed("The Provence Post", ws);
    await ingestFeed(
      w.t.ctx,
      fr,
      feedOf([
        entry({
          id: "f1",
          title: "Les équipes municipales préparent la féria de Pâques",
          summary:
            "<p>Les services de la ville et les bénévoles s'organisent pour accueillir des dizaines de milliers de visiteurs dans les arènes.</p>",
          published: new Date(now - 2 * HOUR).toISOString(),
        }),
        entry({
          id: "f2",
          title: "Une équipe de chercheurs étudie les taureaux de Camargue",
          summary:
            "<p>Les scientifiques observent les manades pendant toute la saison, près des étangs et des rizières.</p>",
          published: new Date(now - 30 * HOUR).toISOString(),
        }),
        entry({
          id: "f3",
          title: "Cœur de ville : l'œuvre restaurée retrouve sa place 🎉",
          summary:
            "<p>Après deux années de restauration minutieuse, le retable est de nouveau visible dans l'église Saint-Trophime.</p>",
          published: new Date(now - 3 * HOUR).toISOString(),
        }),
      ]),
    );
    await ingestFeed(
      w.t.ctx,
      en,
      feedOf([
        entry({
          id: "e1",
          title: "Tourists running to the Roman arena as the festival opens",
          summary:
            "<p>Visitors from all over Europe came to the city for the opening weekend of the bullfighting festival.</p>",
          published: new Date(now - HOUR).toISOString(),
        }),
      ]),
    );
  });

  const titles = async (q: string) => (await list(`${q}&group=false&limit=50`, ws)).items.map((i) => i.title).sort();

  it("detects each item's language", async () => {
    const items = (await list("group=false&limit=50", ws)).items;
    expect(items.filter((i) => i.language === "fr")).toHaveLength(3);
    expect(items.filter((i) => i.language === "en")).toHaveLength(1);
  });

  it("is accent- and case-insensitive with French stemming: equipe finds équipes and équipe", async () => {
    const both = [
      "Les équipes municipales préparent la féria de Pâques",
      "Une équipe de chercheurs étudie les taureaux de Camargue",
    ];
    expect(await titles(`q=${encodeURIComponent("equipe")}`)).toEqual(both);
    expect(await titles(`q=${encodeURIComponent("ÉQUIPES")}`)).toEqual(both);
    expect(await titles(`q=${encodeURIComponent("feria paques")}`)).toEqual([both[0]]);
    expect(await titles(`q=${encodeURIComponent("coeur oeuvre")}`)).toEqual([
      "Cœur de ville : l'œuvre restaurée retrouve sa place 🎉",
    ]);
    expect(await titles(`q=${encodeURIComponent("cœur")}`)).toEqual([
      "Cœur de ville : l'œuvre restaurée retrouve sa place 🎉",
    ]);
  });

  it("supports phrases, exclusion and OR; English stemming; words in the summary", async () => {
    expect(await titles(`q=${encodeURIComponent('"féria de Pâques"')}`)).toEqual([
      "Les équipes municipales préparent la féria de Pâques",
    ]);
    expect(await titles(`q=${encodeURIComponent("équipe -taureaux")}`)).toEqual([
      "Les équipes municipales préparent la féria de Pâques",
    ]);
    expect(await titles(`q=${encodeURIComponent("taureaux or retable")}`)).toHaveLength(2);
    expect(await titles(`q=${encodeURIComponent("run")}`)).toEqual([
      "Tourists running to the Roman arena as the festival opens",
    ]);
    expect(await titles(`q=${encodeURIComponent("bénévoles")}`)).toEqual([
      "Les équipes municipales préparent la féria de Pâques",
    ]);
    expect(await titles(`q=${encodeURIComponent("inexistantmot")}`)).toEqual([]);
  });

  it("filters by language, feed, folder, dates, unread and starred", async () => {
    expect(await titles("language=en")).toEqual(["Tourists running to the Roman arena as the festival opens"]);
    expect(await titles(`feedId=${en.id}`)).toHaveLength(1);
    expect(await titles(`folderId=${folderId}`)).toHaveLength(3);
    expect(await titles(`since=${encodeURIComponent(new Date(now - 10 * HOUR).toISOString())}`)).toHaveLength(3);
    expect(await titles(`until=${encodeURIComponent(new Date(now - 10 * HOUR).toISOString())}`)).toEqual([
      "Une équipe de chercheurs étudie les taureaux de Camargue",
    ]);
    const target = (await list("group=false&limit=50&language=en", ws)).items[0] as { id: string };
    expect(
      (await w.owner.post(`/api/workspaces/${ws}/veille/items/${target.id}/star`, { starred: true })).json(),
    ).toEqual({
      id: target.id,
      read: false,
      starred: true,
    });
    expect(await titles("starred=true")).toEqual(["Tourists running to the Roman arena as the festival opens"]);
    await w.owner.post(`/api/workspaces/${ws}/veille/items/${target.id}/read`, { read: true });
    expect(await titles("unread=true")).toHaveLength(3);
    await w.owner.post(`/api/workspaces/${ws}/veille/items/${target.id}/read`, { read: false });
    expect(await titles("unread=true")).toHaveLength(4);
  });
});

describe("paging, unread counts, mark all read", () => {
  it("keyset pages cover every item once; a bad cursor is a 400", async () => {
    const ws = await createWorkspace(w.owner, "Pages");
    const f = await newFeed("Beaucoup", ws);
    // Same publication time for several items: the id breaks ties.
    const entries = Array.from({ length: 75 }, (_, i) =>
      entry({
        id: `p${i}`,
        title: `Brève numéro ${i} du fil d'actualité`,
        published: new Date(now - Math.floor(i / 5) * 60_000).toISOString(),
      }),
    );
    await ingestFeed(w.t.ctx, f, feedOf(entries));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=30${cursor ? `&cursor=${cursor}` : ""}`, ws);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(75);
    const bad = await w.owner.get(`/api/workspaces/${ws}/veille/items?cursor=bm90LWEtY3Vyc29yLWF0LWFsbA`);
    expect(bad.statusCode).toBe(400);

    const counts = (await w.owner.get(`/api/workspaces/${ws}/veille/feeds`)).json();
    expect(counts.unread).toBe(75);
    // "Mark all as read up to" the 10 newest shown: only those and older ones... the newer stay unread.
    const before = new Date(now - 5 * 60_000).toISOString();
    const marked = await w.owner.post(`/api/workspaces/${ws}/veille/items/read`, { before, feedId: f.id });
    expect(marked.json().marked).toBe(50);
    const after = (await w.owner.get(`/api/workspaces/${ws}/veille/feeds`)).json();
    expect(after.unread).toBe(25);
    expect(after.feeds[0].unread).toBe(25);
    expect((await w.owner.post(`/api/workspaces/${ws}/veille/items/read`, { before })).json().marked).toBe(0);
  });
});

describe("retention", () => {
  it("deletes items past the workspace's retention except starred and curated ones", async () => {
    const ws = await createWorkspace(w.owner, "Rétention");
    expect((await w.owner.get(`/api/workspaces/${ws}/veille/settings`)).json()).toEqual({ retentionDays: 90 });
    const f = await newFeed("Ancien", ws);
    const r = await ingestFeed(
      w.t.ctx,
      f,
      feedOf(
        ["vieux", "étoilé", "curé", "récent"].map((id, i) =>
          entry({ id, title: `Article ${id} numéro ${i}`, link: `https://ancien.example/${i}` }),
        ),
      ),
    );
    const [old, starred, curated, recent] = r.newIds as [string, string, string, string];
    const forty = new Date(now - 40 * 86_400_000);
    await w.t.ctx.db
      .updateTable("feed_items")
      .set({ published_at: forty, fetched_at: forty })
      .where("id", "in", [old, starred, curated])
      .execute();
    await w.owner.post(`/api/workspaces/${ws}/veille/items/${starred}/star`, { starred: true });
    const topic = await w.owner.post(`/api/workspaces/${ws}/topics`, { name: "Sélection" });
    expect(topic.statusCode, topic.body).toBe(201);
    const saved = await w.owner.post(`/api/workspaces/${ws}/topics/${topic.json().id}/entries`, {
      feedItemId: curated,
      insight: "À garder",
    });
    expect(saved.statusCode, saved.body).toBe(201);

    await applyRetention(w.t.ctx);
    expect(await remaining(ws)).toHaveLength(4);
    const put = await w.owner.request({
      method: "PUT",
      url: `/api/workspaces/${ws}/veille/settings`,
      payload: { retentionDays: 30 },
    });
    expect(put.json()).toEqual({ retentionDays: 30 });
    expect(await applyRetention(w.t.ctx)).toBe(1);
    expect((await remaining(ws)).sort()).toEqual([starred, curated, recent].sort());
  });

  async function remaining(ws: string) {
    return (await w.t.ctx.db.selectFrom("feed_items").select("id").where("workspace_id", "=", ws).execute()).map(
      (r) => r.id,
    );
  }
});

describe("full text, sanitizing, the ingestion hook and getItem", () => {
  it("extracts the article with Readability for feeds that ask, and on demand; failures are translated 422s", async () => {
    const ws = await createWorkspace(w.owner, "Texte intégral");
    const article = `<!DOCTYPE html><html lang="fr"><head><title>Article</title></head><body>
      <nav><a href="/">Accueil</a> · <a href="/contact">Contact</a></nav>
      <article><h1>La Camargue sous l'eau</h1>
      ${Array.from({ length: 8 }, (_, i) => `<p>Paragraphe ${i + 1} : les pluies diluviennes ont inondé les rizières et les routes départementales, obligeant les gardians à déplacer les manades vers les terres hautes. <a href="/carte">Voir la carte</a></p>`).join("")}
      <script>alert("x")</script><img src="/photo.jpg" onerror="alert(1)"></article>
      <footer>© Journal</footer></body></html>`;
    srv.routes.set("/article", serve(article, { "content-type": "text/html; charset=utf-8" }));
    srv.routes.set("/vide", serve("<html><body><p>Rien.</p></body></html>", { "content-type": "text/html" }));
    const f = await newFeed("Teasers", ws, { fetch_full_text: true });
    const r = await ingestFeed(
      w.t.ctx,
      f,
      feedOf([
        entry({
          id: "teaser",
          title: "La Camargue sous l'eau",
          link: `${srv.base}/article`,
          summary: "<p>Les pluies…</p>",
        }),
      ]),
    );
    // No queue in tests: extracted inline by the poller path; here ingestion only reports it.
    expect(r.needFullText).toEqual(r.newIds);
    const id = r.newIds[0] as string;
    const res = await w.owner.post(`/api/workspaces/${ws}/veille/items/${id}/full-text`);
    expect(res.statusCode, res.body).toBe(200);
    const html = res.json().fullTextHtml as string;
    expect(html).toContain("gardians");
    expect(html).toContain(`href="${srv.base}/carte"`);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("onerror");
    expect(html).not.toContain("Accueil");
    expect(res.json().hasFullText).toBe(true);
    // The full text is searchable.
    expect((await list(`q=gardians&group=false`, ws)).items.map((i) => i.id)).toEqual([id]);

    const r2 = await ingestFeed(
      w.t.ctx,
      f,
      feedOf([entry({ id: "vide", title: "Page sans article", link: `${srv.base}/vide` })]),
    );
    const fail = await w.owner.post(`/api/workspaces/${ws}/veille/items/${r2.newIds[0]}/full-text`);
    expect(fail.statusCode).toBe(422);
    expect(fail.json().error.code).toBe("full_text_failed");
    expect(fail.json().error.message).toContain("aucun article");
  });

  it("stores only sanitized HTML and exposes the item to other domains; listeners get the new ids", async () => {
    const ws = await createWorkspace(w.owner, "Crochet");
    const f = await newFeed("Hook", ws);
    const got: string[][] = [];
    onItemsIngested("test", async (_ctx, e) => {
      got.push(e.itemIds);
      throw new Error("a failing listener does not break ingestion");
    });
    try {
      const { parseFeed } = await import("../../src/modules/veille/core.js");
      const parsed = parseFeed(
        Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><guid>h1</guid><title>Alerte rouge sur le Rhône 🌊</title>
        <description><![CDATA[<p onclick="steal()">Crue <b>historique</b><script>alert(1)</script> <a href="javascript:alert(2)">lien</a></p>]]></description></item></channel></rss>`),
        { url: "https://hook.example/rss" },
      );
      const r = await ingestFeed(w.t.ctx, f, parsed);
      expect(got).toEqual([r.newIds]);
      const item = await getItem(w.t.ctx, ws, r.newIds[0] as string);
      expect(item?.title).toBe("Alerte rouge sur le Rhône 🌊");
      expect(item?.summaryHtml).toContain("<b>historique</b>");
      expect(item?.summaryHtml).not.toMatch(/script|onclick|javascript:/);
      expect(item?.feedTitle).toBe("Hook");
      expect(await getItem(w.t.ctx, w.ws, r.newIds[0] as string)).toBeNull();
      const detail = (await w.owner.get(`/api/workspaces/${ws}/veille/items/${r.newIds[0]}`)).json();
      expect(detail.contentHtml).not.toMatch(/script|onclick|javascript:/);
    } finally {
      offItemsIngested("test");
    }
  });
});

describe("the search vector", () => {
  it("uses the item language's configuration", async () => {
    const { rows } = await sql<{
      v: string;
    }>`select search::text as v from feed_items where title like 'Les équipes municipales%'`.execute(w.t.ctx.db);
    expect(rows[0]?.v).toContain("'equip'");
  });
});
