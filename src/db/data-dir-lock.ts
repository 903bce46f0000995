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
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the data dir's lock, or throws DataDirBusyError naming the process that holds it. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "relais.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
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
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new DataDirBusyError(
          `The embedded database in ${dataDir} is in use by process ${pid}; stop Relais first (or use DATABASE_URL)`,
        );
      }
      fs.unlinkSync(file); // stale: its process is gone
    }
  }
  throw new DataDirBusyError(`Could not lock ${dataDir}`);
}
