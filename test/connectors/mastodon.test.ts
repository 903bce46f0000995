import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { limiterTuning, resetLimiters } from "../../src/connectors/mastodon/masto-client.js";
import { mastodonConnector as connector, partKey } from "../../src/connectors/mastodon/mastodon.connector.js";
import { splitThread } from "../../src/connectors/mastodon/thread.js";
import {
  type AccountSecrets,
  ConnectInputError,
  type ConnectorEnv,
  ConnectorError,
  type PublishMedia,
  type PublishRequest,
} from "../../src/connectors/types.js";
import { HttpClient } from "../../src/lib/http-client.js";
import { mastodonLength } from "../../src/shared/networks/text-length.js";
import { FakeMastodon } from "../peers/mastodon/fake-instance.js";

/** The Mastodon connector against the fake instance built from the published API description. */
let fake: FakeMastodon;
const env: ConnectorEnv = { http: new HttpClient({ allowPrivateNetwork: true }) };
const strictEnv: ConnectorEnv = { http: new HttpClient() };

beforeAll(async () => {
  fake = new FakeMastodon({ mediaProcessingPolls: 1, rateLimit: 5000 });
  await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  resetLimiters();
  fake.clearFaults();
});
afterEach(() => {
  // Every request Relais sent and every answer the fake gave conformed to the description.
  expect(fake.violations.splice(0)).toEqual([]);
});

const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
  idempotencyKey: `idem-${Math.random().toString(36).slice(2)}`,
  postId: "0b6c4f0e-0000-4000-8000-000000000001",
  targetId: "0b6c4f0e-0000-4000-8000-000000000002",
  workspaceId: "0b6c4f0e-0000-4000-8000-000000000003",
  text: "Nocturne au musée ce jeudi 🌙✨ — entrée libre ! #musée",
  linkUrl: null,
  media: [],
  options: {},
  scheduledAt: new Date(),
  ...over,
});

function image(id: string, alt: string, focus?: { x: number; y: number }): PublishMedia {
  const bytes = Buffer.from(`fake-png-${id}`);
  return {
    id,
    kind: "image",
    mimeType: "image/png",
    sizeBytes: bytes.length,
    width: 10,
    height: 10,
    altText: alt,
    url: `http://127.0.0.1/media/${id}`,
    read: async () => bytes,
    ...(focus ? { focus } : {}),
  } as PublishMedia;
}

async function account(): Promise<AccountSecrets> {
  const a = await connector.connect({ instanceUrl: fake.url, accessToken: fake.issueToken() }, env);
  return { credentials: a.credentials, settings: a.settings };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe("connect with a pasted token", () => {
  it("verifies the token, reads the instance's limits and stores them", async () => {
    const token = fake.issueToken();
    const a = await connector.connect({ instanceUrl: `${fake.url}/`, accessToken: token, name: "Musée 🌿" }, env);
    expect(a.displayName).toBe("Musée 🌿");
    expect(a.handle).toBe(`@relais@${new URL(fake.url).host}`);
    expect(a.externalId).toBe(fake.me.id);
    expect(a.credentials).toEqual({ instanceUrl: fake.url, accessToken: token });
    expect(a.settings).toMatchObject({
      instanceUrl: fake.url,
      instanceTitle: "Fake Mastodon",
      limits: { maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23, descriptionLimit: 1500 },
    });
  });

  it("refuses a bad instance URL, a private one when private networks are not allowed, and plain http", async () => {
    const bad = await failure(connector.connect({ instanceUrl: "not a url at all", accessToken: "x" }, env));
    expect(bad).toBeInstanceOf(ConnectInputError);
    const priv = (await failure(
      connector.connect({ instanceUrl: fake.url, accessToken: "x" }, strictEnv),
    )) as ConnectInputError;
    expect(priv).toBeInstanceOf(ConnectInputError);
    // Plain http is refused outright without the private-network allowance.
    expect((priv.error.issues[0] as { params?: unknown })?.params).toEqual({ i18n: "invalid_url" });
    expect(priv.error.issues[0]?.path).toEqual(["instanceUrl"]);
  });

  it("rejects something that is not a Mastodon instance with not_mastodon", async () => {
    const http = await import("node:http");
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Mon blog</body></html>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const err = (await failure(
        connector.connect({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: "x" }, env),
      )) as ConnectInputError;
      expect(err).toBeInstanceOf(ConnectInputError);
      expect((err.error.issues[0] as { params?: unknown })?.params).toEqual({ i18n: "not_mastodon" });
    } finally {
      server.close();
    }
  });

  it("a refused token is auth_expired", async () => {
    const err = (await failure(
      connector.connect({ instanceUrl: fake.url, accessToken: "tok_wrong" }, env),
    )) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.kind).toBe("auth_expired");
    expect(err.networkMessage).toBe("The access token is invalid");
  });
});

