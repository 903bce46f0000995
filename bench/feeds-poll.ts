// Feed polling benchmark (npm run bench:feeds-poll): 2,000 feeds served by a separate loopback process
// (100 ports = 100 "hosts", 20 feeds each, gzip'd RSS 2.0 with 20 French/English items and an ETag).
// Pass 1: every feed answers 200 (40,000 items ingested: dedup, language, stories, search vectors).
// Pass 2: conditional GETs — 90 % answer 304, 10 % changed (3 new items each).
// Measures wall time per pass and peak RSS / heap of the polling process (the server runs in a child
// process so it is not counted). Target: 2,000 feeds in ≤ 60 s.
// Options: --only=pglite|postgres, --feeds=N, --hosts=N, --ingest=N (feeds stored at once; default: 1 on
// PGlite, one per core on PostgreSQL), --sql-stats (PGlite: time per statement shape, the
// connection is serialised so these add up to the database's share of the wall time), --cpu-prof=DIR (one
// V8 CPU profile per pass). PostgreSQL: BENCH_PG_ADMIN_URL (default local trust), BENCH_PG_DB (the scratch
// database, dropped and created again; default relais_bench_feeds_poll).
import { fork } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import * as auth from "../src/modules/auth/auth.service.js";
import * as feeds from "../src/modules/veille/feeds.repo.js";
import { ingestTimings } from "../src/modules/veille/ingest.service.js";
import { pollDueFeeds } from "../src/modules/veille/poller.service.js";
import * as workspaces from "../src/modules/workspaces/workspaces.service.js";
import { closeContext, createContext } from "../src/runtime.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option("only");
const FEEDS = Number(option("feeds") ?? 2000);
const HOSTS = Number(option("hosts") ?? 100);
const SQL_STATS = args.includes("--sql-stats");
const INGEST = option("ingest") ? Number(option("ingest")) : undefined;
const CPU_PROF = option("cpu-prof");
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_DB = process.env.BENCH_PG_DB ?? "relais_bench_feeds_poll";

