import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as feedsRepo from "../../src/modules/veille/feeds.repo.js";
import { nextState, pollDueFeeds } from "../../src/modules/veille/poller.service.js";
import {
  type FeedServer,
  makeDue,
  rss,
  serve,
  startFeedServer,
  type VeilleWorld,
  veilleWorld,
} from "./veille-helpers.js";

/**
 * The poller against a loopback server: conditional GET (ETag, Last-Modified), adaptive interval, redirects,
 * 410 Gone, Retry-After, timeouts, slow-loris, oversized bodies, wrong charsets, one broken feed among good
 * ones, the per-host limit.
 */
let w: VeilleWorld;
let srv: FeedServer;

beforeAll(async () => {
  w = await veilleWorld({ maxBytes: 256 * 1024 });
  srv = await startFeedServer();
});
afterAll(async () => {
  await srv.close();
  await w.t.close();
});

const now = Date.now();
const items = (prefix: string, n: number, offsetMin = 0) =>
  Array.from({ length: n }, (_, i) => ({
    guid: `${prefix}-${i + offsetMin}`,
    title: `${prefix} : article numéro ${i + offsetMin} sur la fréquentation des arènes`,
    link: `https://site.example/${prefix}/${i + offsetMin}`,
    description: `Résumé ${i + offsetMin} — la saison touristique à Arles, vue par la presse locale. ${prefix}`,
    pubDate: new Date(now - (i + offsetMin) * 60_000),
  }));

