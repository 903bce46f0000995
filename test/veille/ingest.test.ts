import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedItem, NormalizedFeed } from "../../src/modules/veille/core.js";
import * as feedsRepo from "../../src/modules/veille/feeds.repo.js";
import * as repo from "../../src/modules/veille/ingest.repo.js";
import { ingestFeed } from "../../src/modules/veille/ingest.service.js";
import { searchVector } from "../../src/modules/veille/items.repo.js";
import { PollStateWriter, pollDueFeeds, pollFeed } from "../../src/modules/veille/poller.service.js";
import { storyBands, titleTokens } from "../../src/modules/veille/text.js";
import { createWorkspace } from "../helpers/app.js";
import { type FeedServer, makeDue, rss, startFeedServer, type VeilleWorld, veilleWorld } from "./veille-helpers.js";

/**
 * Ingestion's two statements (migration 0010, ingest.repo.ts) and the poller's batched feed states: the
 * stored search vector is searchVector's, a batch is stored once however often it is retried or raced,
 * concurrent joins of one story make one story, a feed's validators never advance past items not stored.
 */
let w: VeilleWorld;
let srv: FeedServer;

beforeAll(async () => {
  w = await veilleWorld({}, "ingestion");
  srv = await startFeedServer();
});
afterAll(async () => {
  await srv.close();
  await w.t.close();
});

const HOUR = 3600_000;
const now = Date.now();
const db = () => w.t.ctx.db;

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

const feedOf = (items: FeedItem[]) =>
  ({
    format: "rss2.0",
    title: "Flux",
    link: null,
    description: null,
    language: null,
    updated: null,
    items,
  }) as NormalizedFeed;

async function newFeed(ws: string, name: string, extra: Partial<feedsRepo.NewFeed> = {}) {
  return (await feedsRepo.insertFeed(db(), ws, {
    url: `https://${name}.example/rss-${randomUUID()}`,
    title: name,
    next_fetch_at: new Date(now + 86_400_000),
    ...extra,
  })) as feedsRepo.FeedRow;
}

const count = async (table: "feed_items" | "stories", ws: string) =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .where("workspace_id", "=", ws)
        .executeTakeFirstOrThrow()
    ).n,
  );

function newItem(p: Partial<repo.IngestedItem> & { guid: string; title: string }): repo.IngestedItem {
  return {
    link: null,
    content_hash: randomUUID(),
    summary: "",
    content: "",
    author: null,
    categories: [],
    enclosures: [],
    image_url: null,
    language: "fr",
    published_at: new Date(now - HOUR),
    story_bands: storyBands(titleTokens(p.title)),
    searchText: "",
    ...p,
  };
}

