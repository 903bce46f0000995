#!/usr/bin/env node
// The relais command. Runs the compiled build (npm ci builds it); falls back to the TypeScript sources
// through tsx in a development checkout that has not been built yet, or whose build is older than the
// sources (running a stale build after editing src/ silently runs yesterday's code).
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const compiled = fileURLToPath(new URL("../dist/src/cli/index.js", import.meta.url));
const sources = fileURLToPath(new URL("../src", import.meta.url));

/** Newest modification time of the server's TypeScript sources (the web UI is built separately). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (p !== join(sources, "web")) newest = Math.max(newest, newestSource(p));
    } else if (entry.name.endsWith(".ts")) {
      newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

function tsxAvailable() {
  try {
    createRequire(import.meta.url).resolve("tsx/esm/api");
    return true;
  } catch {
    return false; // a production install without dev dependencies: the build is all there is
  }
}

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources) || !tsxAvailable()) return true;
  return statSync(compiled).mtimeMs >= newestSource(sources);
}

if (compiledIsCurrent()) {
  await import(compiled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(fileURLToPath(new URL("../src/cli/index.ts", import.meta.url)));
}
