import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";

let t: TestApp;
let owner: Caller;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "camille@agence.fr", { owner: true, name: "Camille" });
});
afterAll(() => t.close());

describe("workspaces", () => {
  it("creates a workspace with its brand book and lists it with my role", async () => {
    const res = await owner.post("/api/workspaces", {
      name: "Boulangerie Éloïse 🥐",
      timezone: "Europe/Paris",
      locale: "fr",
      values: ["Proximité", "Savoir-faire"],
      toneOfVoice: "Chaleureux, **tutoiement** interdit.",
    });
    expect(res.statusCode).toBe(201);
    const ws = res.json();
    expect(ws).toMatchObject({
      name: "Boulangerie Éloïse 🥐",
      timezone: "Europe/Paris",
      role: "owner",
      values: ["Proximité", "Savoir-faire"],
    });
    const list = await owner.get("/api/workspaces");
    expect(list.json().map((w: { id: string }) => w.id)).toContain(ws.id);
  });

  it("rejects an unknown time zone with a French field error", async () => {
    const res = await owner.request({
      method: "POST",
      url: "/api/workspaces",
      payload: { name: "X", timezone: "Europe/Lyon", locale: "fr" },
      headers: { "accept-language": "fr-FR,fr;q=0.9" },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details).toEqual([
      expect.objectContaining({ path: "body.timezone", message: expect.stringContaining("Fuseau horaire") }),
    ]);
  });

  it("updates the brand book and keeps other fields", async () => {
    const id = await createWorkspace(owner, "Festival Lumière");
    const res = await owner.patch(`/api/workspaces/${id}`, { moderationCharter: "# Charte\n- pas d'insultes" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: "Festival Lumière", moderationCharter: "# Charte\n- pas d'insultes" });
  });
});
