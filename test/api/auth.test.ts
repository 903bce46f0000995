import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Caller, createTestApp, signIn, signUp, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ config: { loginRateLimit: 5 } });
});
afterAll(() => t.close());

describe("first run", () => {
  it("creates the owner once, even when two setups race", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/auth/setup" })).json()).toEqual({ needsSetup: true });
    const body = (email: string) => ({ email, name: "Propriétaire", password: "un-long-mot-de-passe", locale: "fr" });
    const [r1, r2] = await Promise.all([
      t.app.inject({ method: "POST", url: "/api/auth/setup", payload: body("un@agence.fr") }),
      t.app.inject({ method: "POST", url: "/api/auth/setup", payload: body("deux@agence.fr") }),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([201, 409]);
    const winner = r1.statusCode === 201 ? r1 : r2;
    expect(winner.json().user).toMatchObject({ isOwner: true, canCreateWorkspaces: true });
    const cookie = winner.cookies.find((c) => c.name === "relais_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect((await t.app.inject({ method: "GET", url: "/api/auth/setup" })).json()).toEqual({ needsSetup: false });
    const again = await t.app.inject({ method: "POST", url: "/api/auth/setup", payload: body("trois@agence.fr") });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("setup_done");
    const { password_hash } = await t.ctx.db
      .selectFrom("users")
      .select("password_hash")
      .where("is_owner", "=", true)
      .executeTakeFirstOrThrow();
    expect(password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe("sessions", () => {
  it("signs in case-insensitively, signs out, and the old cookie stops working", async () => {
    await signUp(t, "sophie@agence.fr");
    const s = await signIn(t, "SOPHIE@Agence.fr");
    expect((await s.get("/api/auth/session")).json().user.email).toBe("sophie@agence.fr");
    expect((await s.post("/api/auth/logout")).statusCode).toBe(204);
    const after = await s.get("/api/auth/session");
    expect(after.statusCode).toBe(401);
  });

  it("gives the same answer for a wrong password and an unknown account", async () => {
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "sophie@agence.fr", password: "nope-nope-nope" },
    });
    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "personne@agence.fr", password: "nope-nope-nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it("rate-limits sign-in attempts and says when to retry", async () => {
    await signUp(t, "cible@agence.fr");
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await t.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: "cible@agence.fr", password: `essai-${i}-xxxx` },
      });
      statuses.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(r.headers["retry-after"]).toBeDefined();
        expect(r.json().error.code).toBe("rate_limited");
        expect(r.json().error.message).toMatch(/Réessayez dans \d+ secondes/);
      }
    }
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Even the right password is refused while limited.
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "cible@agence.fr", password: TEST_PASSWORD },
    });
    expect(ok.statusCode).toBe(429);
  });

  it("rejects an expired session", async () => {
    const s = await signUp(t, "expire@agence.fr");
    await t.ctx.db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", s.user.id)
      .execute();
    expect((await s.get("/api/workspaces")).statusCode).toBe(401);
  });

  it("changes the password and signs out the other sessions", async () => {
    const laptop = await signUp(t, "paul@agence.fr");
    const phone = await signIn(t, "paul@agence.fr");
    const bad = await laptop.post("/api/auth/password", {
      currentPassword: "pas-le-bon-mdp",
      newPassword: "nouveau-mot-de-passe",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("wrong_password");
    const short = await laptop.post("/api/auth/password", { currentPassword: TEST_PASSWORD, newPassword: "court" });
    expect(short.statusCode).toBe(400);
    const ok = await laptop.post("/api/auth/password", {
      currentPassword: TEST_PASSWORD,
      newPassword: "nouveau-mot-de-passe",
    });
    expect(ok.statusCode).toBe(204);
    expect((await laptop.get("/api/auth/session")).statusCode).toBe(200);
    expect((await phone.get("/api/auth/session")).statusCode).toBe(401);
    await expect(signIn(t, "paul@agence.fr")).rejects.toThrow();
    await signIn(t, "paul@agence.fr", "nouveau-mot-de-passe");
  });

  it("updates my name and language", async () => {
    const s = await signUp(t, "lang@agence.fr");
    const r = await s.patch("/api/auth/me", { locale: "en", name: "Zoé Ünal" });
    expect(r.json()).toMatchObject({ locale: "en", name: "Zoé Ünal" });
    // Without Accept-Language, errors follow the user's language.
    const err = await s.request({ method: "GET", url: "/api/workspaces/00000000-0000-4000-8000-000000000000" });
    expect(err.json().error.message).toBe("Workspace not found.");
  });
});

describe("API tokens", () => {
  it("creates a token shown once, uses it without CSRF, lists and revokes it", async () => {
    const s = await signUp(t, "robot@agence.fr");
    const created = await s.post("/api/auth/tokens", { name: "n8n" });
    expect(created.statusCode).toBe(201);
    const { token, id, prefix } = created.json();
    expect(token).toMatch(/^rls_[\w-]{40,}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const bearer = new Caller(t.app, s.user, { bearer: token });
    const ws = await bearer.post("/api/workspaces", { name: "Par API", timezone: "America/Montreal", locale: "fr" });
    expect(ws.statusCode).toBe(201);
    const list = (await s.get("/api/auth/tokens")).json();
    expect(list).toEqual([expect.objectContaining({ id, name: "n8n", prefix, lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await s.delete(`/api/auth/tokens/${id}`)).statusCode).toBe(204);
    expect((await bearer.get("/api/workspaces")).statusCode).toBe(401);
    const stored = await t.ctx.db
      .selectFrom("api_tokens")
      .select("token_hash")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(4));
  });
});
