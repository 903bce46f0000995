import { spawn } from "node:child_process";
import path from "node:path";

export interface TimedGet {
  ms: number;
  status: number;
  bytes: number;
}

/**
 * GETs each URL in turn from a separate Node process (bench/lib/timed-get.mjs) and returns the timings; the
 * `warmup` URLs are fetched first, unmeasured.
 */
export function timedGets(
  origin: string,
  headers: Record<string, string>,
  urls: string[],
  warmup: string[] = [],
): Promise<TimedGet[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, "timed-get.mjs")], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`timed-get exited with ${code}`));
      resolve(JSON.parse(out) as TimedGet[]);
    });
    child.stdin.end(JSON.stringify({ origin, headers, warmup, urls }));
  });
}
