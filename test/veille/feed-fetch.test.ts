import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/lib/http-client.js";
import { feedErrorMessage } from "../../src/modules/veille/feed/errors.js";
import { type FetchResult, fetchFeed, parseMaxAge, parseRetryAfter } from "../../src/modules/veille/feed/fetch.js";

/** fetchFeed against a loopback server: conditional GET, redirects, 410, timeouts, limits, charsets. */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
const seen: http.IncomingHttpHeaders[] = [];
let server: http.Server;
let base = "";

const fixture = (file: string) => fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/feeds", file));
const RSS = fixture("lemonde-rss2.xml");
const http_ = new HttpClient({ allowPrivateNetwork: true });
const guarded = new HttpClient();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await http_.close();
  await guarded.close();
});
afterEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.end();
});

function expectError(r: FetchResult, kind: string) {
  expect(r.status).toBe("error");
  if (r.status !== "error") return;
  expect(r.error.kind).toBe(kind);
  expect(r.error.messageKey).toBe(`veille.feedError.${kind}`);
}

describe("fetchFeed", () => {
  it("200: parses the feed, returns validators and the cache lifetime; sends Accept and conditional headers", async () => {
    handler = (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/rss+xml; charset=utf-8",
        etag: '"v1"',
        "last-modified": "Sat, 21 Nov 2026 09:00:00 GMT",
        "cache-control": "public, max-age=600",
      });
      res.end(RSS);
    };
    const r = await fetchFeed(http_, `${base}/rss/une.xml`, {
      etag: '"v0"',
      lastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
    });
    expect(r.status).toBe("ok");
    if (r.status !== "ok") return;
    expect(r.feed.items).toHaveLength(2);
    expect(r.feed.items[0]?.title).toContain("Conseil d’État");
    expect(r).toMatchObject({ etag: '"v1"', lastModified: "Sat, 21 Nov 2026 09:00:00 GMT", maxAgeSeconds: 600 });
    expect(r.permanentRedirect).toBeNull();
    expect(seen[0]?.["if-none-match"]).toBe('"v0"');
    expect(seen[0]?.["if-modified-since"]).toBe("Fri, 20 Nov 2026 09:00:00 GMT");
    expect(seen[0]?.accept).toMatch(/application\/rss\+xml/);
    expect(seen[0]?.["accept-encoding"]).toMatch(/gzip/);
  });

  it("304: not modified, keeps the stored validators", async () => {
    handler = (req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      res.end(RSS);
    };
    const r = await fetchFeed(http_, `${base}/feed`, { etag: '"v1"', lastModified: "Sat, 21 Nov 2026 09:00:00 GMT" });
    expect(r).toMatchObject({ status: "not_modified", etag: '"v1"', lastModified: "Sat, 21 Nov 2026 09:00:00 GMT" });
  });

  it("permanent redirects are reported (the caller updates the URL); a temporary hop is not", async () => {
    handler = (req, res) => {
      if (req.url === "/old") return res.writeHead(301, { location: "/newer" }).end();
      if (req.url === "/newer") return res.writeHead(308, { location: `${base}/newest` }).end();
      if (req.url === "/temp") return res.writeHead(302, { location: "/newest" }).end();
      if (req.url === "/perm-then-temp") return res.writeHead(301, { location: "/temp" }).end();
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS);
    };
    const moved = await fetchFeed(http_, `${base}/old`);
    expect(moved).toMatchObject({ status: "ok", permanentRedirect: `${base}/newest`, finalUrl: `${base}/newest` });
    const temp = await fetchFeed(http_, `${base}/temp`);
    expect(temp).toMatchObject({ status: "ok", permanentRedirect: null, finalUrl: `${base}/newest` });
    const mixed = await fetchFeed(http_, `${base}/perm-then-temp`);
    expect(mixed).toMatchObject({ status: "ok", permanentRedirect: `${base}/temp` });
  });

  it("too many redirects", async () => {
    handler = (req, res) => res.writeHead(302, { location: `/loop${Number(req.url?.slice(5) || 0) + 1}` }).end();
    expectError(await fetchFeed(http_, `${base}/loop0`, {}, { maxRedirects: 3 }), "too_many_redirects");
  });

  it("410 Gone → gone; 404 and 500 → http_status; 429/503 carry Retry-After", async () => {
    handler = (req, res) => {
      if (req.url === "/gone") return res.writeHead(410).end();
      if (req.url === "/missing") return res.writeHead(404).end("not here");
      if (req.url === "/busy") return res.writeHead(503, { "retry-after": "120" }).end();
      res.writeHead(500).end();
    };
    expect((await fetchFeed(http_, `${base}/gone`)).status).toBe("gone");
    const missing = await fetchFeed(http_, `${base}/missing`);
    expectError(missing, "http_status");
    expect(missing.httpStatus).toBe(404);
    const busy = await fetchFeed(http_, `${base}/busy`);
    expectError(busy, "http_status");
    expect(busy.retryAfterSeconds).toBe(120);
    expect(feedErrorMessage("fr", "http_status", { status: busy.httpStatus })).toBe(
      "Le serveur a répondu par une erreur HTTP 503.",
    );
  });

  it("gzip, deflate and brotli bodies are decoded", async () => {
    for (const [encoding, encode] of [
      ["gzip", zlib.gzipSync],
      ["deflate", zlib.deflateSync],
      ["br", zlib.brotliCompressSync],
    ] as const) {
      handler = (_req, res) => res.writeHead(200, { "content-encoding": encoding }).end(encode(RSS));
      const r = await fetchFeed(http_, `${base}/z`);
      expect(r.status, encoding).toBe("ok");
    }
  });

  it("the charset comes from the HTTP header when the document does not say (ISO-8859-1 body)", async () => {
    const latin1 = Buffer.from(
      '<rss version="2.0"><channel><title>Caf\xe9 d\xe9j\xe0</title><item><title>No\xebl</title></item></channel></rss>',
      "latin1",
    );
    handler = (_req, res) => res.writeHead(200, { "content-type": "text/xml; charset=ISO-8859-1" }).end(latin1);
    const r = await fetchFeed(http_, `${base}/latin1`);
    expect(r.status === "ok" && [r.feed.title, r.feed.items[0]?.title]).toEqual(["Café déjà", "Noël"]);
    // A server that says UTF-8 for Windows-1252 bytes: read as Windows-1252, not as U+FFFD.
    handler = (_req, res) =>
      res.writeHead(200, { "content-type": "application/xml; charset=utf-8" }).end(fixture("wrong-charset.xml"));
    const wrong = await fetchFeed(http_, `${base}/wrong`);
    expect(wrong.status === "ok" && wrong.feed.items[0]?.title).toBe("Élections : résultats définitifs");
  });

  it("timeouts: headers that never come, and a slow-loris body that trickles past the total deadline", async () => {
    handler = () => {}; // never answers
    const silent = await fetchFeed(http_, `${base}/silent`, {}, { headersTimeoutMs: 300, totalTimeoutMs: 2_000 });
    expectError(silent, "timeout");
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss><channel><title>lent</title>");
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(" ");
      }, 100);
      res.on("close", () => clearInterval(timer));
    };
    const started = Date.now();
    const loris = await fetchFeed(http_, `${base}/loris`, {}, { bodyTimeoutMs: 1_000, totalTimeoutMs: 1_500 });
    expectError(loris, "timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a body over the size limit is refused (also when compressed small)", async () => {
    const big = Buffer.alloc(300_000, 0x20);
    handler = (req, res) => {
      if (req.url === "/bomb") return res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(big));
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(big);
    };
    expectError(await fetchFeed(http_, `${base}/big`, {}, { maxBytes: 100_000 }), "too_large");
    expectError(await fetchFeed(http_, `${base}/bomb`, {}, { maxBytes: 100_000 }), "too_large");
  });

  it("an HTML page: not_a_feed with the feeds it declares, resolved against the page URL", async () => {
    handler = (_req, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fixture("site.html"));
    const r = await fetchFeed(http_, `${base}/blog/`);
    expectError(r, "not_a_feed");
    if (r.status !== "error") return;
    expect(r.error.feeds?.map((f) => f.url)).toEqual([
      "https://blog-cm.example.fr/feed/",
      "https://blog-cm.example.fr/feed/atom/",
    ]);
    expect(r.error.candidates).toContain(`${base}/feed`);
    expect(r.error.candidates).toContain(`${base}/blog/feed`);
  });

  it("connection refused, unknown host, private address behind the guard, bad URL", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expectError(await fetchFeed(http_, `http://127.0.0.1:${port}/feed`), "refused");
    expectError(await fetchFeed(http_, "http://relais-feed-test.invalid/feed"), "dns");
    expectError(await fetchFeed(guarded, `${base}/feed`), "blocked");
    expectError(await fetchFeed(http_, "ftp://example.org/feed"), "invalid_url");
    expect(seen).toHaveLength(0);
  });

  it("an empty 200 body and a broken document are errors the UI can translate", async () => {
    handler = (req, res) => res.writeHead(200).end(req.url === "/empty" ? "" : "\x00\x01binary");
    expectError(await fetchFeed(http_, `${base}/empty`), "empty");
    expectError(await fetchFeed(http_, `${base}/binary`), "unreadable");
    expect(feedErrorMessage("fr", "empty")).toBe("Le serveur a renvoyé un document vide.");
  });
});

describe("cache headers", () => {
  it("max-age, no-cache, Expires − Date, Retry-After in seconds or as a date", () => {
    expect(parseMaxAge({ "cache-control": "public, max-age=3600" })).toBe(3600);
    expect(parseMaxAge({ "cache-control": "no-cache" })).toBe(0);
    expect(parseMaxAge({ expires: "Sat, 21 Nov 2026 10:10:00 GMT", date: "Sat, 21 Nov 2026 10:00:00 GMT" })).toBe(600);
    expect(parseMaxAge({ expires: "0" })).toBe(0);
    expect(parseMaxAge({})).toBeNull();
    expect(parseRetryAfter("90")).toBe(90);
    expect(parseRetryAfter("Sat, 21 Nov 2026 10:02:00 GMT", Date.parse("2026-11-21T10:00:00Z"))).toBe(120);
    expect(parseRetryAfter("soon")).toBeNull();
  });
});
