import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirBusyError, lockDataDir } from "../../src/db/data-dir-lock.js";

/** The embedded database's one-process lock (relais.pid in the data dir). No database needed. */
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "relais-lock-"));
  dirs.push(d);
  return d;
}

/** A process that stays alive until the test ends. */
function holder(command: string, args: string[]): number {
  const c = spawn(command, args, { stdio: "ignore" });
  children.push(c);
  return c.pid as number;
}

describe("data dir lock", () => {
  it("writes this process's pid and removes the file on release", () => {
    const dir = dataDir();
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, "relais.pid"), "utf8")).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, "relais.pid"))).toBe(false);
    release(); // twice is harmless
  });

  it("refuses while another Relais (a live Node.js process) holds it, naming the pid and the way out", () => {
    const dir = dataDir();
    const pid = holder(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    fs.writeFileSync(path.join(dir, "relais.pid"), String(pid));
    let err: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirBusyError);
    expect((err as Error).message).toBe(
      `The embedded database in ${dir} is in use by process ${pid}; stop Relais first (or use DATABASE_URL; if no Relais runs, delete ${path.join(dir, "relais.pid")})`,
    );
    expect(fs.readFileSync(path.join(dir, "relais.pid"), "utf8")).toBe(String(pid));
  });

  it("takes over a stale lock: a dead pid, an empty file, or a pid now used by a non-Node process", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    const other = holder("sleep", ["30"]);
    for (const content of [String(dead), "", String(other)]) {
      const dir = dataDir();
      fs.writeFileSync(path.join(dir, "relais.pid"), content);
      const release = lockDataDir(dir);
      expect(fs.readFileSync(path.join(dir, "relais.pid"), "utf8")).toBe(String(process.pid));
      release();
    }
  });

  it("a release never removes a lock that another process took meanwhile", () => {
    const dir = dataDir();
    const release = lockDataDir(dir);
    fs.writeFileSync(path.join(dir, "relais.pid"), "999999");
    release();
    expect(fs.readFileSync(path.join(dir, "relais.pid"), "utf8")).toBe("999999");
  });
});
