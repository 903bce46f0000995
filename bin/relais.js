#!/usr/bin/env node
// The relais command. Runs the compiled build (npm ci builds it); falls back to the TypeScript sources
// through tsx in a development checkout that has not been built yet.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = fileURLToPath(new URL("../dist/src/cli/index.js", import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(fileURLToPath(new URL("../src/cli/index.ts", import.meta.url)));
}
