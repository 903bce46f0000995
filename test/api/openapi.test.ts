import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("health and API description", () => {
  it("reports the database kind", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: "ok",
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
      version: expect.any(String),
    });
  });

  it("documents every API route in OpenAPI 3.1, with request schemas and error responses", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas).toHaveProperty("Workspace");
    expect(doc.components.schemas).toHaveProperty("Error");
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses?: object }>>)) {
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
    }
    const expected = t.app.routeCatalog
      .filter((r) => !r.url.startsWith("/api/docs") && r.url !== "/api/openapi.json")
      .map((r) => `${r.method} ${r.url}`);
    for (const key of expected) expect(documented, key).toContain(key);
    const create = doc.paths["/api/workspaces"].post;
    expect(create.requestBody.content["application/json"].schema.properties).toHaveProperty("timezone");
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401"]));
  });

  it("serves the browsable documentation", async () => {
    const page = await t.app.inject({ method: "GET", url: "/api/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("swagger-ui");
  });
});
