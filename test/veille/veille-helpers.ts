import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp, testConfig } from "../helpers/app.js";

/** A loopback web server whose answers the test sets per path; counts hits and keeps request headers. */
export interface FeedServer {
  base: string;
  routes: Map<string, http.RequestListener>;
  hits: Map<string, number>;
  headers: Map<string, http.IncomingHttpHeaders[]>;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, http.RequestListener>();
  const hits = new Map<string, number>();
  const headers = new Map<string, http.IncomingHttpHeaders[]>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    const key = req.url?.includes("?") ? (req.url as string) : path;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    headers.set(key, [...(headers.get(key) ?? []), req.headers]);
    const handler = routes.get(key) ?? routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    hits,
    headers,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface RssItem {
  guid?: string;
  title: string;
  link?: string;
  description?: string;
  content?: string;
  pubDate?: Date;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function rss(title: string, items: RssItem[], opts: { language?: string; link?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>${esc(title)}</title>
<link>${esc(opts.link ?? "https://site.example/")}</link>
<description>${esc(title)} — flux</description>
${opts.language ? `<language>${opts.language}</language>` : ""}
${items
  .map(
    (i) => `<item>
<title>${esc(i.title)}</title>
${i.link ? `<link>${esc(i.link)}</link>` : ""}
${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ""}
${i.description ? `<description>${esc(i.description)}</description>` : ""}
${i.content ? `<content:encoded><![CDATA[${i.content}]]></content:encoded>` : ""}
<pubDate>${(i.pubDate ?? new Date()).toUTCString()}</pubDate>
</item>`,
  )
  .join("\n")}
</channel>
</rss>`;
}

/** Serves a fixed body with headers. */
export function serve(body: string | Buffer, headers: Record<string, string> = {}, status = 200): http.RequestListener {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/rss+xml; charset=utf-8", ...headers });
    res.end(body);
  };
}

export interface VeilleWorld {
  t: TestApp;
  owner: Caller;
  ws: string;
  base: string;
}

/** A test app that may fetch loopback addresses, with short feed timeouts, and a workspace with its owner. */
export async function veilleWorld(
  feeds: Partial<TestApp["ctx"]["config"]["feeds"]> = {},
  prefix = "veille",
): Promise<VeilleWorld> {
  const defaults = testConfig().feeds;
  const t = await createTestApp({
    config: { allowPrivateNetwork: true, feeds: { ...defaults, timeoutMs: 3000, ...feeds } },
  });
  const owner = await signUp(t, `${prefix}.owner@agence.fr`, { name: "Camille Veilleuse" });
  const ws = await createWorkspace(owner, "Office de tourisme d'Arles");
  return { t, owner, ws, base: `/api/workspaces/${ws}/veille` };
}

/** Makes every feed of the database due now (the poller then claims them). */
export async function makeDue(t: TestApp): Promise<void> {
  await t.ctx.db
    .updateTable("feeds")
    .set({ next_fetch_at: new Date(Date.now() - 1000) })
    .execute();
}