// The feed server, as a plain CommonJS script run in a child process.
const SERVER = String.raw`
const http = require("node:http");
const zlib = require("node:zlib");
const FEEDS = Number(process.argv[2]);
const HOSTS = Number(process.argv[3]);
let pass = 1;
process.on("message", (m) => { if (m && m.pass) pass = m.pass; process.send({ ack: m.pass }); });
// Headlines drawn from word lists (seeded by feed and item), so that titles differ as real ones do.
const SUBJ = ["La mairie", "Le préfet", "Les commerçants", "La métropole", "Les riverains", "Le conseil régional",
  "Les pompiers", "La SNCF", "L'office de tourisme", "Les vignerons", "Le musée Réattu", "Les associations",
  "La gendarmerie", "Les agriculteurs", "Le festival", "L'université", "Les hôteliers", "La députée", "Le club de rugby", "Les écoles"];
const VERB = ["annonce", "dévoile", "prépare", "conteste", "inaugure", "reporte", "finance", "lance", "critique", "célèbre",
  "relance", "suspend", "présente", "défend", "organise"];
const OBJ = ["un plan pour la saison", "la rénovation du théâtre antique", "des records de visiteurs", "la crue du Rhône",
  "un nouveau parcours Van Gogh", "la fête des gardians", "les Rencontres de la photographie", "la restauration de Saint-Trophime",
  "la piste cyclable des quais", "un marché de producteurs", "la réouverture de la piscine", "le budget participatif",
  "la protection des flamants roses", "les travaux de la gare", "un concert sous les étoiles", "la vendange 2026",
  "le plan canicule", "la navette électrique", "un forum de l'emploi", "la sécurité des baignades"];
const PLACE = ["à Arles", "en Camargue", "à Nîmes", "à Avignon", "aux Saintes-Maries", "à Tarascon", "à Salon",
  "à Beaucaire", "à Saint-Rémy", "à Fos-sur-Mer", "à Istres", "à Martigues"];
const EN_SUBJ = ["City council", "Tourists", "Local businesses", "Festival organisers", "Researchers", "Winemakers", "Rail operator", "Museum"];
const EN_VERB = ["unveils", "flocks to", "reports on", "announces", "studies", "celebrates", "postpones", "funds"];
const EN_OBJ = ["the Roman arena", "record summer numbers", "the photography festival", "Rhône flooding", "a Van Gogh trail",
  "the new cycle path", "the heatwave plan", "an electric shuttle", "the flamingo reserve", "the harvest"];
function rnd(a, b) { let x = (a * 2654435761 + b * 40503 + 12345) >>> 0; x ^= x >>> 15; x = Math.imul(x, 2246822519) >>> 0; x ^= x >>> 13; return x; }
const pick = (list, a, b, salt) => list[rnd(a * 31 + salt, b * 17 + salt) % list.length];
function headline(n, k) {
  if (n % 5 === 0) return pick(EN_SUBJ, n, k, 1) + " " + pick(EN_VERB, n, k, 2) + " " + pick(EN_OBJ, n, k, 3);
  return pick(SUBJ, n, k, 1) + " " + pick(VERB, n, k, 2) + " " + pick(OBJ, n, k, 3) + " " + pick(PLACE, n, k, 4);
}
function xml(n, version) {
  const items = [];
  const count = 20;
  const extra = version === 2 ? 3 : 0;
  for (let k = count + extra - 1; k >= 0; k--) {
    const en = n % 5 === 0;
    // Every 40th feed shares its newest headline with the feed before: a story from several sources.
    const shared = k === 0 && n % 40 === 1;
    // The shared story: the previous feed's newest headline, with its words in another order.
    const title = shared ? headline(n - 1, 0).split(" ").reverse().join(" ") : headline(n, k + version * 100 * (k < extra ? 1 : 0));
    const desc = en
      ? "Visitors and residents alike gathered on Saturday as the city presented its plans. Officials said the programme would run through the autumn, with events in every district. Item " + k + " of feed " + n + "."
      : "Les habitants et les visiteurs se sont retrouvés samedi pour découvrir le programme présenté par la ville. Les élus ont précisé que les animations dureraient jusqu'à l'automne, dans tous les quartiers. Article " + k + " du flux " + n + ".";
    const date = new Date(Date.UTC(2026, 10, 21, 12) - (k - extra) * 3600000 - n * 1000).toUTCString();
    items.push("<item><title>" + title + "</title><link>https://site" + (n % HOSTS) + ".example/" + n + "/" + k + "</link>" +
      "<guid isPermaLink=\"false\">feed-" + n + "-item-" + k + "</guid><pubDate>" + date + "</pubDate>" +
      "<description><![CDATA[<p>" + desc + "</p>]]></description>" +
      "<enclosure url=\"https://img.example/" + n + "/" + k + ".jpg\" type=\"image/jpeg\" length=\"12345\"/></item>");
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Flux " + n + "</title>" +
    "<link>https://site" + (n % HOSTS) + ".example/</link><description>Actualités</description><language>" + (n % 5 === 0 ? "en" : "fr") + "</language>" +
    items.join("") + "</channel></rss>";
}
const cache = new Map();
function body(n, version) {
  const key = n + ":" + version;
  let b = cache.get(key);
  if (!b) { b = zlib.gzipSync(xml(n, version)); cache.set(key, b); }
  return b;
}
const ports = [];
let listening = 0;
for (let h = 0; h < HOSTS; h++) {
  const server = http.createServer((req, res) => {
    const m = /^\/f\/(\d+)\.xml/.exec(req.url || "");
    if (!m) { res.writeHead(404); return res.end(); }
    const n = Number(m[1]);
    const version = pass >= 2 && n % 10 === 0 ? 2 : 1;
    const etag = "\"" + n + "-v" + version + "\"";
    if (req.headers["if-none-match"] === etag) { res.writeHead(304, { etag }); return res.end(); }
    const b = body(n, version);
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", "content-encoding": "gzip", etag, "content-length": b.length });
    res.end(b);
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, "127.0.0.1", () => {
    ports[h] = server.address().port;
    if (++listening === HOSTS) process.send({ ports });
  });
}
`;

async function startServer(): Promise<{ ports: number[]; setPass(p: number): Promise<void>; stop(): void }> {
  const file = path.join(os.tmpdir(), `relais-feed-server-${process.pid}.cjs`);
  fs.writeFileSync(file, SERVER);
  const child = fork(file, [String(FEEDS), String(HOSTS)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ports = await new Promise<number[]>((resolve) =>
    child.on("message", (m: { ports?: number[] }) => {
      if (m.ports) resolve(m.ports);
    }),
  );
  return {
    ports,
    setPass: (p) =>
      new Promise((resolve) => {
        const onAck = (m: { ack?: number }) => {
          if (m.ack === p) {
            child.off("message", onAck);
            resolve();
          }
        };
        child.on("message", onAck);
        child.send({ pass: p });
      }),
    stop: () => {
      child.kill();
      fs.rmSync(file, { force: true });
    },
  };
}

function memorySampler() {
  let rss = 0;
  let heap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { rssMb: Math.round(rss / 1048576), heapMb: Math.round(heap / 1048576) };
    },
  };
}

