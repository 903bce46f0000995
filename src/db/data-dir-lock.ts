import fs from "node:fs";
import path from "node:path";

/**
 * The embedded database may be opened by one process at a time: a second one would corrupt it.
 * The process that opens it writes its pid here; another process finding a live pid refuses to start.
 */
export class DataDirBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // After a crash and a reboot (or a new container) the pid in a stale lock may belong to an unrelated
  // process. Where /proc tells, only a Node.js process counts as the holder.
  try {
    return /node|relais/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return true; // no /proc (macOS) or no access: trust the pid
  }
}

function readPid(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, "utf8").trim()) || 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined; // released meanwhile
    throw err;
  }
}

/** Takes the data dir's lock, or throws DataDirBusyError naming the process that holds it. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "relais.pid");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = readPid(file);
      if (pid === undefined) continue;
      if (pid && pid !== process.pid && alive(pid)) {
        throw new DataDirBusyError(
          `The embedded database in ${dataDir} is in use by process ${pid}; stop Relais first (or use DATABASE_URL; if no Relais runs, delete ${file})`,
        );
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirBusyError(`Could not lock ${dataDir}`);
}
