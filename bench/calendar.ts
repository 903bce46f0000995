// Calendar month query benchmark (npm run bench:calendar): 10,000 posts over a year across 20 accounts, with
// metric snapshots on published targets, then 200 random month views through the HTTP API, on PGlite and on
// PostgreSQL. Target: p95 ≤ 50 ms.
// Two measures of the same requests: over a real loopback socket from a separate client process (undici; the
// time until the whole body has arrived, unparsed — what a browser, another process, waits for) and through Fastify inject (no socket; light-my-request's
// in-memory response costs ~10 ms on a 400 KB body, so it over-counts).
// Options: --only=pglite|postgres (one engine, in this process), --queries=N, --json (the result as JSON, last line). PostgreSQL: BENCH_PG_ADMIN_URL (default local trust).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { buildApp } from "../src/http/app.js";
import { insertPostSnapshots } from "../src/modules/analytics/metrics.repo.js";
import * as auth from "../src/modules/auth/auth.service.js";
import { closeContext, createContext } from "../src/runtime.js";
import { insertAccounts, insertPosts, type PostSpec } from "../test/calendar/seed.js";
import { timedGets } from "./lib/timed-get-client.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option("only");
const QUERIES = Number(option("queries") ?? 200);
const POSTS = 10_000;
const ACCOUNTS = 20;
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_DB = "relais_bench_calendar";
const TZ = "Europe/Paris";
const NETWORKS = ["bluesky", "mastodon", "webhook", "linkedin", "instagram"];

// A seeded generator: every run seeds the same calendar and asks the same months.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function runEngine(engine: "pglite" | "postgres") {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-bench-cal-"));
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
  const config = loadConfig({ RELAIS_DATA_DIR: dataDir, RELAIS_LOG_LEVEL: "silent", PORT: "0" }, { databaseUrl });
  const ctx = await createContext(config, { logger: pino({ level: "silent" }) });
  const app = await buildApp(ctx, { web: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  try {
    await auth.createUser(ctx, { email: "bench@relais.test", name: "Bench", password: "bench-password-123" });
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "bench@relais.test", password: "bench-password-123" },
    });
    const cookie = `relais_session=${login.cookies.find((c) => c.name === "relais_session")?.value}`;
    const ws = await app.inject({
      method: "POST",
      url: "/api/workspaces",
      payload: { name: "Bench", timezone: TZ, locale: "fr" },
      headers: { cookie, "x-csrf-token": login.json().csrfToken },
    });
    const workspaceId = ws.json().id as string;

    const t0 = performance.now();
    const accounts = await insertAccounts(
      ctx.db,
      workspaceId,
      Array.from({ length: ACCOUNTS }, (_, i) => ({
        network: NETWORKS[i % NETWORKS.length] as string,
        name: `Compte ${i + 1}`,
        handle: `@compte${i + 1}`,
      })),
    );
    const tags = await ctx.db
      .insertInto("tags")
      .values(Array.from({ length: 8 }, (_, i) => ({ workspace_id: workspaceId, name: `Étiquette ${i}` })))
      .returning("id")
      .execute();
    const campaigns = await ctx.db
      .insertInto("campaigns")
      .values(Array.from({ length: 5 }, (_, i) => ({ workspace_id: workspaceId, name: `Campagne ${i}` })))
      .returning("id")
      .execute();
    const yearStart = Date.UTC(2026, 5, 1);
    const year = 365 * 86_400_000;
    const now = Date.now();
    const specs: PostSpec[] = Array.from({ length: POSTS }, (_, i) => {
      const at = new Date(yearStart + Math.floor((rand() * year) / 900_000) * 900_000);
      const past = at.getTime() < now;
      const n = 1 + Math.floor(rand() * 3);
      const accs = [...new Set(Array.from({ length: n }, () => pick(accounts)))];
      return {
        at,
        accounts: accs,
        status: past ? "published" : rand() < 0.15 ? "draft" : "scheduled",
        targetStatus: past ? "published" : undefined,
        externalUrl: past ? `https://exemple.fr/p/${i}` : null,
        body: `Publication n° ${i} — croissants, événements et coulisses de l'équipe 🥐 #relais`,
        tagIds: rand() < 0.5 ? [pick(tags).id] : [],
        campaignId: rand() < 0.3 ? pick(campaigns).id : null,
        recurrence: i < 5 ? "FREQ=WEEKLY" : null,
      };
    });
    await insertPosts(ctx.db, workspaceId, TZ, specs);
    // Published targets have metric snapshots (what the month view shows on them), written as the metrics job
    // writes them: three per target.
    const published = await ctx.db
      .selectFrom("post_targets")
      .select(["id", "published_at"])
      .where("workspace_id", "=", workspaceId)
      .where("status", "=", "published")
      .execute();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < published.length; i += 500) {
        await insertPostSnapshots(
          ctx.db,
          published.slice(i, i + 500).map((t, k) => ({
            workspace_id: workspaceId,
            post_target_id: t.id,
            taken_at: new Date(Date.UTC(2026, 11, 1) + round * 3_600_000 + k),
            likes: 10 * round + (k % 7),
            reposts: round + (k % 3),
            replies: k % 5,
            quotes: null,
            impressions: null,
          })),
        );
      }
    }
    // A settled database, as in use: visibility map and hint bits set, statistics current (not the first reads
    // after a bulk load, nor autovacuum catching up during the measure).
    await sql`vacuum analyze`.execute(ctx.db);
    // …and the seed's writes flushed: a checkpoint triggered by them during the measure would time the disk.
    await sql`checkpoint`.execute(ctx.db);
    const seedMs = performance.now() - t0;

    const months = Array.from({ length: QUERIES }, () => Math.floor(rand() * 12));
    const url = (m: number) => {
      const d = new Date(Date.UTC(2026, 5 + m, 1));
      const e = new Date(Date.UTC(2026, 6 + m, 1));
      const from = `${d.toISOString().slice(0, 10)}T00:00:00+01:00`;
      const to = `${e.toISOString().slice(0, 10)}T00:00:00+01:00`;
      return `/api/workspaces/${workspaceId}/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    };
    for (let i = 0; i < 5; i++) await app.inject({ method: "GET", url: url(i), headers: { cookie } }); // warm-up (the socket client warms up the same way)
    const times: number[] = [];
    let entries = 0;
    const cpu: number[] = [];
    for (const m of months) {
      const s = performance.now();
      const c = process.cpuUsage();
      const res = await app.inject({ method: "GET", url: url(m), headers: { cookie } });
      times.push(performance.now() - s);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
      if (res.statusCode !== 200) throw new Error(`calendar ${res.statusCode}: ${res.body.slice(0, 200)}`);
      entries += res.json().entries.length;
    }
    // The socket measure comes from a separate client process (as a browser is): decoding a month's body
    // in this process would take CPU from the server being measured.
    const fetched = await timedGets(
      origin,
      { cookie },
      months.map((m) => url(m)),
      [0, 1, 2, 3, 4].map((m) => url(m)),
    );
    const bad = fetched.find((r) => r.status !== 200);
    if (bad) throw new Error(`calendar ${bad.status} over the socket`);
    const socket = fetched.map((r) => r.ms);
    const bodyBytes = fetched.reduce((n, r) => n + r.bytes, 0) / fetched.length;
    socket.sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const plan = await sql<{ "QUERY PLAN": string }>`explain select id from posts
      where workspace_id = ${workspaceId} and scheduled_at >= now() and scheduled_at < now() + interval '31 days'`.execute(
      ctx.db,
    );
    return {
      engine,
      seedMs: Math.round(seedMs),
      avgEntries: Math.round(entries / months.length),
      bodyKb: Math.round(bodyBytes / 1024),
      p50: pct(times, 50),
      p95: pct(times, 95),
      socketP50: pct(socket, 50),
      socketP95: pct(socket, 95),
      socketP99: pct(socket, 99),
      p99: pct(times, 99),
      cpuP50: pct(cpu, 50),
      cpuP95: pct(cpu, 95),
      max: times[times.length - 1] ?? 0,
      plan: plan.rows.map((r) => r["QUERY PLAN"]).join(" | "),
    };
  } finally {
    await app.close();
    await closeContext(ctx);
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop database if exists ${PG_DB} with (force)`).catch(() => undefined);
      await admin.end();
    }
  }
}

