/**
 * Publishing benchmark (issue 3): 1,000 posts due within the same minute across 100 webhook accounts whose
 * loopback receiver answers in 50 ms. Reports lateness (first delivery − due time) p50/p99/max, duplicates
 * (deliveries of an idempotency key beyond the first) and losses (targets neither delivered nor left
 * unconfirmed for a human), on:
 *   - PGlite: this process runs every role;
 *   - PostgreSQL: this process is api + scheduler, two `relais serve --roles worker` processes publish;
 *   - PostgreSQL with one of the two workers SIGKILLed mid-run (then the reconciler runs as if the lease
 *     had expired: what the dead worker held becomes unconfirmed, never re-sent).
 *
 *   npm run bench:publishing                     # all three
 *   npm run bench:publishing -- --only=pglite    # or --only=postgres
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import * as auth from "../src/modules/auth/auth.service.js";
import { LEASE_SECONDS } from "../src/modules/scheduler/publish.service.js";
import { reconcile } from "../src/modules/scheduler/recovery.service.js";
import { enqueueTarget } from "../src/modules/scheduler/scheduler.service.js";
import * as workspaces from "../src/modules/workspaces/workspaces.service.js";
import { closeContext, createContext } from "../src/runtime.js";

const POSTS = 1000;
const ACCOUNTS = 100;
const RECEIVER_MS = 50;
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

/** True when the TCP connection from local port `port` belongs to process `pid` (Linux /proc). */
function portOwnedBy(pid: number, port: number): boolean {
  try {
    const inodes = new Set<string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    }
    const hex = port.toString(16).toUpperCase().padStart(4, "0");
    return fs
      .readFileSync("/proc/net/tcp", "utf8")
      .split("\n")
      .some((line) => {
        const cols = line.trim().split(/\s+/);
        return cols[1]?.endsWith(`:${hex}`) && inodes.has(cols[9] ?? "");
      });
  } catch {
    return false;
  }
}

/**
 * The loopback receiver: answers 200 after 50 ms and records when each idempotency key arrived.
 * `onRequest` sees each request's source port first (the kill scenario uses it to kill a worker while one
 * of its requests is in flight: between the claim and the result).
 */
