// Relais benchmarks (npm run bench): cold start and idle memory, then authenticated GET /api/workspaces
// under load, on the embedded database (PGlite) and on PostgreSQL side by side. Loopback only.
// Options: --quick (short runs, for checking the harness), --only=pglite|postgres, --profile (CPU-profile
// the server during the 200 req/s runs; .cpuprofile files land in bench/.out/).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { type LoadResult, runLoad } from "./lib/load.js";
import { runPaced } from "./lib/paced.js";
import {
  cpuPressure10s,
  cpuTimeMs,
  freePort,
  killAll,
  memoryMiB,
  ROOT,
  relaisCli,
  relaisEnv,
  type ServerProcess,
  sleep,
  snapshotBuild,
  startServer,
} from "./lib/proc.js";
import { api, BENCH_EMAIL, login, seedWorkspaces, setupOwner } from "./lib/seed.js";

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const PROFILE = args.has("--profile");
const option = (name: string) => [...args].find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option("only");
/** Roles of the server under load (default: all three, as `relais serve` runs). */
const ROLES = option("roles");
const SHAPES = new Set((option("shapes") ?? "paced200,rate200,max").split(","));
const SKIP_COLD = args.has("--no-cold");
/** Seed workspaces without brand books (names only): shows what the 55 KiB of Markdown per response costs. */
const LEAN = args.has("--lean");
const IDLE_S = QUICK ? 3 : 10;
const COLD_RUNS = QUICK ? 3 : 7;
const RATE_S = QUICK ? 5 : 20;
const MAX_S = QUICK ? 5 : 15;
const WARMUP_S = QUICK ? 2 : 5;
const WORKSPACES = 20;
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_DB = "relais_bench";
const TARGET_START_MS = 3000;
const TARGET_P99_MS = 20;

const OUT = path.join(ROOT, "bench", ".out");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const WORK = path.join(OUT, `run-${stamp}`);
fs.mkdirSync(WORK, { recursive: true });
// bench/.out is git-ignored but Biome does not read .gitignore here: a nested config keeps `npm run lint`
// off the raw results and logs.
fs.writeFileSync(path.join(OUT, "biome.json"), '{ "root": false, "files": { "includes": ["!**"] } }\n');
const log = (...m: unknown[]) => console.log(`[bench +${(performance.now() / 1000).toFixed(0)}s]`, ...m);

const cleanups: (() => Promise<void>)[] = [];
async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()?.();
    } catch (err) {
      console.error("cleanup:", (err as Error).message);
    }
  }
}

/** Starts a server and registers its stop as a cleanup (stopping twice is harmless). */
async function serve(
  env: NodeJS.ProcessEnv,
  name: string,
  nodeArgs: string[] = [],
  serveArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const server = await startServer({ env, port, logFile: path.join(WORK, `${name}.log`), nodeArgs, serveArgs });
  cleanups.push(() => server.stop());
  return server;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Backend {
  name: "pglite" | "postgres";
  env: NodeJS.ProcessEnv;
  /** CLI commands need the server stopped (PGlite's data dir is locked while it runs). */
  cliNeedsStop: boolean;
}

interface ColdStart {
  backend: string;
  /** Where the time goes: `relais --version` (Node + loading every module) and, on PGlite, opening the data dir. */
  breakdown: { versionCommandMs: number; pgliteOpenMs?: number };
  runs: { readyMs: number; rssMiB3s: number }[];
  medianMs: number;
  maxMs: number;
  medianRssMiB: number;
}

// ---------------------------------------------------------------------------------------------------------
function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model;
  let postgres = "unavailable";
  try {
    postgres = execFileSync(
      "psql",
      ["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", "show server_version"],
      {
        encoding: "utf8",
        timeout: 10_000,
      },
    ).trim();
  } catch {
    // reported as unavailable
  }
  const pkg = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
    pglite: pkg("@electric-sql/pglite"),
    fastify: pkg("fastify"),
    autocannon: pkg("autocannon"),
    kernel: `${os.type()} ${os.release()}`,
    commit: git(["rev-parse", "--short", "HEAD"]),
    build: fs.readFileSync(path.join(ROOT, "dist", ".build-stamp"), "utf8").trim(),
    loadAvgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    return "?";
  }
}

function ensureBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, "dist", "src", "cli", "index.js"))) {
    log("dist missing: npm run build");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", timeout: 300_000 });
  }
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Prepares a backend: database with the owner, WORKSPACES workspaces and an API token. Server stopped after. */
async function prepare(backend: Backend): Promise<{ token: string }> {
  log(`${backend.name}: preparing (setup, ${WORKSPACES} workspaces with brand books, API token)`);
  const server = await serve(backend.env, `${backend.name}-prepare`);
  const session = await setupOwner(server.url);
  await seedWorkspaces(server.url, session, WORKSPACES, { lean: LEAN });
  if (backend.cliNeedsStop) await server.stop();
  const out = await relaisCli(["token", "create", "--email", BENCH_EMAIL, "--name", "bench"], backend.env);
  const token = out.trim().split("\n").pop() ?? "";
  if (!token.startsWith("rls_")) throw new Error(`unexpected token output: ${out}`);
  await server.stop();
  return { token };
}

/** ms to open the embedded database in the data dir and answer `select 1` (in this process; server stopped). */
async function pgliteOpen(dataDir: string): Promise<number> {
  const { PGlite } = await import("@electric-sql/pglite");
  const t0 = performance.now();
  const db = await PGlite.create({ dataDir: path.join(dataDir, "pglite") });
  await db.query("select 1");
  const ms = performance.now() - t0;
  await db.close();
  return ms;
}

async function coldStarts(backend: Backend): Promise<ColdStart> {
  const runs: ColdStart["runs"] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const server = await serve(backend.env, `${backend.name}-cold`);
    // Idle memory ~3 s after spawn.
    await sleep(Math.max(0, 3000 - (performance.now() - server.spawnedAt)));
    const rss = memoryMiB(server.pid)?.rss ?? Number.NaN;
    await server.stop();
    runs.push({ readyMs: Math.round(server.readyMs), rssMiB3s: Math.round(rss * 10) / 10 });
    log(
      `${backend.name}: cold start ${i + 1}/${COLD_RUNS}: ${server.readyMs.toFixed(0)} ms, RSS ${rss.toFixed(1)} MiB`,
    );
  }
  const ready = runs.map((r) => r.readyMs);
  const versionMs: number[] = [];
  const openMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await relaisCli(["--version"], backend.env);
    versionMs.push(performance.now() - t0);
    if (backend.name === "pglite") openMs.push(await pgliteOpen(backend.env.RELAIS_DATA_DIR as string));
  }
  return {
    backend: backend.name,
    breakdown: {
      versionCommandMs: Math.round(median(versionMs)),
      ...(openMs.length ? { pgliteOpenMs: Math.round(median(openMs)) } : {}),
    },
    runs,
    medianMs: median(ready),
    maxMs: Math.max(...ready),
    medianRssMiB: median(runs.map((r) => r.rssMiB3s)),
  };
}