// Each engine runs in a process of its own: after the PGlite run, its WASM heap and the first run's garbage
// stayed in the process and slowed the PostgreSQL run (p50 +10 ms in the same process).
const engines = (["pglite", "postgres"] as const).filter((e) => !ONLY || ONLY === e);
const results: Awaited<ReturnType<typeof runEngine>>[] = [];
if (!ONLY) {
  for (const e of engines) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, ...args, `--only=${e}`, "--json"],
      {
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (child.status !== 0) throw new Error(`the ${e} run failed (exit ${child.status})`);
    const out = child.stdout.trim().split("\n");
    results.push(JSON.parse(out[out.length - 1] as string));
  }
} else {
  for (const e of engines) {
    console.error(`[calendar bench] ${e}: seeding ${POSTS} posts, then ${QUERIES} month queries…`);
    results.push(await runEngine(e));
  }
  if (args.includes("--json")) {
    console.log(JSON.stringify(results[0]));
    process.exit(0);
  }
}
const f = (n: number) => n.toFixed(1);
console.log(
  "\n| engine | seed | posts per month view | body | socket p50 / p95 / p99 | inject p50 / p95 / p99 / max | API-process CPU p50 / p95 (inject) | target p95 ≤ 50 ms (socket) |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.engine} | ${(r.seedMs / 1000).toFixed(1)} s | ${r.avgEntries} | ${r.bodyKb} KB | ${f(r.socketP50)} / ${f(r.socketP95)} / ${f(r.socketP99)} ms | ${f(r.p50)} / ${f(r.p95)} / ${f(r.p99)} / ${f(r.max)} ms | ${f(r.cpuP50)} / ${f(r.cpuP95)} ms | ${r.socketP95 <= 50 ? "met" : "MISSED"} |`,
  );
}
for (const r of results) console.log(`\n${r.engine} plan of the range scan: ${r.plan}`);
console.log(
  `\n${new Date().toISOString()} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model}) · load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} · Node ${process.version}`,
);
