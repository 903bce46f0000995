import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { routeKey, samples, withQuery } from "../helpers/samples.js";
import { databaseFingerprint, seedTenant, type Tenant } from "../helpers/tenants.js";

/**
 * Every route with a body, parameters or a query string gets malformed JSON, wrong types, missing fields,
 * a huge body, a wrong content type and invalid ids. Each answer is a 4xx in the documented error shape,
 * in the caller's language, never a 500 — and afterwards the database is exactly as before.
 */
let t: TestApp;
let a: Tenant;

beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimit: 64 * 1024 } });
  a = await seedTenant(t, "alpha", "Client Alpha");
});
afterAll(() => t.close());

function wrongValue(v: unknown): unknown {
  if (typeof v === "string") return 12345;
  if (typeof v === "number") return "not a number";
  if (typeof v === "boolean") return "yes";
  if (Array.isArray(v)) return "not-an-array";
  return 42;
}

function bodyShape(schema: unknown): string[] {
  const body = (schema as { body?: z.ZodObject })?.body;
  const shape = body && "shape" in body ? (body.shape as Record<string, unknown>) : undefined;
  return shape ? Object.keys(shape) : [];
}

function expectClientError(res: { statusCode: number; json(): unknown }, label: string) {
  expect({ label, status: res.statusCode }).toEqual({
    label,
    status: expect.toSatisfy((s: number) => s >= 400 && s < 500),
  });
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, label).toBe("string");
  expect(typeof body.error?.message, label).toBe("string");
}

const publicBodies: Record<string, { url: string; body: Record<string, unknown> }> = {
  "POST /api/auth/setup": {
    url: "/api/auth/setup",
    body: { email: "x@y.fr", name: "X", password: "0123456789", locale: "fr" },
  },
  "POST /api/auth/login": { url: "/api/auth/login", body: { email: "x@y.fr", password: "0123456789" } },
  "POST /api/invitations/:token/accept": {
    url: "/api/invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/accept",
    body: { name: "X", password: "0123456789" },
  },
};

describe("bad input on every route", () => {
  it("answers 4xx with the error shape and changes nothing", async () => {
    const before = await databaseFingerprint(t);
    let checked = 0;
    for (const route of t.app.routeCatalog) {
      const key = routeKey(route.method, route.url);
      const sample = samples[key]?.(a.ids) ?? publicBodies[key];
      if (!sample) continue;
      const url = withQuery(sample);
      const send = (payload: string | undefined, headers: Record<string, string> = {}) =>
        a.owner.request({
          method: route.method as never,
          url,
          payload,
          headers: { "content-type": "application/json", ...headers },
        });

      if (route.method !== "GET" && route.method !== "DELETE" && bodyShape(route.schema).length) {
        const malformed = await send("{ not json");
        expectClientError(malformed, `${key} malformed JSON`);
        expect(malformed.json().error.code, key).toBe("invalid_json");
        expectClientError(await send("[1,2,3]"), `${key} array body`);
        expectClientError(await send('"text"'), `${key} string body`);
        const huge = await send(JSON.stringify({ note: "x".repeat(70 * 1024) }));
        expect(huge.statusCode, `${key} huge body`).toBe(413);
        const text = await send("name=x", { "content-type": "text/plain" });
        expect(text.statusCode, `${key} text/plain`).toBe(415);
        const required = bodyShape(route.schema);
        for (const field of required) {
          const good = (sample.body ?? {}) as Record<string, unknown>;
          const bad = { ...good, [field]: wrongValue(good[field] ?? "x") };
          expectClientError(await send(JSON.stringify(bad)), `${key} wrong type for ${field}`);
        }
        if (route.method === "POST" || route.method === "PATCH") {
          expectClientError(await send("{}"), `${key} empty object`);
        }
      }
      if (route.url.includes(":")) {
        const broken = url.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "not-a-uuid");
        if (broken !== url) {
          const res = await a.owner.request({
            method: route.method as never,
            url: broken,
            payload: sample.body as never,
          });
          expectClientError(res, `${key} invalid id`);
          expect(res.statusCode, `${key} invalid id`).toBe(400);
        }
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await a.owner.post("/api/workspaces", {
      name: "x",
      timezone: "Europe/Paris",
      locale: "fr",
      description: "é".repeat(40_000),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("payload_too_large");
  });

  it("explains errors in English when asked, with field paths", async () => {
    const res = await a.owner.request({
      method: "POST",
      url: "/api/workspaces",
      payload: { name: "", timezone: "+01:00", locale: "de" },
      headers: { "accept-language": "en-GB,en;q=0.8" },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.message).toMatch(/invalid/i);
    const paths = error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["body.locale", "body.name", "body.timezone"]);
    expect(error.details.find((d: { path: string }) => d.path === "body.timezone").message).toContain("time zone");
  });

  it("rejects bad query strings", async () => {
    for (const q of ["limit=abc", "limit=0", "limit=100000", "before=yesterday"]) {
      const res = await a.owner.get(`/api/workspaces/${a.ids.workspaceId}/audit?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details[0].path).toMatch(/^querystring\./);
    }
  });

  it("rejects a write without the CSRF token from a browser session", async () => {
    const cookieOnly = await t.app.inject({
      method: "PATCH",
      url: `/api/workspaces/${a.ids.workspaceId}`,
      payload: { name: "Hacked" },
      headers: { cookie: (a.owner as unknown as { credentials: { cookie: string } }).credentials.cookie },
    });
    expect(cookieOnly.statusCode).toBe(403);
    expect(cookieOnly.json().error.code).toBe("csrf_failed");
    expect((await a.owner.get(`/api/workspaces/${a.ids.workspaceId}`)).json().name).toBe("Client Alpha");
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await a.owner.get("/api/nope");
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("route_not_found");
  });
});
