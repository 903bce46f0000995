// A separate HTTP client process for the benchmarks (what a browser is: another process). Reads
// {origin, headers, warmup, urls} as JSON on stdin, GETs the warm-up URLs (not measured: the connection, this
// process's and the server's HTTP code warmed, as a browser's are), then each URL in turn over the same
// keep-alive connection, waits for the whole body (bytes, not decoded) and prints [{ms, status, bytes}].
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { origin, headers, warmup = [], urls } = JSON.parse(input);
const dispatcher = new Agent({ connections: 1 });
for (const url of warmup) {
  const res = await request(`${origin}${url}`, { headers, dispatcher });
  for await (const _chunk of res.body);
}
const out = [];
for (const url of urls) {
  const start = performance.now();
  const res = await request(`${origin}${url}`, { headers, dispatcher });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  out.push({ ms: performance.now() - start, status: res.statusCode, bytes });
}
await dispatcher.close();
process.stdout.write(JSON.stringify(out));
