import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createEmptyPostgres } from "./databases.js";

/**
 * The real `relais` command as a child process (bin/relais.js: the build when current, else the sources
 * through tsx), with its own data dir — or its own empty PostgreSQL database when DATABASE_URL is set.
 */
export const BIN = path.resolve("bin/relais.js");

export interface Instance {
  dataDir: string;
  /** Environment for the child: no leakage from the test runner's RELAIS_* or PORT. */
  env: Record<string, string>;
  /** Removes the data dir and drops the database. */
  cleanup(): Promise<void>;
}

/** A new empty Relais instance: a temp data dir, plus a fresh PostgreSQL database when DATABASE_URL is set. */
export async function newInstance(label: string): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `relais-${label}-`));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("RELAIS_") || k === "PORT" || k === "HOST" || k === "DATABASE_URL") continue;
    if (k.startsWith("VITEST") || k === "NODE_ENV") continue;
    env[k] = v;
  }
  env.RELAIS_DATA_DIR = dataDir;
  env.RELAIS_LOG_LEVEL = "warn";
  env.HOST = "127.0.0.1";
  let drop = async () => {};
  const admin = process.env.DATABASE_URL;
  if (admin) {
    const pg = await createEmptyPostgres(admin);
    env.DATABASE_URL = pg.url;
    drop = pg.drop;
  }
  return {
    dataDir,
    env,
    async cleanup() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await drop();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `relais <args>` to completion (at most 30 s). */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Non-empty lines of a stream's text. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

export interface Server {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Resolves once stdout contains `text` (at most timeoutMs). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (at most timeoutMs, else rejects). */
  exited(timeoutMs?: number): Promise<number | null>;
  /** Kills the process if it still runs (cleanup after a failed test). */
  kill(): Promise<void>;
}

/** Starts `relais serve` on a free port and waits until it listens (unless `listening` is false). */
export async function startServe(
  env: Record<string, string>,
  args: string[] = [],
  timeoutMs = 30_000,
  listening = true,
): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let done = false;
  void exit.then(() => {
    done = true;
  });
  const waitFor = async (text: string | RegExp, ms = 30_000) => {
    const deadline = Date.now() + ms;
    const found = () => (typeof text === "string" ? out.includes(text) : text.test(out));
    while (!found()) {
      if (done) throw new Error(`relais serve exited before printing ${text}: ${err || out}`);
      if (Date.now() > deadline) throw new Error(`relais serve did not print ${text} within ${ms} ms: ${err || out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const server: Server = {
    child,
    pid: child.pid as number,
    url: "",
    output: () => out,
    waitFor,
    async exited(ms = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`relais serve still running after ${ms} ms`)), ms);
      });
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (done) return;
      child.kill("SIGKILL");
      await exit;
    },
  };
  if (!listening) return server;
  try {
    await waitFor(/listening on (http:\/\/[^\s)]+)/, timeoutMs);
  } catch (e) {
    await server.kill();
    throw e;
  }
  server.url = (/listening on (http:\/\/[^\s)]+)/.exec(out) as RegExpExecArray)[1] as string;
  return server;
}
