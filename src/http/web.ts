import fs from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { App } from "./types.js";

/** The built React app: dist/web, found from src/http (tsx) or dist/src/http (compiled). */
export function webRoot(): string | undefined {
  for (const rel of ["../../dist/web", "../../web"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(`${dir}/index.html`)) return dir;
  }
  return undefined;
}

/** Serves the web UI; every non-API path falls back to index.html so client routes survive a reload. */
export async function registerWeb(app: App, root = webRoot()): Promise<boolean> {
  if (!root) return false;
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    maxAge: "1y",
    immutable: true,
    // index.html is reached through sendFile() from the SPA fallback, which also goes through this check.
    allowedPath: (pathName) =>
      pathName === "index.html" ||
      pathName.startsWith("/assets/") ||
      /^\/[\w.-]+\.(svg|png|ico|webmanifest|txt)$/.test(pathName),
  });
  return true;
}