async function subscribe(path: string) {
  const res = await w.owner.post(`${w.base}/feeds`, { url: `${srv.base}${path}` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().feed as { id: string; url: string };
}

const row = async (id: string) => (await feedsRepo.findFeed(w.t.ctx.db, w.ws, id)) as feedsRepo.FeedRow;
const itemCount = async (feedId: string) =>
  Number(
    (
      await w.t.ctx.db
        .selectFrom("feed_items")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("feed_id", "=", feedId)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function pollOne(feedId: string) {
  const res = await w.owner.post(`${w.base}/feeds/${feedId}/fetch`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { outcome: string; newItems: number; feed: Record<string, unknown> };
}

describe("conditional GET", () => {
  it("stores the ETag, sends If-None-Match, and a 304 adds nothing and lengthens the interval", async () => {
    let body = rss("Le Provençal", items("etag", 3), { language: "fr" });
    srv.routes.set("/etag.xml", (req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/rss+xml", etag: '"v1"' });
      res.end(body);
    });
    const feed = await subscribe("/etag.xml");
    expect(await itemCount(feed.id)).toBe(3);
    const first = await row(feed.id);
    expect(first.etag).toBe('"v1"');
    expect(first.title).toBe("Le Provençal");

    const r = await pollOne(feed.id);
    expect(r.outcome).toBe("not_modified");
    expect(r.newItems).toBe(0);
    expect(srv.headers.get("/etag.xml")?.at(-1)?.["if-none-match"]).toBe('"v1"');
    const after = await row(feed.id);
    expect(after.interval_seconds).toBe(Math.round(first.interval_seconds * 1.5));
    expect(after.next_fetch_at.getTime()).toBeGreaterThan(Date.now() + after.interval_seconds * 900 - 5000);
    expect(await itemCount(feed.id)).toBe(3);

    // A changed feed (new ETag) with two new items: only those are added, and the interval shortens.
    body = rss("Le Provençal", [...items("etag-new", 2), ...items("etag", 3)]);
    srv.routes.set("/etag.xml", serve(body, { etag: '"v2"' }));
    const r2 = await pollOne(feed.id);
    expect(r2).toMatchObject({ outcome: "ok", newItems: 2 });
    expect(await itemCount(feed.id)).toBe(5);
    const busy = await row(feed.id);
    expect(busy.etag).toBe('"v2"');
    expect(busy.interval_seconds).toBe(Math.round(after.interval_seconds / 2));
    expect(busy.last_new_item_at).not.toBeNull();
  });

  it("sends If-Modified-Since with the stored Last-Modified", async () => {
    const lm = "Sat, 21 Nov 2026 09:00:00 GMT";
    srv.routes.set("/lm.xml", (req, res) => {
      if (req.headers["if-modified-since"] === lm) {
        res.writeHead(304);
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/rss+xml", "last-modified": lm });
      res.end(rss("La Marseillaise", items("lm", 2)));
    });
    const feed = await subscribe("/lm.xml");
    expect((await row(feed.id)).last_modified).toBe(lm);
    expect((await pollOne(feed.id)).outcome).toBe("not_modified");
    expect(srv.headers.get("/lm.xml")?.at(-1)?.["if-modified-since"]).toBe(lm);
  });

  it("never schedules sooner than Cache-Control max-age", async () => {
    srv.routes.set("/maxage.xml", serve(rss("Max-age", items("maxage", 1)), { "cache-control": "max-age=40000" }));
    const feed = await subscribe("/maxage.xml");
    const r = await row(feed.id);
    expect(r.next_fetch_at.getTime()).toBeGreaterThan(Date.now() + 40000 * 900);
  });
});

describe("redirects and gone feeds", () => {
  it("a permanent redirect (301, 308) replaces the feed's URL; a temporary one (302) does not", async () => {
    srv.routes.set("/moving.xml", serve(rss("Déménage", items("mv", 1))));
    const feed = await subscribe("/moving.xml");
    srv.routes.set("/new-home.xml", serve(rss("Déménage", items("mv", 2))));
    srv.routes.set("/moving.xml", (_req, res) => {
      res.writeHead(301, { location: "/new-home.xml" });
      res.end();
    });
    expect((await pollOne(feed.id)).outcome).toBe("ok");
    expect((await row(feed.id)).url).toBe(`${srv.base}/new-home.xml`);

    srv.routes.set("/new-home.xml", (_req, res) => {
      res.writeHead(308, { location: "/final.xml" });
      res.end();
    });
    srv.routes.set("/final.xml", (_req, res) => {
      res.writeHead(302, { location: "/temporary.xml" });
      res.end();
    });
    srv.routes.set("/temporary.xml", serve(rss("Déménage", items("mv", 3))));
    expect((await pollOne(feed.id)).outcome).toBe("ok");
    // 308 then 302: the permanent part of the chain is kept.
    expect((await row(feed.id)).url).toBe(`${srv.base}/final.xml`);
    expect((await pollOne(feed.id)).outcome).toBe("ok");
    expect((await row(feed.id)).url).toBe(`${srv.base}/final.xml`);
    expect(await itemCount(feed.id)).toBe(3);
  });

  it("410 Gone: marked gone, shown with a translated error, never claimed again; fetch now retries", async () => {
    srv.routes.set("/gone.xml", serve(rss("Bientôt fermé", items("gone", 1))));
    const feed = await subscribe("/gone.xml");
    srv.routes.set("/gone.xml", serve("Gone", {}, 410));
    expect((await pollOne(feed.id)).outcome).toBe("gone");
    const gone = await row(feed.id);
    expect(gone.gone_at).not.toBeNull();
    const view = (await w.owner.get(`${w.base}/feeds/${feed.id}`)).json();
    expect(view.goneAt).not.toBeNull();
    expect(view.nextFetchAt).toBeNull();
    expect(view.lastError.code).toBe("gone");
    expect(view.lastError.message).toContain("n'existe plus");

    await makeDue(w.t);
    const hits = srv.hits.get("/gone.xml");
    await pollDueFeeds(w.t.ctx, { budgetMs: 20_000 });
    expect(srv.hits.get("/gone.xml")).toBe(hits);

    srv.routes.set("/gone.xml", serve(rss("De retour", items("gone", 2))));
    expect((await pollOne(feed.id)).outcome).toBe("ok");
    expect((await row(feed.id)).gone_at).toBeNull();
  });
});

describe("errors and backoff", () => {
  it("503 with Retry-After: error stored, next fetch not before Retry-After; repeated errors back off further", async () => {
    srv.routes.set("/busy.xml", serve(rss("Surchargé", items("busy", 1))));
    const feed = await subscribe("/busy.xml");
    srv.routes.set(
      "/busy.xml",
      serve("Service Unavailable", { "retry-after": "7200", "content-type": "text/plain" }, 503),
    );
    const r = await pollOne(feed.id);
    expect(r.outcome).toBe("error");
    const a = await row(feed.id);
    expect(a.error_count).toBe(1);
    expect(a.last_error_code).toBe("http_status");
    expect(a.last_error_message).toContain("503");
    expect(a.next_fetch_at.getTime()).toBeGreaterThanOrEqual(Date.now() + 7200 * 900);
    const view = (await w.owner.get(`${w.base}/feeds/${feed.id}`)).json();
    expect(view.lastError.message).toBe("Le serveur a répondu par une erreur HTTP 503.");

    srv.routes.set("/busy.xml", serve("Too Many Requests", { "retry-after": "60", "content-type": "text/plain" }, 429));
    await pollOne(feed.id);
    const b = await row(feed.id);
    expect(b.error_count).toBe(2);
    // Backoff: interval × 2² (the 60 s Retry-After is shorter).
    expect(b.next_fetch_at.getTime()).toBeGreaterThanOrEqual(Date.now() + b.interval_seconds * 4 * 900 - 5000);

    srv.routes.set("/busy.xml", serve(rss("Surchargé", items("busy", 2))));
    expect((await pollOne(feed.id)).outcome).toBe("ok");
    const c = await row(feed.id);
    expect(c.error_count).toBe(0);
    expect(c.last_error_code).toBeNull();
  });

  it("a server that never answers, or trickles bytes (slow-loris), times out", async () => {
    srv.routes.set("/slow.xml", serve(rss("Lent", items("slow", 1))));
    const feed = await subscribe("/slow.xml");
    srv.routes.set("/slow.xml", () => {
      /* never answers */
    });
    const t0 = Date.now();
    expect((await pollOne(feed.id)).outcome).toBe("error");
    expect(Date.now() - t0).toBeLessThan(8000);
    expect((await row(feed.id)).last_error_code).toBe("timeout");

    srv.routes.set("/slow.xml", (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(" ");
      }, 300);
      res.on("close", () => clearInterval(timer));
    });
    const t1 = Date.now();
    expect((await pollOne(feed.id)).outcome).toBe("error");
    expect(Date.now() - t1).toBeLessThan(8000);
    expect((await row(feed.id)).last_error_code).toBe("timeout");
  });

  it("an oversized body is refused (too_large) and nothing is stored", async () => {
    srv.routes.set("/huge.xml", serve(rss("Énorme", items("huge", 1))));
    const feed = await subscribe("/huge.xml");
    const big = rss("Énorme", items("huge", 3000));
    expect(big.length).toBeGreaterThan(256 * 1024);
    srv.routes.set("/huge.xml", serve(big));
    expect((await pollOne(feed.id)).outcome).toBe("error");
    expect((await row(feed.id)).last_error_code).toBe("too_large");
    expect(await itemCount(feed.id)).toBe(1);
  });

  it("a wrong declared charset (Latin-1 bytes sent as UTF-8) still reads the accents", async () => {
    const xml = rss("Gazette d'Été", [
      {
        guid: "latin-1",
        title: "Fête des prémices du riz à Arles",
        description: "Défilé, corso et épreuves camarguaises.",
      },
    ]);
    srv.routes.set(
      "/latin.xml",
      serve(iconv.encode(xml, "latin1"), { "content-type": "application/rss+xml; charset=utf-8" }),
    );
    const feed = await subscribe("/latin.xml");
    const item = await w.t.ctx.db
      .selectFrom("feed_items")
      .selectAll()
      .where("feed_id", "=", feed.id)
      .executeTakeFirstOrThrow();
    expect(item.title).toBe("Fête des prémices du riz à Arles");
    expect((await row(feed.id)).title).toBe("Gazette d'Été");
  });
});

describe("pollDueFeeds", () => {
  it("one broken feed never stops the others; each outcome is recorded", async () => {
    const good = ["/g1.xml", "/g2.xml", "/g3.xml"];
    const ids: string[] = [];
    for (const p of good) {
      srv.routes.set(p, serve(rss(`Bon ${p}`, items(p.slice(1, 3), 1))));
      ids.push((await subscribe(p)).id);
    }
    srv.routes.set("/broken.xml", serve(rss("Cassé", items("broken", 1))));
    const broken = await subscribe("/broken.xml");
    srv.routes.set("/garbage.xml", serve(rss("Illisible", items("garbage", 1))));
    const garbage = await subscribe("/garbage.xml");
    // Every feed of the workspace is due; the good ones got new items, one answers 500, one garbage.
    for (const p of good) srv.routes.set(p, serve(rss(`Bon ${p}`, items(p.slice(1, 3), 2))));
    srv.routes.set("/broken.xml", serve("boom", {}, 500));
    srv.routes.set(
      "/garbage.xml",
      serve(Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]), { "content-type": "application/octet-stream" }),
    );
    await w.t.ctx.db
      .updateTable("feeds")
      .set({ next_fetch_at: new Date(Date.now() + 86_400_000) })
      .execute();
    await w.t.ctx.db
      .updateTable("feeds")
      .set({ next_fetch_at: new Date(Date.now() - 1000) })
      .where("id", "in", [...ids, broken.id, garbage.id])
      .execute();
    const stats = await pollDueFeeds(w.t.ctx, { budgetMs: 20_000 });
    expect(stats.claimed).toBe(5);
    expect(stats.ok).toBe(3);
    expect(stats.errors).toBe(2);
    for (const id of ids) expect(await itemCount(id)).toBe(2);
    expect((await row(broken.id)).last_error_code).toBe("http_status");
    expect((await row(garbage.id)).last_error_code).not.toBeNull();
    // Nothing is due any more: a second run claims nothing.
    expect((await pollDueFeeds(w.t.ctx, { budgetMs: 5_000 })).claimed).toBe(0);
  });

  it("never fetches more than RELAIS_FEEDS_PER_HOST feeds of one host at a time", async () => {
    let active = 0;
    let peak = 0;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = `/host-${i}.xml`;
      srv.routes.set(p, serve(rss(`Hôte ${i}`, items(`host${i}`, 1))));
      ids.push((await subscribe(p)).id);
      srv.routes.set(p, (_req, res) => {
        active++;
        peak = Math.max(peak, active);
        setTimeout(() => {
          active--;
          res.writeHead(304);
          res.end();
        }, 150);
      });
    }
    await w.t.ctx.db
      .updateTable("feeds")
      .set({ next_fetch_at: new Date(Date.now() + 86_400_000) })
      .execute();
    await w.t.ctx.db
      .updateTable("feeds")
      .set({ next_fetch_at: new Date(Date.now() - 1000) })
      .where("id", "in", ids)
      .execute();
    const stats = await pollDueFeeds(w.t.ctx, { budgetMs: 20_000 });
    expect(stats.notModified).toBe(6);
    expect(peak).toBe(2);
  });
});

describe("nextState", () => {
  const bounds = { minIntervalSeconds: 300, maxIntervalSeconds: 86_400 };
  const base = {
    url: "u",
    finalUrl: "u",
    permanentRedirect: null,
    httpStatus: 200,
    maxAgeSeconds: null,
    retryAfterSeconds: null,
    durationMs: 1,
  };
  const at = new Date("2026-11-21T10:00:00Z");
  it("stays within the configured bounds", () => {
    const quiet = nextState(
      { interval_seconds: 80_000, error_count: 0 },
      { ...base, status: "not_modified", etag: null, lastModified: null },
      0,
      bounds,
      at,
    );
    expect(quiet.interval_seconds).toBe(86_400);
    const busy = nextState(
      { interval_seconds: 400, error_count: 0 },
      { ...base, status: "not_modified", etag: null, lastModified: null },
      3,
      bounds,
      at,
    );
    expect(busy.interval_seconds).toBe(300);
    const failing = nextState(
      { interval_seconds: 3600, error_count: 9 },
      {
        ...base,
        status: "error",
        error: { kind: "refused", messageKey: "veille.feedError.refused", detail: "ECONNREFUSED" },
      },
      0,
      bounds,
      at,
    );
    expect(failing.error_count).toBe(10);
    expect(failing.next_fetch_at.getTime() - at.getTime()).toBeLessThanOrEqual(86_400 * 1.1 * 1000);
  });
});