describe("the insert statement", () => {
  it("stores searchVector's vector (configuration by language, folded text, body cut at the same length)", async () => {
    const ws = await createWorkspace(w.owner, "Vecteurs");
    const f = await newFeed(ws, "vecteurs");
    const long = `${"Les équipes du théâtre antique préparent la saison. ".repeat(1300)}fin cachée`;
    const cases = [
      { language: "fr", title: "Œuvres et ÉQUIPES à l'Arène", body: long },
      { language: "en", title: "Naïve café owners’ strike", body: "The bakers were striking across the city." },
      { language: null, title: "Straße und Größe", body: "Ärger über die Bauarbeiten am Bahnhof" },
    ];
    await repo.insertIngested(
      db(),
      ws,
      f.id,
      cases.map((c, i) => newItem({ guid: `v-${i}`, title: c.title, language: c.language, searchText: c.body })),
    );
    for (const [i, c] of cases.entries()) {
      const { rows } = await sql<{ same: boolean }>`
        select search = ${searchVector(c.language, c.title, c.body)} as same from feed_items
         where feed_id = ${f.id} and guid = ${`v-${i}`}`.execute(db());
      expect(rows[0]?.same, c.title).toBe(true);
    }
  });

  it("is idempotent: a batch run again, or raced by another feed's copy (link, hash), is stored once", async () => {
    const ws = await createWorkspace(w.owner, "Rejeu");
    const a = await newFeed(ws, "a");
    const b = await newFeed(ws, "b");
    const batch = [
      newItem({ guid: "r-1", title: "La mairie annonce un plan pour la saison", link: "https://x.example/1" }),
      newItem({ guid: "r-2", title: "Le préfet inaugure la piste cyclable des quais", content_hash: "h-2" }),
    ];
    expect(await repo.insertIngested(db(), ws, a.id, batch)).toHaveLength(2);
    expect(await repo.insertIngested(db(), ws, a.id, batch)).toHaveLength(0);
    // Another feed's batch planned before a's was stored (its lookup did not see them): same link, same hash.
    const raced = [
      newItem({ guid: "other-1", title: "Autre titre", link: "https://x.example/1" }),
      newItem({ guid: "other-2", title: "Autre titre encore", content_hash: "h-2" }),
      newItem({ guid: "other-3", title: "Vraiment nouveau" }),
    ];
    const stored = await repo.insertIngested(db(), ws, b.id, raced);
    expect(stored.map((r) => r.guid)).toEqual(["other-3"]);
    expect(await count("feed_items", ws)).toBe(3);
  });

  it("two feeds joining the same candidate at once make one story led by it, counted once each", async () => {
    const ws = await createWorkspace(w.owner, "Course");
    const [lead, x, y] = [await newFeed(ws, "lead"), await newFeed(ws, "x"), await newFeed(ws, "y")];
    const title = "Les vignerons célèbrent la vendange 2026 en Camargue";
    const [first] = await repo.insertIngested(db(), ws, lead.id, [newItem({ guid: "l-1", title })]);
    // Both lookups ran before either insert: each plans a new story led by the candidate.
    const planned = (guid: string) =>
      newItem({
        guid,
        title: `${title} ce week-end`,
        story: { candidateId: first?.id as string, candidateTitle: title, newStoryId: randomUUID() },
      });
    await Promise.all([
      repo.insertIngested(db(), ws, x.id, [planned("x-1")]),
      repo.insertIngested(db(), ws, y.id, [planned("y-1")]),
    ]);
    const stories = await db().selectFrom("stories").selectAll().where("workspace_id", "=", ws).execute();
    expect(stories).toHaveLength(1);
    expect(stories[0]).toMatchObject({ lead_item_id: first?.id, item_count: 3, title });
    const members = await db().selectFrom("feed_items").select("story_id").where("workspace_id", "=", ws).execute();
    expect(members.every((m) => m.story_id === stories[0]?.id)).toBe(true);
  });

  it("stores text with U+0000 or a lone surrogate instead of failing the feed", async () => {
    const ws = await createWorkspace(w.owner, "Octets");
    const f = await newFeed(ws, "octets");
    const r = await ingestFeed(
      w.t.ctx,
      f,
      feedOf([
        entry({ id: "nul", title: `Un titre${String.fromCharCode(0)} avec un octet nul`, summary: "<p>résumé</p>" }),
        entry({ id: "surrogate", title: `Un titre \ud83d seul`, summary: "<p>autre résumé</p>" }),
      ]),
    );
    expect(r.newIds).toHaveLength(2);
    const titles = await db().selectFrom("feed_items").select("title").where("feed_id", "=", f.id).execute();
    expect(titles.map((t) => t.title).sort()).toEqual(["Un titre avec un octet nul", "Un titre \ufffd seul"]);
  });
});

describe("ingestFeed", () => {
  it("a second ingestion of the same fetch stores nothing and leaves the stories as they were", async () => {
    const ws = await createWorkspace(w.owner, "Deux fois");
    const a = await newFeed(ws, "deux-a");
    const b = await newFeed(ws, "deux-b");
    const title = "Le festival dévoile les Rencontres de la photographie à Arles";
    await ingestFeed(w.t.ctx, a, feedOf([entry({ id: "a1", title, link: "https://a.example/1" })]));
    const parsed = feedOf([
      entry({ id: "b1", title: `${title} cette année`, link: "https://b.example/1" }),
      entry({
        id: "b2",
        title: "Sans rapport : la gendarmerie suspend la navette électrique",
        link: "https://b.example/2",
      }),
    ]);
    expect((await ingestFeed(w.t.ctx, b, parsed)).newIds).toHaveLength(2);
    expect((await ingestFeed(w.t.ctx, b, parsed)).newIds).toHaveLength(0);
    const stories = await db().selectFrom("stories").selectAll().where("workspace_id", "=", ws).execute();
    expect(stories.map((s) => s.item_count)).toEqual([2]);
    expect(await count("feed_items", ws)).toBe(3);
  });
});