async function loadRuns(
  backend: Backend,
  token: string,
): Promise<{ results: LoadResult[]; rssAfterMiB: number; hwmMiB: number; loadAvg1mAfter: number; idleCpuPct: number }> {
  const nodeArgs = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.join(WORK, "profiles")}`] : [];
  const server = await serve(backend.env, `${backend.name}-load`, nodeArgs, ROLES ? ["--roles", ROLES] : []);
  const session = await login(server.url);
  const url = `${server.url}/api/workspaces`;
  // Background work of an idle server (pg-boss polling and maintenance, timers): CPU share over IDLE_S.
  const idle0 = cpuTimeMs(server.pid);
  await sleep(IDLE_S * 1000);
  const idleCpuPct = Math.round(((cpuTimeMs(server.pid) - idle0) / (IDLE_S * 1000)) * 1000) / 10;
  log(`${backend.name}: idle CPU ${idleCpuPct}% of a core over ${IDLE_S} s`);
  const auths: Record<string, Record<string, string>> = {
    token: { authorization: `Bearer ${token}` },
    cookie: { cookie: session.cookie },
  };
  for (const [auth, headers] of Object.entries(auths)) {
    const check = await api(url, { headers });
    if (check.status !== 200 || !Array.isArray(check.body) || check.body.length !== WORKSPACES) {
      throw new Error(
        `${backend.name}/${auth}: GET /api/workspaces answered ${check.status}, expected ${WORKSPACES} workspaces`,
      );
    }
  }
  log(`${backend.name}: warm-up ${WARMUP_S}s`);
  await runLoad({
    url,
    headers: auths.token as Record<string, string>,
    backend: backend.name,
    auth: "token",
    shape: "max",
    durationS: WARMUP_S,
  });
  const results: LoadResult[] = [];
  /** Runs one load shape, adding the server's CPU time per request and the machine's CPU pressure. */
  const measure = async (auth: string, shape: LoadResult["shape"], fn: () => Promise<LoadResult>) => {
    const cpu0 = cpuTimeMs(server.pid);
    const r = await fn();
    r.serverCpuMsPerRequest = Math.round(((cpuTimeMs(server.pid) - cpu0) / Math.max(1, r.requests)) * 100) / 100;
    r.cpuPressurePct = cpuPressure10s();
    log(
      `${backend.name}/${auth}/${shape}: ${r.rps.toFixed(0)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}, server CPU ${r.serverCpuMsPerRequest} ms/req, CPU pressure ${r.cpuPressurePct}%`,
    );
    results.push(r);
  };
  for (const [auth, headers] of Object.entries(auths)) {
    if (SHAPES.has("paced200")) {
      await measure(auth, "paced200", async () => {
        const p = await runPaced({ url, headers, rate: 200, durationS: RATE_S });
        return {
          backend: backend.name,
          auth,
          shape: "paced200",
          connections: p.connections,
          durationS: p.durationS,
          targetRate: p.rate,
          requests: p.requests,
          rps: p.rps,
          latencyMs: p.latencyMs,
          non2xx: p.non2xx,
          errors: p.errors,
          timeouts: 0,
          bytesPerResponse: 0,
        };
      });
    }
    for (const shape of (["rate200", "max"] as const).filter((x) => SHAPES.has(x))) {
      const durationS = shape === "rate200" ? RATE_S : MAX_S;
      await measure(auth, shape, () => runLoad({ url, headers, backend: backend.name, auth, shape, durationS }));
    }
  }
  const mem = memoryMiB(server.pid);
  await server.stop();
  return {
    results,
    rssAfterMiB: mem?.rss ?? Number.NaN,
    hwmMiB: mem?.hwm ?? Number.NaN,
    loadAvg1mAfter: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    idleCpuPct,
  };
}

// ---------------------------------------------------------------------------------------------------------
function report(data: {
  machine: ReturnType<typeof machine>;
  cold: ColdStart[];
  load: LoadResult[];
  memory: Record<string, { rssAfterMiB: number; hwmMiB: number; loadAvg1mAfter: number; idleCpuPct: number }>;
  skipped: string[];
}): string {
  const lines: string[] = [];
  const m = data.machine;
  lines.push(`Commit ${m.commit}, build ${m.build}; 1/5/15-min load average at start: ${m.loadAvgAtStart.join(" / ")}`);
  lines.push(
    `Machine: ${m.nproc} cores, ${m.cpu}, ${m.ramGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, PGlite ${m.pglite} — ${m.date}`,
  );
  lines.push("");
  lines.push(
    "| cold start (existing data) | median | max | target | idle RSS ~3 s | of which: `relais --version` | PGlite open |",
  );
  lines.push("|---|---:|---:|---|---:|---:|---:|");
  for (const c of data.cold) {
    const ok = c.maxMs <= TARGET_START_MS ? "met" : "MISSED";
    lines.push(
      `| ${c.backend} (${c.runs.length} runs) | ${c.medianMs} ms | ${c.maxMs} ms | ≤ ${TARGET_START_MS} ms: ${ok} | ${c.medianRssMiB} MiB | ${c.breakdown.versionCommandMs} ms | ${c.breakdown.pgliteOpenMs ?? "–"} ms |`,
    );
  }
  lines.push("");
  lines.push(
    "| GET /api/workspaces | auth | load | req/s | p50 | p90 | p99 | max | non-2xx / errors | server CPU / req | CPU pressure | target |",
  );
  lines.push("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of data.load) {
    const load = {
      rate200: `200 req/s autocannon (bursty), ${r.connections} conn, ${r.durationS.toFixed(0)} s`,
      paced200: `200 req/s paced (every 5 ms), ≤ ${r.connections} conn, ${r.durationS.toFixed(0)} s`,
      max: `max, ${r.connections} conn, ${r.durationS.toFixed(0)} s`,
    }[r.shape];
    const target =
      r.shape !== "max" && r.backend === "pglite"
        ? `p99 ≤ ${TARGET_P99_MS} ms: ${r.latencyMs.p99 <= TARGET_P99_MS && r.non2xx + r.errors === 0 ? "met" : "MISSED"}`
        : "–";
    lines.push(
      `| ${r.backend} | ${r.auth} | ${load} | ${r.rps.toFixed(0)} | ${r.latencyMs.p50} ms | ${r.latencyMs.p90} ms | ${r.latencyMs.p99} ms | ${r.latencyMs.max} ms | ${r.non2xx} / ${r.errors + r.timeouts} | ${r.serverCpuMsPerRequest} ms | ${r.cpuPressurePct}% | ${target} |`,
    );
  }
  const bytes = data.load.find((r) => r.bytesPerResponse)?.bytesPerResponse;
  if (bytes)
    lines.push(
      "",
      `Response: ${WORKSPACES} workspaces ${LEAN ? "WITHOUT brand books (--lean)" : "with brand books"}, ${(bytes / 1024).toFixed(1)} KiB per response (headers included).`,
    );
  for (const [b, mem] of Object.entries(data.memory)) {
    lines.push(
      `Memory after load (${b}): RSS ${mem.rssAfterMiB.toFixed(0)} MiB, peak (VmHWM) ${mem.hwmMiB.toFixed(0)} MiB; 1-min load average after: ${mem.loadAvg1mAfter}; idle CPU before load: ${mem.idleCpuPct}% of a core.`,
    );
  }
  for (const s of data.skipped) lines.push(`Skipped: ${s}`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  ensureBuilt();
  snapshotBuild(path.join(WORK, "app"));
  const info = machine();
  const backends: Backend[] = [];
  const skipped: string[] = [];
  if (!ONLY || ONLY === "pglite") {
    backends.push({ name: "pglite", env: relaisEnv({ RELAIS_DATA_DIR: path.join(WORK, "data") }), cliNeedsStop: true });
  }
  if (!ONLY || ONLY === "postgres") {
    try {
      await pgAdmin(`drop database if exists ${PG_DB} with (force)`);
      await pgAdmin(`create database ${PG_DB}`);
      cleanups.unshift(() => pgAdmin(`drop database if exists ${PG_DB} with (force)`));
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${PG_DB}`;
      if (u.hostname !== "127.0.0.1") throw new Error("PostgreSQL must be on 127.0.0.1");
      backends.push({
        name: "postgres",
        env: relaisEnv({ DATABASE_URL: u.toString(), RELAIS_DATA_DIR: path.join(WORK, "data-pg") }),
        cliNeedsStop: false,
      });
    } catch (err) {
      skipped.push(`postgres (${(err as Error).message})`);
      log(`PostgreSQL unavailable, skipping it: ${(err as Error).message}`);
    }
  }

  const cold: ColdStart[] = [];
  const load: LoadResult[] = [];
  const memory: Record<string, { rssAfterMiB: number; hwmMiB: number; loadAvg1mAfter: number; idleCpuPct: number }> =
    {};
  for (const backend of backends) {
    const { token } = await prepare(backend);
    if (!SKIP_COLD) cold.push(await coldStarts(backend));
    const l = await loadRuns(backend, token);
    load.push(...l.results);
    memory[backend.name] = {
      rssAfterMiB: l.rssAfterMiB,
      hwmMiB: l.hwmMiB,
      loadAvg1mAfter: l.loadAvg1mAfter,
      idleCpuPct: l.idleCpuPct,
    };
  }

  const table = report({ machine: info, cold, load, memory, skipped });
  const raw = {
    machine: info,
    options: {
      quick: QUICK,
      profile: PROFILE,
      workspaces: WORKSPACES,
      lean: LEAN,
      roles: ROLES ?? "api,worker,scheduler",
    },
    targets: { startMs: TARGET_START_MS, p99Ms: TARGET_P99_MS },
    cold,
    load,
    memory,
    skipped,
  };
  fs.writeFileSync(path.join(OUT, `results-${stamp}.json`), `${JSON.stringify(raw, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, "latest.json"), `${JSON.stringify(raw, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, "latest-table.txt"), `${table}\n`);
  console.log(`\n${table}\n`);
  log(`raw results: bench/.out/results-${stamp}.json (server logs in ${path.relative(ROOT, WORK)})`);
}

/** Keeps only the server logs (and profiles): the data dirs and the build snapshot go. */
function removeScratch(): void {
  for (const dir of ["data", "data-pg", "app"]) fs.rmSync(path.join(WORK, dir), { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    killAll();
    const bound = setTimeout(() => process.exit(130), 15_000);
    void cleanupAll().finally(() => {
      clearTimeout(bound);
      removeScratch();
      process.exit(130);
    });
  });
}

const hardLimit = setTimeout(() => {
  console.error("bench: overall time limit (20 min) reached");
  void cleanupAll().finally(() => process.exit(2));
}, 20 * 60_000);
hardLimit.unref();

main()
  .then(cleanupAll)
  .catch(async (err) => {
    console.error("bench failed:", err);
    await cleanupAll();
    process.exitCode = 1;
  })
  .finally(() => {
    removeScratch();
  });
