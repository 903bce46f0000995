import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, runCli } from "../helpers/processes.js";

/** `relais feeds parse` as a child process: no database involved, so the same on both engines. */
const fixtures = path.resolve(import.meta.dirname, "../fixtures/feeds");
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env))
  if (v !== undefined && !k.startsWith("RELAIS_") && k !== "DATABASE_URL" && !k.startsWith("VITEST")) env[k] = v;
env.RELAIS_ALLOW_PRIVATE_NETWORK = "true";
env.RELAIS_DATA_DIR = path.join(fixtures, "no-data-dir-needed");
const relais = (...args: string[]) => runCli(args, env);

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/feed")
      return res
        .writeHead(200, { "content-type": "application/atom+xml" })
        .end(
          `<feed xmlns="http://www.w3.org/2005/Atom"><title>Loopback é</title><entry><id>1</id><title>Un</title><link href="/un"/></entry></feed>`,
        );
    if (req.url === "/gone") return res.writeHead(410).end();
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(`<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(/^relais: /);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe("");
}

describe("relais feeds parse", () => {
  it("--json prints the normalized feed of a file, links resolved against --url", async () => {
    const r = await relais(
      "feeds",
      "parse",
      path.join(fixtures, "wordpress-rss2.xml"),
      "--json",
      "--url",
      "https://blog-cm.example.fr/feed/",
    );
    expect(r.code, r.stderr).toBe(0);
    const feed = JSON.parse(r.stdout);
    expect(Object.keys(feed)).toEqual(["format", "title", "link", "description", "language", "updated", "items"]);
    expect(Object.keys(feed.items[0])).toEqual([
      "id",
      "title",
      "link",
      "published",
      "updated",
      "author",
      "summary",
      "content",
      "categories",
      "enclosures",
    ]);
    expect(feed.items[0].author).toBe("Émilie Rousseau");
    expect(feed.items[0].content).toContain('href="https://blog-cm.example.fr/guide-objectifs/"');
  });

  it("--content-type gives the charset of a file that does not declare it", async () => {
    const r = await relais(
      "feeds",
      "parse",
      path.join(fixtures, "iso-8859-1.xml"),
      "--json",
      "--content-type",
      "text/xml; charset=ISO-8859-1",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).items[0].title).toBe("Fête de la Saint-Éloi à Noël");
  });

  it("a malformed feed still exits 0 with what could be read", async () => {
    const r = await relais("feeds", "parse", path.join(fixtures, "malformed.xml"), "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).items).toHaveLength(3);
  });

  it("without --json: a readable summary", async () => {
    const r = await relais("feeds", "parse", path.join(fixtures, "rdf-rss1.xml"));
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)[0]).toBe("LinuxFr.org : les dépêches — rss1.0, 2 item(s), fr");
  });

  it("a URL is fetched (loopback allowed by configuration)", async () => {
    const r = await relais("feeds", "parse", `${base}/feed`, "--json");
    expect(r.code, r.stderr).toBe(0);
    const feed = JSON.parse(r.stdout);
    expect(feed).toMatchObject({ format: "atom1.0", title: "Loopback é" });
    expect(feed.items[0].link).toBe(`${base}/un`);
  });

  it("an HTML page is one line on stderr, exit 1, with the feeds it declares", async () => {
    expectOneLineError(
      await relais("feeds", "parse", `${base}/`, "--json"),
      new RegExp(`not a feed; feeds on this page: ${base}/feed$`, "m"),
    );
  });

  it("a gone feed is one line on stderr, exit 1", async () => {
    expectOneLineError(await relais("feeds", "parse", `${base}/gone`, "--json"), /gone \(HTTP 410\)/);
  });

  it("a missing file and an empty file are one line on stderr, exit 1", async () => {
    expectOneLineError(await relais("feeds", "parse", path.join(fixtures, "nope.xml")), /No such file/);
    expectOneLineError(await relais("feeds", "parse", "/dev/null", "--json"), /empty/);
  });

  it("an HTML file: exit 1, its feeds resolved against its <base href>", async () => {
    expectOneLineError(
      await relais("feeds", "parse", path.join(fixtures, "site.html"), "--json"),
      /HTML page, not a feed; feeds on this page: https:\/\/blog-cm\.example\.fr\/feed\/, https:\/\/blog-cm\.example\.fr\/feed\/atom\//,
    );
  });

  it("is listed in --help", async () => {
    const r = await relais("feeds", "--help");
    expect(r.stdout).toMatch(/parse .*Parse a feed file or URL/);
  });
});
