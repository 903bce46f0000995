import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { type Ids, routeKey, samples, withQuery } from "../helpers/samples.js";
import { databaseFingerprint, seedTenant, type Tenant } from "../helpers/tenants.js";

/**
 * Walks every registered API route. Unauthenticated calls get 401; a member of workspace A, even its
 * owner, can neither read nor change anything of workspace B (403/404), whichever ids are mixed; and the
 * database is byte-for-byte unchanged for B afterwards.
 */
let t: TestApp;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  a = await seedTenant(t, "alpha", "Client Alpha");
  b = await seedTenant(t, "beta", "Client Bêta");
});
afterAll(() => t.close());

const privateRoutes = () => t.app.routeCatalog.filter((r) => r.access !== "public");

describe("route catalogue", () => {
  it("has a sample request for every private route", () => {
    const missing = privateRoutes()
      .map((r) => routeKey(r.method, r.url))
      .filter((k) => !samples[k]);
    expect(missing).toEqual([]);
    expect(privateRoutes().length).toBeGreaterThanOrEqual(20);
  });

  it("only documents intended public routes", () => {
    const pub = t.app.routeCatalog
      .filter((r) => r.access === "public" && !r.url.startsWith("/api/docs"))
      .map((r) => routeKey(r.method, r.url))
      .sort();
    expect(pub).toEqual([
      "GET /api/approvals/:token",
      "GET /api/auth/setup",
      "GET /api/health",
      "GET /api/ical/:token",
      "GET /api/invitations/:token",
      "GET /api/media/:mediaId/:variant",
      "GET /api/openapi.json",
      "GET /api/public/reviews/:token",
      "GET /api/public/topics/:token",
      "GET /api/public/topics/:token/feed.json",
      "GET /api/public/topics/:token/rss",
      "POST /api/approvals/:token/approve",
      "POST /api/approvals/:token/comments",
      "POST /api/approvals/:token/request-changes",
      "POST /api/auth/login",
      "POST /api/auth/setup",
      "POST /api/invitations/:token/accept",
    ]);
  });
});

describe("unauthenticated", () => {
  it("gets 401 on every private route, with or without a body, and with a bad token", async () => {
    for (const route of privateRoutes()) {
      const s = samples[routeKey(route.method, route.url)]!(a.ids);
      for (const headers of [
        {},
        { authorization: "Bearer rls_not-a-real-token" },
        { cookie: "relais_session=forged" },
      ]) {
        const res = await t.app.inject({
          method: route.method as never,
          url: withQuery(s),
          payload: s.body as never,
          headers,
        });
        expect({ route: route.url, method: route.method, status: res.statusCode }).toEqual({
          route: route.url,
          method: route.method,
          status: 401,
        });
        expect(res.json().error.code).toBe("unauthenticated");
      }
    }
  });
});

describe("cross-workspace isolation", () => {
  const mixes: Array<[string, (a: Ids, b: Ids) => Ids]> = [
    ["B's workspace and B's objects", (_a, b) => b],
    ["A's workspace with B's objects", (a, b) => ({ ...b, workspaceId: a.workspaceId, tokenId: b.tokenId })],
    ["B's workspace with A's objects", (a, b) => ({ ...a, workspaceId: b.workspaceId, tokenId: b.tokenId })],
  ];

  for (const via of ["session", "token"] as const) {
    it(`A's owner (by ${via}) cannot read or change anything of B`, async () => {
      const before = await snapshotB();
      const beforeRows = await databaseFingerprint(t, ["sessions", "api_tokens"]);
      const caller = via === "session" ? a.owner : await tokenCallerFor(a);
      for (const route of privateRoutes()) {
        const hasForeignId = route.url.includes(":");
        if (!hasForeignId) continue;
        for (const [label, mix] of mixes) {
          const ids = mix(a.ids, b.ids);
          // Pure A ids are not a cross-workspace call; skip those combinations.
          const touchesB = Object.entries(ids).some(
            ([k, v]) => route.url.includes(`:${k}`) && Object.values(b.ids).includes(v) && v !== (a.ids as never)[k],
          );
          if (!touchesB) continue;
          const s = samples[routeKey(route.method, route.url)]!(ids);
          const res = await caller.request({
            method: route.method as never,
            url: withQuery(s),
            payload: s.body as never,
          });
          expect({ route: `${route.method} ${route.url}`, label, status: res.statusCode }).toEqual({
            route: `${route.method} ${route.url}`,
            label,
            status: expect.toSatisfy((c: number) => c === 403 || c === 404),
          });
          expect(res.json().error.code).toMatch(/^(not_found|forbidden)$/);
          expect(res.body).not.toContain("Client Bêta");
        }
      }
      expect(await snapshotB()).toEqual(before);
      expect(await databaseFingerprint(t, ["sessions", "api_tokens"])).toEqual(beforeRows);
      // B's API token still works: A could not revoke it.
      const check = await t.app.inject({
        method: "GET",
        url: "/api/workspaces",
        headers: { authorization: `Bearer ${b.tokenValue}` },
      });
      expect(check.statusCode).toBe(200);
    });
  }

  it("lists only the caller's workspaces", async () => {
    const names = (await a.owner.get("/api/workspaces")).json().map((w: { name: string }) => w.name);
    expect(names).toContain("Client Alpha");
    expect(names).not.toContain("Client Bêta");
  });
});

async function tokenCallerFor(tenant: Tenant) {
  const { Caller } = await import("../helpers/app.js");
  return new Caller(t.app, tenant.owner.user, { bearer: tenant.tokenValue });
}

/** Everything B's owner can see of B, plus B's rows straight from the database. */
async function snapshotB() {
  const ws = b.ids.workspaceId;
  const views = await Promise.all(
    [
      `/api/workspaces/${ws}`,
      `/api/workspaces/${ws}/competitors`,
      `/api/workspaces/${ws}/members`,
      `/api/workspaces/${ws}/invitations`,
      `/api/workspaces/${ws}/audit`,
      "/api/auth/tokens",
    ].map(async (url) => (await b.owner.get(url)).body),
  );
  const rows = await Promise.all(
    (["workspaces", "competitors", "memberships", "invitations", "audit_log"] as const).map((table) =>
      t.ctx.db
        .selectFrom(table)
        .selectAll()
        .where(table === "workspaces" ? "id" : "workspace_id", "=", ws)
        .execute()
        .then((r) => JSON.stringify(r.map((x) => JSON.stringify(x)).sort())),
    ),
  );
  const user = await t.ctx.db
    .selectFrom("users")
    .selectAll()
    .where("id", "in", [b.owner.user.id, b.member.user.id])
    .orderBy("id")
    .execute();
  return { views, rows, user: JSON.stringify(user) };
}
