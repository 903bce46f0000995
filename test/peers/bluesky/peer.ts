import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { AtpAgent } from "@atproto/api";
import pg from "pg";

/**
 * The local AT Protocol network for tests and the benchmark: starts test/peers/bluesky/net/start.cjs (PLC + PDS
 * + AppView from @atproto/dev-env, installed with `npm ci --prefix test/peers/bluesky/net`) as a child
 * process, creates accounts on it, and waits for the AppView to index (processAll).
 * Needs PostgreSQL (BLUESKY_DB_URL, default postgres://postgres@127.0.0.1:5432/relais_bluesky_peer — created
 * if missing) and Redis (REDIS_HOST, default 127.0.0.1:6379).
 */

const DIR = path.resolve("test/peers/bluesky/net");

export function peerInstalled(): boolean {
  return fs.existsSync(path.join(DIR, "node_modules/@atproto/dev-env/package.json"));
}

export interface PeerAccount {
  handle: string;
  did: string;
  password: string;
  appPassword: string;
  agent: AtpAgent;
}

export interface BlueskyNetwork {
  pds: string;
  appview: string;
  plc: string;
  /** Waits until the AppView has indexed everything written so far (at most timeoutMs, default 2 min). */
  processAll(timeoutMs?: number): Promise<void>;
  createAccount(name: string): Promise<PeerAccount>;
  stop(): Promise<void>;
}

async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  u.pathname = "/postgres";
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!found.rowCount) await client.query(`create database ${name}`).catch(() => {});
  } finally {
    await client.end();
  }
}

export async function startNetwork(options: { timeoutMs?: number } = {}): Promise<BlueskyNetwork> {
  if (!peerInstalled()) throw new Error("test network not installed: npm ci --prefix test/peers/bluesky/net");
  const dbUrl = process.env.BLUESKY_DB_URL ?? "postgres://postgres@127.0.0.1:5432/relais_bluesky_peer";
  await ensureDatabase(dbUrl);
  const child: ChildProcess = spawn(process.execPath, [path.join(DIR, "start.cjs")], {
    cwd: DIR,
    env: {
      ...process.env,
      DB_POSTGRES_URL: dbUrl,
      REDIS_HOST: process.env.REDIS_HOST ?? "127.0.0.1:6379",
      // The dev-env's own logs are noisy; errors still reach stderr.
      LOG_ENABLED: "false",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err = (err + d).slice(-20_000);
  });
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let info: { pds: string; appview: string; plc: string; control: string } | null = null;
  while (!info) {
    const line = out.split("\n").find((l) => l.startsWith("{"));
    if (line) info = JSON.parse(line);
    else {
      if (child.exitCode !== null) throw new Error(`test network exited (${child.exitCode}): ${err.slice(-3000)}`);
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`test network did not start in time: ${err.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const ready = info;
  let n = 0;
  const stamp = Date.now().toString(36).slice(-5);
  return {
    pds: ready.pds,
    appview: ready.appview,
    plc: ready.plc,
    async processAll(timeoutMs = 120_000) {
      // node:http without a headers timeout: indexing thousands of records on a loaded machine takes minutes.
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${ready.control}/process-all?timeout=${timeoutMs}`, { method: "POST" }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => {
            text += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.end();
      });
      if (status !== 200) throw new Error(`processAll failed: ${body}`);
    },
    async createAccount(name: string) {
      const handle = `${name}-${stamp}${n++}.test`;
      const password = `mot-de-passe-${stamp}`;
      const agent = new AtpAgent({ service: ready.pds });
      await agent.createAccount({ handle, email: `${handle}@example.com`, password });
      const app = await agent.com.atproto.server.createAppPassword({ name: "relais" });
      return { handle, did: agent.session!.did, password, appPassword: app.data.password, agent };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A loopback HTTP proxy in front of the PDS that can hold the answer to the n-th createRecord: the
 * request reaches the PDS (the record is written) but the caller never gets the answer — the moment a
 * worker is SIGKILLed in the crash test.
 */
export class HoldingProxy {
  server: Server;
  url = "";
  creates = 0;
  holdAfterCreate: number | null = null;
  held = false;
  private heldResponses: ServerResponse[] = [];

  constructor(private readonly target: string) {
    this.server = createServer((req, res) => this.forward(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private forward(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? "/", this.target);
    const isCreate = req.method === "POST" && target.pathname === "/xrpc/com.atproto.repo.createRecord";
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (up: IncomingMessage) => {
        if (isCreate) this.creates++;
        if (isCreate && this.holdAfterCreate !== null && this.creates >= this.holdAfterCreate) {
          // Written on the PDS; the answer never comes back.
          up.resume();
          this.held = true;
          this.heldResponses.push(res);
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  }

  async stop(): Promise<void> {
    for (const r of this.heldResponses) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
