import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeMastodon } from "../peers/mastodon/fake-instance.js";
import { mastodonSpec } from "../peers/mastodon/spec.js";

/**
 * The fake instance's own checks are not vacuous: requests that break the published description are caught
 * and answered 422, wrong answers are caught, and its entities validate against the description's schemas.
 */
let fake: FakeMastodon;
let token: string;

beforeAll(async () => {
  fake = new FakeMastodon();
  await fake.start();
  token = fake.issueToken();
});
afterAll(() => fake.stop());

const auth = () => ({ authorization: `Bearer ${token}` });

describe("the fake Mastodon instance", () => {
  it("refuses and records requests the description does not allow", async () => {
    const unknownParam = await fetch(`${fake.url}/api/v1/notifications?colour=blue`, { headers: auth() });
    expect(unknownParam.status).toBe(422);
    const badBody = await fetch(`${fake.url}/api/v1/statuses`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ status: 42 }),
    });
    expect(badBody.status).toBe(422);
    const badLimit = await fetch(`${fake.url}/api/v1/notifications?limit=beaucoup`, { headers: auth() });
    expect(badLimit.status).toBe(422);
    const undocumented = await fetch(`${fake.url}/api/v1/nothing-like-this`, { headers: auth() });
    expect(undocumented.status).toBe(404);
    const missingFile = await fetch(`${fake.url}/api/v2/media`, {
      method: "POST",
      headers: auth(),
      body: (() => {
        const f = new FormData();
        f.append("description", "sans fichier");
        return f;
      })(),
    });
    expect(missingFile.status).toBe(422);
    const v = fake.violations.splice(0);
    for (const expected of [
      "GET /api/v1/notifications: query: unknown parameters colour",
      "POST /api/v1/statuses: body/status must be string",
      "GET /api/v1/notifications: query/limit must be integer",
      "undocumented route GET /api/v1/nothing-like-this",
      "POST /api/v2/media: body must have required property 'file'",
    ]) {
      expect(v).toContainEqual(expected);
    }
  });

  it("its entities match the description's schemas, and a wrong entity does not", () => {
    const spec = mastodonSpec();
    expect(spec.validateEntity("Account", fake.accountEntity(fake.me))).toEqual([]);
    expect(spec.validateEntity("CredentialAccount", fake.credentialAccountEntity(fake.me))).toEqual([]);
    expect(spec.validateEntity("Instance", fake.instanceEntity())).toEqual([]);
    const s = fake.post(fake.addAccount("zoe", "Zoé ✨"), "Bonjour #été 🌞");
    expect(spec.validateEntity("Status", fake.statusEntity(s))).toEqual([]);
    const broken = { ...fake.statusEntity(s), visibility: "everyone" };
    expect(spec.validateEntity("Status", broken).length).toBeGreaterThan(0);
    const noId = { ...fake.accountEntity(fake.me), id: undefined };
    expect(spec.validateEntity("Account", noId).join(" ")).toContain("id");
  });

  it("answers 401 without a valid token and 429 with rate-limit headers once the budget is spent", async () => {
    const res = await fetch(`${fake.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "The access token is invalid" });
    fake.rate.remaining = 1;
    const last = await fetch(`${fake.url}/api/v1/accounts/verify_credentials`, { headers: auth() });
    expect(last.status).toBe(200);
    expect(last.headers.get("x-ratelimit-remaining")).toBe("0");
    const limited = await fetch(`${fake.url}/api/v1/accounts/verify_credentials`, { headers: auth() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("300");
    expect(Date.parse(limited.headers.get("x-ratelimit-reset")!)).toBeGreaterThan(Date.now());
    expect(fake.violations).toEqual([]);
  });
});