describe("publish", () => {
  it("posts text with visibility, content warning and language, with an Idempotency-Key", async () => {
    const acc = await account();
    const req = request({
      options: { mastodon: { visibility: "unlisted", spoilerText: "Spoiler 🎭", language: "fr" } },
    });
    const result = await connector.publish(acc, req, env);
    const s = fake.statuses.get(result.externalId)!;
    expect(s.text).toBe(req.text);
    expect(s.visibility).toBe("unlisted");
    expect(s.spoilerText).toBe("Spoiler 🎭");
    expect(s.language).toBe("fr");
    expect(s.idempotencyKey).toBe(req.idempotencyKey);
    expect(result.url).toBe(`${fake.url}/@relais/${s.id}`);
    const sent = fake.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/statuses").at(-1)!;
    expect(sent.headers["idempotency-key"]).toBe(req.idempotencyKey);
  });

  it("uploads media with alt text and focus, waits for processing (202 → 206 → 200), then attaches them", async () => {
    const acc = await account();
    const media = [image("m1", "Une affiche « Nocturne » 🌙", { x: 0.25, y: -0.5 }), image("m2", "La façade du musée")];
    const result = await connector.publish(acc, request({ media }), env);
    const s = fake.statuses.get(result.externalId)!;
    expect(s.mediaIds).toHaveLength(2);
    const [a, b] = s.mediaIds.map((id) => fake.media.get(id)!);
    expect(a!.description).toBe("Une affiche « Nocturne » 🌙");
    expect(a!.focus).toBe("0.25,-0.50");
    expect(b!.description).toBe("La façade du musée");
    expect(b!.focus).toBeNull();
    // The status was created after the processing polls (the fake refuses unprocessed media).
    expect(fake.requests.filter((r) => r.path.startsWith("/api/v1/media/")).length).toBeGreaterThanOrEqual(2);
  });

  it("splits a long text into a numbered reply chain, each part within the limit and with its own key", async () => {
    const acc = await account();
    const sentence = "Le festival d'automne ouvre ses portes avec des concerts, des ateliers et des balades 🍂. ";
    const text = sentence.repeat(14).trim();
    const req = request({ text, options: { visibility: "public", thread: true } });
    const result = await connector.publish(acc, req, env);
    const chain = fake.liveStatuses().filter((s) => s.idempotencyKey?.startsWith(req.idempotencyKey));
    expect(chain.length).toBeGreaterThan(1);
    expect(chain[0]!.id).toBe(result.externalId);
    expect(result.threadExternalIds).toEqual(chain.slice(1).map((s) => s.id));
    chain.forEach((s, i) => {
      expect(s.idempotencyKey).toBe(partKey(req.idempotencyKey, i));
      expect(s.text.endsWith(`(${i + 1}/${chain.length})`)).toBe(true);
      expect(mastodonLength(s.text)).toBeLessThanOrEqual(500);
      expect(s.inReplyToId).toBe(i === 0 ? null : chain[i - 1]!.id);
      expect(s.visibility).toBe(i === 0 ? "public" : "unlisted");
    });
    // Nothing lost: the parts put together give the text back.
    const joined = chain.map((s) => s.text.replace(/ \(\d+\/\d+\)$/, "")).join(" ");
    expect(joined.replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
  });

  it("respects a smaller instance limit stored at connect time, and refuses before any call without a thread", async () => {
    const small = new FakeMastodon({ maxCharacters: 100, maxMediaAttachments: 1 });
    await small.start();
    try {
      const a = await connector.connect({ instanceUrl: small.url, accessToken: small.issueToken() }, env);
      const acc = { credentials: a.credentials, settings: a.settings };
      expect(a.settings.limits).toMatchObject({ maxCharacters: 100, maxMediaAttachments: 1 });
      const before = small.requests.length;
      const long = "é".repeat(150);
      const err = (await failure(connector.publish(acc, request({ text: long }), env))) as ConnectorError;
      expect(err.kind).toBe("content_rejected");
      const tooMany = (await failure(
        connector.publish(acc, request({ media: [image("a", "a"), image("b", "b")] }), env),
      )) as ConnectorError;
      expect(tooMany.kind).toBe("content_rejected");
      expect(small.requests.length).toBe(before);
      // With a thread asked for, the same text becomes two parts of at most 100 characters.
      const ok = await connector.publish(acc, request({ text: long, options: { thread: true } }), env);
      expect(small.liveStatuses()).toHaveLength(2);
      expect(small.statuses.get(ok.externalId)!.text.endsWith("(1/2)")).toBe(true);
      expect(small.violations).toEqual([]);
    } finally {
      await small.stop();
    }
  });

  it("a lost answer then a retry replays the Idempotency-Key: exactly one status", async () => {
    const acc = await account();
    const req = request({ text: "Une seule fois, promis 🤞" });
    fake.inject({ method: "POST", path: /^\/api\/v1\/statuses$/, dropAfterHandling: true });
    const err = (await failure(connector.publish(acc, req, env))) as ConnectorError;
    expect(err.kind).toBe("transient");
    const retry = await connector.publish(acc, req, env);
    const matching = fake.liveStatuses().filter((s) => s.text === req.text);
    expect(matching).toHaveLength(1);
    expect(retry.externalId).toBe(matching[0]!.id);
  });

  it("maps 422 to content_rejected with the instance's words, 401 to auth_expired, 503 to transient", async () => {
    const acc = await account();
    fake.inject({
      method: "POST",
      path: /statuses$/,
      status: 422,
      body: { error: "Validation failed: Text contient un mot interdit" },
    });
    const rejected = (await failure(connector.publish(acc, request(), env))) as ConnectorError;
    expect(rejected.kind).toBe("content_rejected");
    expect(rejected.networkMessage).toBe("Validation failed: Text contient un mot interdit");
    fake.inject({ method: "POST", path: /statuses$/, status: 503, body: { error: "Service Unavailable" } });
    expect(((await failure(connector.publish(acc, request(), env))) as ConnectorError).kind).toBe("transient");
    const revoked = { ...acc, credentials: { ...acc.credentials, accessToken: "tok_revoked" } };
    const auth = (await failure(connector.publish(revoked, request(), env))) as ConnectorError;
    expect(auth.kind).toBe("auth_expired");
    expect(await connector.validateCredentials(revoked, env)).toEqual({
      ok: false,
      reason: "The access token is invalid",
    });
    // A working token: the instance's title and limits are read again (they may have changed since).
    expect(await connector.validateCredentials(acc, env)).toEqual({
      ok: true,
      settings: { instanceTitle: "Fake Mastodon", limits: expect.objectContaining({ maxCharacters: 500 }) },
    });
  });

  it("a refused connection is transient", async () => {
    const acc = await account();
    const dead = { ...acc, credentials: { ...acc.credentials, instanceUrl: "http://127.0.0.1:1" } };
    expect(((await failure(connector.publish(dead, request(), env))) as ConnectorError).kind).toBe("transient");
  });
});

describe("rate limits", () => {
  it("429 → rate_limited with retry-after from X-RateLimit-Reset, and later calls wait instead of hammering", async () => {
    const acc = await account();
    const reset = new Date(Date.now() + 120_000);
    fake.inject({
      method: "POST",
      path: /statuses$/,
      status: 429,
      body: { error: "Too many requests" },
      headers: { "x-ratelimit-limit": "300", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset.toISOString() },
    });
    const err = (await failure(connector.publish(acc, request(), env))) as ConnectorError;
    expect(err.kind).toBe("rate_limited");
    expect(err.options.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(err.options.retryAfterSeconds).toBeLessThanOrEqual(121);
    // The limiter remembers: the next call is refused in-process, nothing reaches the instance.
    const before = fake.requests.length;
    const again = (await failure(connector.publish(acc, request(), env))) as ConnectorError;
    expect(again.kind).toBe("rate_limited");
    expect(fake.requests.length).toBe(before);
  });

  it("paces calls when few requests remain before a near reset", async () => {
    const acc = await account();
    resetLimiters();
    const saved = { ...limiterTuning };
    fake.rate.remaining = 3;
    fake.rate.resetAt = new Date(Date.now() + 1500);
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) await connector.readAccountMetrics!(acc, env);
      // 2 remaining → spread over the ~1.5 s left: the calls took time instead of bursting.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    } finally {
      Object.assign(limiterTuning, saved);
      fake.rate.remaining = fake.rate.limit;
      fake.rate.resetAt = new Date(Date.now() + 300_000);
    }
  });
});

