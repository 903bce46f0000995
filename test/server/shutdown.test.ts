import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Instance, newInstance, type Server, startServe } from "../helpers/processes.js";

/**
 * Graceful shutdown of the real `relais serve` process. The in-flight request is a sign-in whose body the
 * test sends in two halves: the server has the request (it logged "incoming request") but cannot answer
 * until the second half arrives, which the test sends only after the signal — so the request is provably
 * in flight during shutdown, without any test-only hook in the server.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const EMAIL = "camille@agence.fr";
const PASSWORD = "correct-horse-battery";
let inst: Instance;
let env: Record<string, string>;
let server: Server | undefined;
let inflightCookie = "";
/** Fastify's debug log line when a request's headers have arrived (its body may still be on the way). */
const INCOMING_LOGIN = /"url":"\/api\/auth\/login"[^\n]*"msg":"incoming request"/;

beforeAll(async () => {
  inst = await newInstance("shutdown");
  // debug: the server logs each incoming request, which tells the test its request has arrived.
  env = { ...inst.env, RELAIS_LOG_LEVEL: "debug" };
});
afterAll(async () => {
  await server?.kill();
  await inst?.cleanup();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A POST /api/auth/login whose body is held back until finish() is called. */
function heldLogin(url: string): { finish(): void; reply: Promise<Reply> } {
  const u = new URL(url);
  const payload = Buffer.from(JSON.stringify({ email: EMAIL, password: PASSWORD }));
  const req = http.request({
    host: u.hostname,
    port: u.port,
    path: "/api/auth/login",
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": payload.length, "x-test": "held" },
  });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
  });
  reply.catch(() => {}); // awaited by the test; this only keeps an early failure from being "unhandled"
  req.write(payload.subarray(0, 12));
  return { finish: () => req.end(payload.subarray(12)), reply };
}

/** Whether a new connection to the server is refused (it stopped listening). */
async function refusesNewConnections(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 503;
  } catch (err) {
    return /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? err));
  }
}

function lockFile(): string {
  return path.join(inst.dataDir, "relais.pid");
}

/** Signals the server while a sign-in is in flight; checks the sign-in completes and the process exits 0. */
async function shutdownDuringRequest(signal: NodeJS.Signals): Promise<Reply> {
  const s = server as Server;
  const held = heldLogin(s.url);
  await s.waitFor(INCOMING_LOGIN, 10_000);
  s.child.kill(signal);
  await s.waitFor("shutting down: finishing in-flight requests and jobs", 10_000);
  expect(await refusesNewConnections(s.url)).toBe(true);
  // The held request keeps the process alive: it has not exited half a second later.
  await new Promise((r) => setTimeout(r, 500));
  expect(s.child.exitCode).toBeNull();
  held.finish();
  const reply = await held.reply;
  expect(await s.exited(30_000)).toBe(0);
  server = undefined;
  if (!onPostgres) expect(fs.existsSync(lockFile())).toBe(false);
  return reply;
}

describe(`graceful shutdown of relais serve (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("SIGTERM: stops taking connections, finishes the in-flight request, exits 0, releases the lock", async () => {
    server = await startServe(env);
    if (!onPostgres) expect(fs.readFileSync(lockFile(), "utf8")).toBe(String(server.pid));
    const setup = await fetch(`${server.url}/api/auth/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, name: "Camille", password: PASSWORD, locale: "fr" }),
    });
    expect(setup.status).toBe(201);

    const reply = await shutdownDuringRequest("SIGTERM");
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body).user.email).toBe(EMAIL);
    const cookie = ([] as string[])
      .concat(reply.headers["set-cookie"] ?? [])
      .find((c) => c.startsWith("relais_session="));
    expect(cookie).toBeDefined();
    inflightCookie = (cookie as string).split(";")[0] as string;
  });

  it("restarts on the same data: the session written by the in-flight request is there; SIGINT works the same", async () => {
    server = await startServe(env);
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { cookie: inflightCookie } });
    expect(session.status).toBe(200);
    expect((await session.json()).user.email).toBe(EMAIL);

    const reply = await shutdownDuringRequest("SIGINT");
    expect(reply.status, reply.body).toBe(200);
  });

  it("a second signal while requests are stuck exits at once with code 1 (and still releases the lock)", async () => {
    server = await startServe(env);
    const s = server;
    const _held = heldLogin(s.url); // kept in flight: the server must not wait for it
    await s.waitFor(INCOMING_LOGIN, 10_000);
    s.child.kill("SIGTERM");
    await s.waitFor("shutting down", 10_000);
    s.child.kill("SIGTERM");
    expect(await s.exited(10_000)).toBe(1);
    server = undefined;
    if (!onPostgres) expect(fs.existsSync(lockFile())).toBe(false);
    // And it still starts afterwards.
    server = await startServe(env);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
    server = undefined;
  });

  it("a signal during start-up (migrations) is honoured once started: clean exit 0, nothing half-done", async () => {
    const fresh = await newInstance("shutdown-early");
    const early = await startServe({ ...fresh.env, RELAIS_LOG_LEVEL: "info" }, [], 30_000, false);
    try {
      // The lock file appears just before the signal handlers are installed, before migrations run.
      const lock = path.join(fresh.dataDir, "relais.pid");
      const deadline = Date.now() + 20_000;
      while (!(onPostgres ? /database migrated/.test(early.output()) : fs.existsSync(lock))) {
        if (Date.now() > deadline || early.child.exitCode !== null) throw new Error(`no start: ${early.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      early.child.kill("SIGTERM");
      expect(await early.exited(30_000)).toBe(0);
      expect(early.output()).toContain("shutting down");
      if (!onPostgres) expect(fs.existsSync(lock)).toBe(false);
      // Migrations completed: the next start finds a ready database.
      const again = await startServe(fresh.env);
      try {
        expect((await fetch(`${again.url}/api/auth/setup`)).status).toBe(200);
        again.child.kill("SIGTERM");
        expect(await again.exited()).toBe(0);
      } finally {
        await again.kill();
      }
    } finally {
      await early.kill();
      await fresh.cleanup();
    }
  });
});