describe("feed states", () => {
  it("are written in one statement per batch; a title, site or description only fills an empty field", async () => {
    const ws = await createWorkspace(w.owner, "États");
    const named = await newFeed(ws, "nomme", { title: "Titre choisi" });
    const unnamed = await newFeed(ws, "anonyme", { title: "" });
    const writer = new PollStateWriter(w.t.ctx, 10);
    const at = new Date();
    for (const f of [named, unnamed])
      writer.add({
        id: f.id,
        interval_seconds: 1800,
        next_fetch_at: new Date(at.getTime() + 1800_000),
        etag: `"${f.id}"`,
        last_modified: null,
        last_fetched_at: at,
        last_new_item_at: at,
        title: "Titre du flux",
        site_url: "https://site.example/",
        description: "Description",
        language: "fr",
        format: "rss2.0",
      });
    expect((await feedsRepo.findFeed(db(), ws, named.id))?.etag).toBeNull(); // not written yet
    await writer.flush();
    const [n, u] = [await feedsRepo.findFeed(db(), ws, named.id), await feedsRepo.findFeed(db(), ws, unnamed.id)];
    expect(n).toMatchObject({ title: "Titre choisi", etag: `"${named.id}"`, interval_seconds: 1800, language: "fr" });
    expect(u).toMatchObject({ title: "Titre du flux", site_url: "https://site.example/", description: "Description" });
  });

  it("a poll whose state was never written (process killed) is fetched again without storing anything twice", async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({
      guid: `kill-${i}`,
      title: `Article ${i} sur la crue du Rhône et les digues de Tarascon`,
      link: `https://site.example/kill/${i}`,
      description: `Résumé ${i}`,
      pubDate: new Date(now - i * 60_000),
    }));
    srv.routes.set("/kill.xml", (req, res) => {
      if (req.headers["if-none-match"] === '"k1"') {
        res.writeHead(304, { etag: '"k1"' });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/rss+xml", etag: '"k1"' });
      res.end(rss("Crues", items, { language: "fr" }));
    });
    const ws = await createWorkspace(w.owner, "Interrompu");
    const feed = await newFeed(ws, "kill", { url: `${srv.base}/kill.xml`, next_fetch_at: new Date(now - 1000) });
    // The items are stored, the state waits in the writer, and the process dies before it is written.
    const lost = new PollStateWriter(w.t.ctx, 1000, 60_000);
    const first = await pollFeed(w.t.ctx, feed, undefined, { states: lost });
    expect(first).toMatchObject({ status: "ok", newItems: 5 });
    expect((await feedsRepo.findFeed(db(), ws, feed.id))?.etag).toBeNull();
    // The lease ran out: the next poll reads the whole feed again (no validator), stores nothing new.
    await makeDue(w.t);
    await pollDueFeeds(w.t.ctx, { budgetMs: 10_000 });
    expect(await count("feed_items", ws)).toBe(5);
    expect((await feedsRepo.findFeed(db(), ws, feed.id))?.etag).toBe('"k1"');
    expect(srv.headers.get("/kill.xml")?.map((h) => h["if-none-match"] ?? null)).toEqual([null, null]);
  });

  it("a failed insert keeps the validators: the items are stored by the next poll", async () => {
    srv.routes.set("/fail.xml", (req, res) => {
      if (req.headers["if-none-match"] === '"f1"') {
        res.writeHead(304, { etag: '"f1"' });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/rss+xml", etag: '"f1"' });
      res.end(
        rss("Pannes", [
          { guid: "fail-1", title: "Une panne de stockage au mauvais moment", link: "https://f.example/1" },
        ]),
      );
    });
    const ws = await createWorkspace(w.owner, "Panne");
    const feed = await newFeed(ws, "fail", { url: `${srv.base}/fail.xml`, next_fetch_at: new Date(now - 1000) });
    await sql`create function test_refuse_item() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end $$`.execute(db());
    await sql
      .raw(`create trigger test_refuse before insert on feed_items for each row
      when (new.guid = 'fail-1') execute function test_refuse_item()`)
      .execute(db());
    try {
      const failed = await pollFeed(w.t.ctx, feed);
      expect(failed.status).toBe("failed");
    } finally {
      await sql`drop trigger test_refuse on feed_items`.execute(db());
      await sql`drop function test_refuse_item()`.execute(db());
    }
    const after = (await feedsRepo.findFeed(db(), ws, feed.id)) as feedsRepo.FeedRow;
    expect(after).toMatchObject({ etag: null, last_error_code: "internal" });
    const again = await pollFeed(w.t.ctx, after);
    expect(again).toMatchObject({ status: "ok", newItems: 1 });
    expect((await feedsRepo.findFeed(db(), ws, feed.id))?.etag).toBe('"f1"');
  });
});
