// autocannon runs against a loopback URL, reduced to the figures the report needs.
import autocannon from "autocannon";

export interface LoadResult {
  backend: string;
  auth: string;
  shape: "rate200" | "max" | "paced200";
  connections: number;
  durationS: number;
  targetRate: number | null;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerResponse: number;
  /** CPU time the server process used per request during the run (contention-independent cost). */
  serverCpuMsPerRequest?: number;
  /** /proc/pressure/cpu "some avg10" at the end of the run: % of time runnable tasks waited for a CPU. */
  cpuPressurePct?: number;
}

export async function runLoad(options: {
  url: string;
  headers: Record<string, string>;
  backend: string;
  auth: string;
  shape: "rate200" | "max";
  durationS: number;
  connections?: number;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`benchmarks only target 127.0.0.1, not ${url.hostname}`);
  const connections = options.connections ?? 10;
  const targetRate = options.shape === "rate200" ? 200 : null;
  const instance = autocannon({
    url: options.url,
    method: "GET",
    headers: options.headers,
    connections,
    duration: options.durationS,
    timeout: 10,
    ...(targetRate ? { overallRate: targetRate } : {}),
  });
  // Hard bound in case autocannon never finishes.
  const guard = setTimeout(() => instance.stop(), (options.durationS + 30) * 1000);
  const r = await instance;
  clearTimeout(guard);
  const completed = r.requests.total;
  return {
    backend: options.backend,
    auth: options.auth,
    shape: options.shape,
    connections,
    durationS: r.duration,
    targetRate,
    requests: completed,
    rps: completed / r.duration,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: r.latency.average,
    },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    bytesPerResponse: completed ? Math.round(r.throughput.total / completed) : 0,
  };
}