/** PGlite only: wraps the connection's query() to sum the time per statement shape. */
function sqlStats(ctx: Awaited<ReturnType<typeof createContext>>) {
  const pglite = ctx.database.pglite;
  const stats = new Map<string, { n: number; ms: number }>();
  if (!pglite) return { take: () => [] as string[] };
  const query = pglite.query.bind(pglite);
  pglite.query = (async (text: string, ...rest: unknown[]) => {
    const t = performance.now();
    try {
      return await (query as (...a: unknown[]) => Promise<unknown>)(text, ...rest);
    } finally {
      const key = text.replace(/\s+/g, " ").replace(/\$\d+/g, "?").slice(0, 90);
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      stats.set(key, s);
    }
  }) as typeof pglite.query;
  return {
    take() {
      const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((sum, [, s]) => sum + s.ms, 0);
      stats.clear();
      return [
        `sql total ${Math.round(total)} ms in ${rows.reduce((n, [, s]) => n + s.n, 0)} statements`,
        ...rows
          .slice(0, 15)
          .map(([k, s]) => `${String(Math.round(s.ms)).padStart(7)} ms ${String(s.n).padStart(6)}×  ${k}`),
      ];
    },
  };
}

async function runEngine(engine: "pglite" | "postgres") {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-bench-poll-"));
  let admin: pg.Client | undefined;
  let databaseUrl: string | undefined;
  if (engine === "postgres") {
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${PG_DB}`);
    await admin.query(`create database ${PG_DB}`);
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${PG_DB}`;
    databaseUrl = u.toString();
  }
  const config = loadConfig(
    {
      RELAIS_DATA_DIR: dataDir,
      RELAIS_LOG_LEVEL: "silent",
      PORT: "0",
      RELAIS_ALLOW_PRIVATE_NETWORK: "1",
      RELAIS_FEEDS_CONCURRENCY: process.env.RELAIS_FEEDS_CONCURRENCY,
      RELAIS_FEEDS_PER_HOST: process.env.RELAIS_FEEDS_PER_HOST,
    },
    { databaseUrl },
  );
  const ctx = await createContext(config, { logger: pino({ level: "silent" }) });
  const server = await startServer();
  const sqlStat = SQL_STATS ? sqlStats(ctx) : undefined;
  const profiler = CPU_PROF ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    fs.mkdirSync(CPU_PROF as string, { recursive: true });
  }
  try {
    const user = await auth.createUser(ctx, {
      email: "bench@relais.test",
      name: "Bench",
      password: "bench-password-123",
      canCreateWorkspaces: true,
    });
    const ws = await workspaces.create(ctx, user, { name: "Bench veille", timezone: "Europe/Paris", locale: "fr" });
    for (let n = 0; n < FEEDS; n++) {
      await feeds.insertFeed(ctx.db, ws.id, {
        url: `http://127.0.0.1:${server.ports[n % HOSTS]}/f/${n}.xml`,
        next_fetch_at: new Date(Date.now() - 1000),
      });
    }
    const passes: Record<string, unknown>[] = [];
    for (const pass of [1, 2]) {
      await server.setPass(pass);
      if (pass === 2)
        await ctx.db
          .updateTable("feeds")
          .set({ next_fetch_at: new Date(Date.now() - 1000) })
          .execute();
      sqlStat?.take();
      if (profiler) await profiler.post("Profiler.start");
      const mem = memorySampler();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const stats = await pollDueFeeds(ctx, { budgetMs: 10 * 60_000, ingestConcurrency: INGEST });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const peak = mem.stop();
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        fs.writeFileSync(path.join(CPU_PROF as string, `${engine}-pass${pass}.cpuprofile`), JSON.stringify(profile));
      }
      const row = {
        engine,
        pass,
        feeds: stats.claimed,
        ok: stats.ok,
        notModified: stats.notModified,
        errors: stats.errors,
        newItems: stats.newItems,
        seconds: Number(seconds.toFixed(1)),
        // CPU time of the polling process (PGlite runs in it): less sensitive than wall time to a loaded machine
        cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
        load: os.loadavg().map((l) => Number(l.toFixed(1))),
        feedsPerSecond: Math.round(stats.claimed / seconds),
        peakRssMb: peak.rssMb,
        peakHeapMb: peak.heapMb,
        ingestMs: Object.fromEntries(Object.entries(ingestTimings).map(([k, v]) => [k, Math.round(v)])),
      };
      for (const k of Object.keys(ingestTimings)) ingestTimings[k as keyof typeof ingestTimings] = 0;
      passes.push(row);
      console.log(JSON.stringify(row));
      if (sqlStat) console.log(sqlStat.take().join("\n"));
    }
    const stories = await ctx.db
      .selectFrom("stories")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    console.log(JSON.stringify({ engine, stories: Number(stories.n) }));
    return passes;
  } finally {
    profiler?.disconnect();
    server.stop();
    await closeContext(ctx);
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop database if exists ${PG_DB} with (force)`).catch(() => {});
      await admin.end();
    }
  }
}

console.log(
  `feeds-poll: ${FEEDS} feeds on ${HOSTS} loopback hosts — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
);
for (const engine of ["pglite", "postgres"] as const) {
  if (ONLY && ONLY !== engine) continue;
  await runEngine(engine);
}
