import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appLinks } from "./app-links.js";

// The UI's routes under /w/:workspaceId, read from the router's source.
const routesSource = fs.readFileSync(path.resolve(import.meta.dirname, "../web/app/routes.tsx"), "utf8");
const workspaceRoutes = [...routesSource.matchAll(/path: "([^"]+)"/g)]
  .map((m) => m[1] as string)
  .filter((p) => !p.startsWith("/") && p !== "*" && !p.includes(":module"));

function matchesRoute(url: string): boolean {
  const rest = new URL(url).pathname.match(/^\/w\/[^/]+\/(.+)$/)?.[1];
  if (!rest) return false;
  return workspaceRoutes.some((route) => {
    const a = route.split("/");
    const b = rest.split("/");
    return a.length === b.length && a.every((seg, i) => seg.startsWith(":") || seg === b[i]);
  });
}

describe("links into the web UI", () => {
  it("lead to pages the router has", () => {
    expect(workspaceRoutes).toContain("calendar/posts/:postId");
    const base = "https://relais.example";
    expect(matchesRoute(appLinks.post(base, "w1", "p1"))).toBe(true);
    expect(matchesRoute(appLinks.account(base, "w1", "a1"))).toBe(true);
    expect(matchesRoute(`${base}/w/w1/nowhere/p1`)).toBe(false);
  });
});
