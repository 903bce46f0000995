import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.js";
import type { App } from "../../src/http/types.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

/** The API process serves the built UI: assets, and index.html for every client route (SPA fallback). */
let t: TestApp;
let web: App;
let root: string;

beforeAll(async () => {
  t = await createTestApp();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "relais-web-"));
  fs.mkdirSync(path.join(root, "assets"));
  fs.writeFileSync(
    path.join(root, "index.html"),
    "<!doctype html><html lang=fr><title>Relais</title><div id=root></div>",
  );
  fs.writeFileSync(path.join(root, "assets", "app-abc123.js"), "console.log('relais')");
  web = await buildApp(t.ctx, { webRoot: root });
  await web.ready();
});
afterAll(async () => {
  await web.close();
  await t.close();
  fs.rmSync(root, { recursive: true });
});

describe("web UI serving", () => {
  it.each([
    "/",
    "/login",
    "/setup",
    "/w/00000000-0000-4000-8000-000000000000/settings/brand",
    "/invite/abc",
  ])("serves index.html for %s", async (url) => {
    const res = await web.inject({ method: "GET", url });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body).toContain("<div id=root>");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("serves hashed assets with a long cache", async () => {
    const res = await web.inject({ method: "GET", url: "/assets/app-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
  });

  it("keeps API 404s as JSON and refuses paths outside the build", async () => {
    // Unknown API paths are private like every API path: unauthenticated callers learn nothing.
    expect((await web.inject({ method: "GET", url: "/api/nope" })).json().error.code).toBe("unauthenticated");
    const traversal = await web.inject({ method: "GET", url: "/assets/../../package.json" });
    expect(traversal.body).not.toContain('"name": "relais"');
  });
});
