// Starting and stopping Relais processes for the benchmarks. Every child is tracked and killed when the
// benchmark exits, however it exits; every wait is bounded in time.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
let BIN = path.join(ROOT, "bin", "relais.js");

/**
 * Copies the compiled build (bin/, dist/, package.json; node_modules linked) into `dir` and runs Relais from
 * there: other people rebuilding dist/ in the working tree during a run cannot swap files under a server
 * being measured, nor make bin/relais.js fall back to tsx. The snapshot has no src/, so there is no fallback.
 */
export function snapshotBuild(dir: string): void {
  if (!fs.existsSync(path.join(ROOT, "dist", "src", "cli", "index.js"))) throw new Error("dist/ is not built");
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(ROOT, "bin"), path.join(dir, "bin"), { recursive: true });
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  BIN = path.join(dir, "bin", "relais.js");
}
const live = new Set<ChildProcess>();

/** Kills every server still running (SIGKILL). Also runs on process exit, whatever the cause. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.on("exit", killAll);

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment every Relais process gets: loopback only, no SMTP, nothing inherited that selects a database. */
export function relaisEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", RELAIS_LOG_LEVEL: "info" };
  for (const k of ["DATABASE_URL", "RELAIS_DATA_DIR", "RELAIS_SMTP_URL", "PORT", "RELAIS_PUBLIC_URL"]) delete env[k];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** One GET on loopback with a fresh connection; resolves to the status code, or 0 if it could not connect. */
function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  /** ms from spawn to the first 200 on /api/health. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `node bin/relais.js serve` (the compiled build) and waits for the first 200 on /api/health,
 * polling every 5 ms. Output goes to logFile.
 */
export async function startServer(options: {
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
  nodeArgs?: string[];
  serveArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const out = fs.openSync(options.logFile, "a");
  const url = `http://127.0.0.1:${options.port}`;
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), BIN, "serve", "--port", String(options.port), ...(options.serveArgs ?? [])],
    {
      cwd: ROOT,
      env: options.env,
      stdio: ["ignore", out, out],
    },
  );
  fs.closeSync(out);
  live.add(child);
  let exited: { code: number | null; signal: string | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
    });
  });

  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const done = await Promise.race([exitPromise.then(() => true), sleep(20_000).then(() => false)]);
    if (!done) {
      child.kill("SIGKILL");
      await Promise.race([exitPromise, sleep(5_000)]);
    }
  };

  const deadline = spawnedAt + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      throw new Error(
        `relais serve exited (code ${exited.code}, signal ${exited.signal}) before answering; see ${options.logFile}`,
      );
    }
    if ((await probe(`${url}/api/health`, 500)) === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`relais serve did not answer 200 on /api/health in time; see ${options.logFile}`);
    }
    await sleep(5);
  }
  const readyMs = performance.now() - spawnedAt;
  return { child, pid: child.pid as number, url, spawnedAt, readyMs, stop };
}

/** Runs a relais CLI command to completion (bounded), returning stdout. */
export function relaisCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`relais ${args[0]} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** VmRSS / VmHWM of a process, in MiB (from /proc). */
export function memoryMiB(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000 }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat). */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** The kernel's CPU pressure: % of the last 10 s during which some runnable task waited for a CPU. */
export function cpuPressure10s(): number {
  try {
    return Number(/some avg10=([\d.]+)/.exec(fs.readFileSync("/proc/pressure/cpu", "utf8"))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}
