import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetLimiters } from "../../src/connectors/mastodon/masto-client.js";
import { forgetApps, STATE_TTL_MS } from "../../src/modules/accounts/oauth.service.js";
import { publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { FakeMastodon } from "../peers/mastodon/fake-instance.js";
import { eventsOf, makeDue, scheduledTarget, targetRow } from "../scheduler/fixtures.js";

/**
 * Mastodon through Relais itself: the OAuth flow through Relais' own routes (start → the instance's
 * authorize page → callback), a pasted token, and the scheduler publishing to the fake instance with its
 * failures mapped (401 → reconnect needed, 429 → retried after the instance's reset, 422 → failed with the
 * instance's words, a lost answer → retried with the same Idempotency-Key → exactly one status).
 */
let t: TestApp;
let fake: FakeMastodon;
let owner: Caller;
let other: Caller;
let ws: string;

beforeAll(async () => {
  fake = new FakeMastodon({ mediaProcessingPolls: 0, rateLimit: 5000 });
  await fake.start();
  t = await createTestApp({ config: { allowPrivateNetwork: true } });
  await t.ctx.jobs.start(t.ctx, { work: false, schedule: false });
  owner = await signUp(t, "margaux.owner@agence.fr", { name: "Margaux Owner" });
  ws = await createWorkspace(owner, "Théâtre de la Ville");
  other = await signUp(t, "intrus@ailleurs.fr");
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
beforeEach(() => {
  resetLimiters();
  forgetApps();
  fake.clearFaults();
  fake.denyAuthorization = false;
});
afterEach(() => {
  expect(fake.violations.splice(0)).toEqual([]);
});

async function accountCount() {
  return (await t.ctx.db.selectFrom("social_accounts").select("id").where("workspace_id", "=", ws).execute()).length;
}

/** Starts the flow and follows the instance's authorize page; returns the callback path Relais receives. */
async function authorize(caller = owner, body: Record<string, unknown> = {}): Promise<string> {
  const res = await caller.post(`/api/workspaces/${ws}/accounts/oauth/mastodon`, { instanceUrl: fake.url, ...body });
  expect(res.statusCode).toBe(200);
  const { authorizeUrl } = res.json() as { authorizeUrl: string };
  const back = await fetch(authorizeUrl, { redirect: "manual" });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get("location")!);
  expect(location.pathname).toBe("/api/oauth/mastodon/callback");
  return `${location.pathname}${location.search}`;
}

describe("OAuth through Relais' routes", () => {
  it("registers the app once per instance, exchanges the code and connects the account", async () => {
    const before = await accountCount();
    const callback = await authorize(owner, { name: "Théâtre 🎭" });
    const res = await owner.get(callback);
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location as string, "http://relais.test");
    expect(location.pathname).toBe(`/w/${ws}/connectors`);
    const id = location.searchParams.get("connected");
    expect(id).toBeTruthy();
    expect(await accountCount()).toBe(before + 1);
    const account = (await owner.get(`/api/workspaces/${ws}/accounts/${id}`)).json();
    expect(account).toMatchObject({
      network: "mastodon",
      displayName: "Théâtre 🎭",
      handle: `@relais@${new URL(fake.url).host}`,
      status: "active",
      settings: { instanceUrl: fake.url, limits: { maxCharacters: 500 } },
    });
    expect(JSON.stringify(account)).not.toContain("tok_");
    // A second flow reuses the registered app.
    await authorize();
    expect(fake.apps.size).toBe(1);
    const tokenRequest = fake.requests.find((r) => r.path === "/oauth/token")!;
    expect(tokenRequest.body).toMatchObject({ grant_type: "authorization_code" });
  });

  it("a tampered, expired or someone else's state is a clear error and stores nothing", async () => {
    const before = await accountCount();
    const exchanges = fake.requests.filter((r) => r.path === "/oauth/token").length;
    const callback = await authorize();
    const url = new URL(callback, "http://relais.test");
    const state = url.searchParams.get("state")!;
    const flipped = state.slice(0, 20) + (state[20] === "A" ? "B" : "A") + state.slice(21);
    url.searchParams.set("state", flipped);
    const tampered = await owner.request({
      method: "GET",
      url: `${url.pathname}${url.search}`,
      headers: { "accept-language": "fr" },
    });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().error.code).toBe("oauth_state_invalid");
    expect(tampered.json().error.message).toContain("recommencez la connexion");

    const stolen = await other.get(callback);
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().error.code).toBe("oauth_state_invalid");

    const realNow = Date.now();
    const spy = vi.spyOn(Date, "now").mockReturnValue(realNow + STATE_TTL_MS + 60_000);
    let expired: Awaited<ReturnType<Caller["get"]>>;
    try {
      expired = await owner.request({ method: "GET", url: callback, headers: { "accept-language": "en" } });
    } finally {
      spy.mockRestore();
    }
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe("oauth_state_expired");
    expect(expired.json().error.message).toContain("expired");
    expect(await accountCount()).toBe(before);
    // The code itself was never exchanged.
    expect(fake.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(exchanges);
  });

  it("the user denying on the instance brings them back with the reason, nothing stored", async () => {
    const before = await accountCount();
    fake.denyAuthorization = true;
    const res = await owner.get(await authorize());
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location as string, "http://relais.test");
    expect(location.searchParams.get("oauth")).toBe("denied");
    expect(await accountCount()).toBe(before);
  });

  it("refuses an address that is not a Mastodon instance with a translated 400", async () => {
    const res = await owner.request({
      method: "POST",
      url: `/api/workspaces/${ws}/accounts/oauth/mastodon`,
      payload: { instanceUrl: `${fake.url}/nothing-here` },
      headers: { "accept-language": "fr" },
    });
    // The path is dropped (an instance is an origin): this one is Mastodon, so it works.
    expect(res.statusCode).toBe(200);
    const bad = await owner.request({
      method: "POST",
      url: `/api/workspaces/${ws}/accounts/oauth/mastodon`,
      payload: { instanceUrl: "ftp://mastodon.example" },
      headers: { "accept-language": "fr" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("validation_failed");
  });
});

describe("publishing through the scheduler", () => {
  let accountId: string;

  beforeAll(async () => {
    const res = await owner.post(`/api/workspaces/${ws}/accounts`, {
      network: "mastodon",
      instanceUrl: fake.url,
      accessToken: fake.issueToken(),
      name: "Théâtre (jeton collé)",
    });
    expect(res.statusCode).toBe(201);
    accountId = res.json().account.id;
  });

  it("publishes a due target and records the status URL", async () => {
    const s = await scheduledTarget(t, ws, { at: new Date(), accountId, body: "Première ce soir 🎭 #théâtre" });
    expect(await publishTargets(t.ctx, [s.targetId])).toBe(1);
    const row = await targetRow(t, s.targetId);
    expect(row.status).toBe("published");
    const status = fake.statuses.get(row.external_id!)!;
    expect(status.text).toBe("Première ce soir 🎭 #théâtre");
    expect(status.idempotencyKey).toBe(s.idempotencyKey);
    expect(row.external_url).toBe(`${fake.url}/@relais/${status.id}`);
  });

  it("a lost answer is retried with the same Idempotency-Key: one status only", async () => {
    const s = await scheduledTarget(t, ws, { at: new Date(), accountId, body: "Une seule fois 🤞" });
    fake.inject({ method: "POST", path: /^\/api\/v1\/statuses$/, dropAfterHandling: true });
    await publishTargets(t.ctx, [s.targetId]);
    expect((await targetRow(t, s.targetId)).status).toBe("scheduled");
    await makeDue(t, s.targetId);
    await publishTargets(t.ctx, [s.targetId]);
    const row = await targetRow(t, s.targetId);
    expect(row.status).toBe("published");
    expect(fake.liveStatuses().filter((x) => x.text === "Une seule fois 🤞")).toHaveLength(1);
  });

  it("429 → scheduled again after the instance's reset, not before", async () => {
    const s = await scheduledTarget(t, ws, { at: new Date(), accountId, body: "Trop vite ?" });
    const reset = new Date(Date.now() + 90_000);
    fake.inject({
      method: "POST",
      path: /statuses$/,
      status: 429,
      body: { error: "Too many requests" },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset.toISOString() },
    });
    await publishTargets(t.ctx, [s.targetId]);
    const row = await targetRow(t, s.targetId);
    expect(row.status).toBe("scheduled");
    expect(row.error_code).toBe("rate_limited");
    expect(row.next_attempt_at!.getTime()).toBeGreaterThanOrEqual(reset.getTime() - 2000);
    resetLimiters();
  });

  it("422 → failed with the instance's words, no retry", async () => {
    const s = await scheduledTarget(t, ws, { at: new Date(), accountId, body: "Contenu refusé" });
    fake.inject({
      method: "POST",
      path: /statuses$/,
      status: 422,
      body: { error: "Validation failed: Text est refusé 🚫" },
    });
    await publishTargets(t.ctx, [s.targetId]);
    const row = await targetRow(t, s.targetId);
    expect(row.status).toBe("failed");
    expect(row.error_code).toBe("content_rejected");
    expect(row.error_message).toBe("Validation failed: Text est refusé 🚫");
    const events = await eventsOf(t, s.targetId);
    expect(events.at(-1)).toMatchObject({ to_status: "failed" });
  });

  it("401 → failed and the account needs reconnecting (then a new token brings it back)", async () => {
    const s = await scheduledTarget(t, ws, { at: new Date(), accountId, body: "Jeton révoqué" });
    fake.revokeAllTokens();
    await publishTargets(t.ctx, [s.targetId]);
    expect((await targetRow(t, s.targetId)).error_code).toBe("auth_expired");
    const account = (await owner.get(`/api/workspaces/${ws}/accounts/${accountId}`)).json();
    expect(account.status).toBe("reconnect_needed");
    expect(account.statusReason).toBe("The access token is invalid");
    const again = await owner.post(`/api/workspaces/${ws}/accounts/${accountId}/reconnect`, {
      instanceUrl: fake.url,
      accessToken: fake.issueToken(),
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().account.status).toBe("active");
  });

  it("reconnects an account through OAuth: same account, new token, active again", async () => {
    fake.revokeAllTokens();
    await owner.post(`/api/workspaces/${ws}/accounts/${accountId}/check`);
    expect((await owner.get(`/api/workspaces/${ws}/accounts/${accountId}`)).json().status).toBe("reconnect_needed");
    const before = await accountCount();
    const res = await owner.get(await authorize(owner, { accountId }));
    const location = new URL(res.headers.location as string, "http://relais.test");
    expect(location.searchParams.get("connected")).toBe(accountId);
    expect(await accountCount()).toBe(before);
    const account = (await owner.get(`/api/workspaces/${ws}/accounts/${accountId}`)).json();
    expect(account.status).toBe("active");
    expect(account.displayName).toBe("Théâtre (jeton collé)");
  });
});

describe("the instance's limits in Relais", () => {
  it("are presented with the account, read again by a check, and followed by the post's checks", async () => {
    const res = await owner.post(`/api/workspaces/${ws}/accounts`, {
      network: "mastodon",
      instanceUrl: fake.url,
      accessToken: fake.issueToken(),
      name: "Théâtre (limites)",
    });
    expect(res.statusCode).toBe(201);
    const account = res.json().account;
    expect(account.limits).toEqual({
      maxCharacters: 500,
      charactersReservedPerUrl: 23,
      maxMediaAttachments: 4,
      imageSizeLimit: 16_777_216,
      videoSizeLimit: 103_809_024,
      descriptionLimit: 1500,
    });
    const base = `/api/workspaces/${ws}`;
    const text = `${"Répétition générale 🎭 ".repeat(30)}`.trim(); // 659 characters
    const post = (await owner.post(`${base}/posts`, { body: text, targets: [{ accountId: account.id }] })).json();
    expect(post.targets[0].check).toMatchObject({ ok: false, max: 500 });

    // The instance's admin raises the limit: a check reads it again, and the post's check follows.
    const before = fake.options.maxCharacters;
    fake.options.maxCharacters = 1000;
    try {
      const checked = await owner.post(`${base}/accounts/${account.id}/check`);
      expect(checked.statusCode).toBe(200);
      expect(checked.json()).toMatchObject({
        check: { ok: true },
        account: { limits: { maxCharacters: 1000 }, settings: { limits: { maxCharacters: 1000 } } },
      });
      const again = (await owner.get(`${base}/posts/${post.id}`)).json();
      expect(again.targets[0].check).toMatchObject({ ok: true, max: 1000, length: post.targets[0].check.length });
    } finally {
      fake.options.maxCharacters = before;
    }
    // Other networks have no limits of their own.
    const list = (await owner.get(`${base}/accounts`)).json() as Array<{ network: string; limits: unknown }>;
    expect(list.every((a) => (a.network === "mastodon" ? a.limits !== null : a.limits === null))).toBe(true);
  });
});
