// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by package / area and the
// hottest functions. Usage: npx tsx bench/profile-summary.ts bench/.out/run-…/profiles/CPU.….cpuprofile
import fs from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) throw new Error("usage: tsx bench/profile-summary.ts FILE.cpuprofile");
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = profile.endTime - profile.startTime;

function area(url: string, fn: string): string {
  if (fn === "(idle)") return "(idle)";
  if (fn === "(garbage collector)") return "(garbage collector)";
  if (fn === "(program)") return "(program: native, outside JS)";
  if (url.startsWith("wasm://")) return "PGlite WASM (postgres itself)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.includes("/dist/src/"))
    return `relais ${url.split("/dist/src/")[1]?.split("/").slice(0, -1).join("/") || "src"}`;
  if (url.startsWith("node:")) return url.split("/")[0] as string;
  return url ? "other" : `(native) ${fn}`;
}

const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const a = area(n.callFrame.url, n.callFrame.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${n.callFrame.functionName || "(anonymous)"}  ${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/dist\//, "dist/")}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const busyUs = totalUs - (areas.get("(idle)") ?? 0);
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)}%`.padStart(6);
console.log(`profile: ${(totalUs / 1e6).toFixed(1)} s wall, ${(busyUs / 1e6).toFixed(1)} s busy on the main thread`);
console.log("\nself time by area (share of busy time):");
for (const [a, us] of [...areas]
  .filter(([a]) => a !== "(idle)")
  .sort((x, y) => y[1] - x[1])
  .slice(0, 20)) {
  console.log(`${pct(us, busyUs)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${a}`);
}
console.log("\nhottest functions (self time):");
for (const [f, us] of [...fns]
  .filter(([f]) => !f.startsWith("(idle)"))
  .sort((x, y) => y[1] - x[1])
  .slice(0, 25)) {
  console.log(`${pct(us, busyUs)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${f}`);
}
