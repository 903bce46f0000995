// An open-loop load generator: requests are sent at evenly spaced instants (every 1000/rate ms) over a pool of
// keep-alive connections, and each latency is measured from the instant the request was DUE, so a slow
// server cannot hide its delays by slowing the generator down (no coordinated omission).
//
// Why it exists: autocannon's `overallRate` is bursty — each connection sends its share of a second's
// requests back to back as soon as the second starts, then idles. At 200 req/s over 10 connections that is
// 10 concurrent requests queueing for ~the first half of every second, which measures queueing rather than
// the latency a steady 200 req/s sees. Both figures are reported.
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface PacedResult {
  rate: number;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] as number;
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function runPaced(options: {
  url: string;
  headers: Record<string, string>;
  rate: number;
  durationS: number;
  connections?: number;
}): Promise<PacedResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1") throw new Error(`benchmarks only target 127.0.0.1, not ${url.hostname}`);
  const connections = options.connections ?? 10;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationS);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inflight: Promise<void>[] = [];

  const one = (due: number) =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent, headers: options.headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) latencies.push(performance.now() - due);
          else non2xx++;
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
    });

  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    // setTimeout is late by up to ~1 ms; that lateness counts in the latency (measured from `due`).
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(due));
  }
  await Promise.race([Promise.all(inflight), new Promise((r) => setTimeout(r, 15_000))]);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rate: options.rate,
    connections,
    durationS: round(elapsed),
    requests: latencies.length + non2xx,
    rps: round((latencies.length + non2xx) / elapsed),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
      mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    },
    non2xx,
    errors,
  };
}