describe("delete and lookup", () => {
  it("deletes a status (and an already deleted one is fine)", async () => {
    const acc = await account();
    const r = await connector.publish(acc, request({ text: "À supprimer" }), env);
    await connector.delete!(acc, r.externalId, env);
    expect(fake.statuses.get(r.externalId)!.deleted).toBe(true);
    await connector.delete!(acc, r.externalId, env);
  });

  it("lookup finds a status with exactly our text, and nothing otherwise", async () => {
    const acc = await account();
    const req = request({ text: "Publication retrouvée après un plantage 💥" });
    const r = await connector.publish(acc, req, env);
    expect(await connector.lookup!(acc, req, env)).toMatchObject({ externalId: r.externalId });
    expect(await connector.lookup!(acc, request({ text: "Jamais publiée" }), env)).toBeNull();
  });
});

describe("reading", () => {
  it("reads replies, mentions, favourites, boosts and follows, newest first, paging with the Link header", async () => {
    const acc = await account();
    const r = await connector.publish(acc, request({ text: "Votre avis sur la nocturne ?" }), env);
    const alice = fake.addAccount("alice", "Alice Émoji 🎉");
    fake.favourite(alice, r.externalId);
    fake.reblog(alice, r.externalId);
    const reply = fake.post(alice, "@relais C'était génial ! 😍", { inReplyToId: r.externalId });
    fake.post(alice, "@relais une question à part", { mention: true });
    fake.follow(alice);
    const page1 = await connector.readInteractions!(acc, { cursor: null, limit: 3 }, env);
    expect(page1.items.map((i) => i.kind)).toEqual(["follow", "mention", "reply"]);
    expect(page1.items[2]).toMatchObject({
      kind: "reply",
      text: "@relais C'était génial ! 😍",
      subjectExternalId: r.externalId,
      authorHandle: "alice",
      authorName: "Alice Émoji 🎉",
      url: `${fake.url}/@alice/${reply.id}`,
    });
    expect(page1.items[1]!.subjectExternalId).toBeNull();
    expect(page1.cursor).toBeTruthy();
    const page2 = await connector.readInteractions!(acc, { cursor: page1.cursor, limit: 3 }, env);
    expect(page2.items.map((i) => [i.kind, i.subjectExternalId])).toEqual([
      ["repost", r.externalId],
      ["like", r.externalId],
    ]);
    const ids = [...page1.items, ...page2.items].map((i) => i.externalId);
    expect(new Set(ids).size).toBe(5);
    const notifRequest = fake.requests.filter((q) => q.path === "/api/v1/notifications").at(-1)!;
    expect(notifRequest.query["types[]"]).toEqual(expect.arrayContaining(["mention", "favourite", "reblog", "follow"]));
  });

  it("reads post metrics in batches and account metrics", async () => {
    const acc = await account();
    const a = await connector.publish(acc, request({ text: "Premier" }), env);
    const b = await connector.publish(acc, request({ text: "Second" }), env);
    const bob = fake.addAccount("bob", "Bob");
    fake.favourite(bob, a.externalId);
    fake.favourite(bob, a.externalId);
    fake.reblog(bob, b.externalId);
    fake.post(bob, "@relais bravo", { inReplyToId: b.externalId });
    const m = await connector.readPostMetrics!(acc, [a.externalId, b.externalId, "999"], env);
    expect(m.get(a.externalId)).toMatchObject({ likes: 2, reposts: 0, replies: 0 });
    expect(m.get(b.externalId)).toMatchObject({ likes: 0, reposts: 1, replies: 1 });
    expect(m.has("999")).toBe(false);
    const followersBefore = fake.me.followers;
    fake.follow(bob);
    expect(await connector.readAccountMetrics!(acc, env)).toMatchObject({ followers: followersBefore + 1 });
  });

  it("searches keywords and hashtag timelines", async () => {
    const acc = await account();
    const carol = fake.addAccount("carol", "Carol");
    fake.post(carol, "Le vélo en ville, quelle liberté #mobilité 🚲");
    fake.post(carol, "Rien à voir");
    const words = await connector.search!(acc, { q: "vélo", limit: 10 }, env);
    expect(words.items.map((i) => i.text)).toEqual(["Le vélo en ville, quelle liberté #mobilité 🚲"]);
    expect(words.items[0]).toMatchObject({ authorHandle: "carol", metrics: { likes: 0 } });
    const tag = await connector.search!(acc, { q: "#mobilité", limit: 10 }, env);
    expect(tag.items).toHaveLength(1);
    expect(fake.requests.some((r) => r.path.startsWith("/api/v1/timelines/tag/"))).toBe(true);
  });
});

describe("thread splitting", () => {
  it("keeps a text within the limit whole and splits words never mid-word", () => {
    expect(splitThread("Court 🌿", 500)).toEqual(["Court 🌿"]);
    const parts = splitThread(`${"mot ".repeat(200)}fin`, 100);
    for (const p of parts) {
      expect(mastodonLength(p)).toBeLessThanOrEqual(100);
      expect(
        p
          .replace(/ \(\d+\/\d+\)$/, "")
          .split(" ")
          .every((w) => w === "mot" || w === "fin"),
      ).toBe(true);
    }
  });

  it("counts URLs as the instance's reserved length", () => {
    const url = `https://example.org/${"x".repeat(200)}`;
    expect(splitThread(`Voir ${url}`, 50)).toEqual([`Voir ${url}`]);
  });
});