async function startReceiver(onRequest: (remotePort: number) => void = () => {}) {
  const seen = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const at = Date.now();
    onRequest(req.socket.remotePort ?? 0);
    req.resume();
    req.on("end", () => {
      const key = String(req.headers["idempotency-key"] ?? "");
      seen.set(key, [...(seen.get(key) ?? []), at]);
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), RECEIVER_MS);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { seen, url: (i: number) => `http://127.0.0.1:${port}/hooks/${i}`, close: () => server.close() };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function scenario(label: string, kind: "pglite" | "postgres", workers: number, killOne: boolean) {
  const children: ChildProcess[] = [];
  let killAfter = Number.POSITIVE_INFINITY;
  let killedAt: number | null = null;
  const receiver = await startReceiver((port) => {
    const victim = children[0];
    if (!killOne || killedAt || Date.now() < killAfter || !victim?.pid) return;
    if (portOwnedBy(victim.pid, port)) {
      victim.kill("SIGKILL");
      killedAt = Date.now();
    }
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-bench-pub-"));
  const dbName = `relais_bench_pub_${process.pid}`;
  const env: Record<string, string> = {
    RELAIS_DATA_DIR: dataDir,
    RELAIS_SECRET_KEY: randomBytes(32).toString("hex"),
    RELAIS_ALLOW_PRIVATE_NETWORK: "true",
    RELAIS_LOG_LEVEL: "warn",
    PORT: "0",
  };
  let admin: pg.Client | undefined;
  if (kind === "postgres") {
    admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName}`);
    await admin.query(`create database ${dbName}`);
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  let ctx: AppContext | undefined;
  try {
    // "fatal": dropping the database at the end makes pg-boss log the closed connections.
    ctx = await createContext(loadConfig(env), { logger: pino({ level: "fatal" }) });
    const user = await auth.createUser(ctx, {
      email: "bench@relais.local",
      name: "Bench",
      password: "bench-password-123",
    });
    const ws = await workspaces.create(
      ctx,
      { ...user, canCreateWorkspaces: true },
      {
        name: "Banc d'essai",
        timezone: "Europe/Paris",
        locale: "fr",
      },
    );
    const accountIds: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const { id } = await ctx.db
        .insertInto("social_accounts")
        .values({ workspace_id: ws.id, network: "webhook", display_name: `Compte ${i}`, settings: "{}" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const credentials_enc = ctx.secrets.encryptJson({ url: receiver.url(i), secret: `secret-${i}` }, id);
      await ctx.db.updateTable("social_accounts").set({ credentials_enc }).where("id", "=", id).execute();
      accountIds.push(id);
    }
    // Roles: PGlite does everything here; PostgreSQL sends and schedules here, publishes in the workers.
    await ctx.jobs.start(ctx, { work: kind === "pglite", schedule: true });
    for (let w = 0; w < workers; w++) {
      const child = spawn(process.execPath, [path.resolve("bin/relais.js"), "serve", "--roles", "worker"], {
        env: { ...process.env, ...env, RELAIS_DATA_DIR: `${dataDir}/w${w}` },
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(child);
    }
    const t0 = Date.now() + 25_000;
    const due = new Map<string, number>();
    const targets: { id: string; at: Date }[] = [];
    for (let chunk = 0; chunk < POSTS; chunk += 100) {
      const rows = Array.from({ length: 100 }, (_, k) => chunk + k);
      const posts = await ctx.db
        .insertInto("posts")
        .values(
          rows.map((i) => ({
            workspace_id: ws.id,
            status: "scheduled" as const,
            body: `Publication n° ${i} — à l'heure pile ⏰`,
            scheduled_at: new Date(t0 + Math.floor((i * 60_000) / POSTS)),
            media_ids: "[]",
            options: "{}",
          })),
        )
        .returning(["id", "scheduled_at"])
        .execute();
      const ts = await ctx.db
        .insertInto("post_targets")
        .values(
          posts.map((p, k) => ({
            workspace_id: ws.id,
            post_id: p.id,
            account_id: accountIds[(chunk + k) % ACCOUNTS] as string,
            status: "scheduled" as const,
            next_attempt_at: p.scheduled_at as Date,
            options: "{}",
          })),
        )
        .returning(["id", "idempotency_key", "next_attempt_at"])
        .execute();
      for (const t of ts) {
        due.set(t.idempotency_key, (t.next_attempt_at as Date).getTime());
        targets.push({ id: t.id, at: t.next_attempt_at as Date });
      }
    }
    for (const t of targets) await enqueueTarget(ctx, { targetId: t.id, runAt: t.at });
    if (Date.now() > t0) console.warn(`  ${label}: seeding overran the start by ${Date.now() - t0} ms`);
    // The first of worker 0's requests after +20 s: it dies with that request (at least) in flight.
    killAfter = t0 + 20_000;
    // Wait for every key, or for the end of the minute plus a minute.
    const deadline = t0 + 120_000;
    while (receiver.seen.size < POSTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 2000)); // let late duplicates show
    const recon = await reconcile(ctx, new Date(Date.now() + (LEASE_SECONDS + 1) * 1000));
    const keyStatus = await ctx.db.selectFrom("post_targets").select(["idempotency_key", "status"]).execute();
    // Lost: neither received nor left unconfirmed for a human (an unconfirmed one may have been received).
    const losses = keyStatus.filter((k) => !receiver.seen.has(k.idempotency_key) && k.status !== "unconfirmed").length;
    const statuses = await ctx.db
      .selectFrom("post_targets")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]));
    const lateness = [...receiver.seen.entries()]
      .filter(([k]) => due.has(k))
      .map(([k, times]) => (times[0] as number) - (due.get(k) as number))
      .sort((a, b) => a - b);
    const duplicates = [...receiver.seen.values()].reduce((n, times) => n + times.length - 1, 0);
    const unconfirmed = byStatus.unconfirmed ?? 0;
    return {
      label,
      delivered: receiver.seen.size,
      p50: pct(lateness, 50),
      p99: pct(lateness, 99),
      max: lateness.at(-1) ?? NaN,
      duplicates,
      losses,
      unconfirmed,
      unconfirmedButDelivered: recon.unconfirmed - (POSTS - receiver.seen.size),
      statuses: byStatus,
      killedAfterMs: killedAt ? (killedAt as number) - t0 : null,
    };
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    for (const c of children) c.kill("SIGKILL");
    if (ctx) await closeContext(ctx).catch(() => {});
    receiver.close();
    if (admin) {
      await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await admin.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
if (!only || only === "pglite") results.push(await scenario("PGlite, 1 process (all roles)", "pglite", 0, false));
if (!only || only === "postgres") {
  results.push(await scenario("PostgreSQL, 2 workers + api/scheduler", "postgres", 2, false));
  results.push(await scenario("PostgreSQL, 2 workers, one SIGKILLed at +20 s", "postgres", 2, true));
}
console.log(
  `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log("| scenario | delivered | p50 lateness | p99 lateness | max | duplicates | losses | unconfirmed |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.delivered}/${POSTS} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.duplicates} | ${r.losses} | ${r.unconfirmed} |`,
  );
}
console.log(JSON.stringify(results, null, 1));
process.exit(0);
