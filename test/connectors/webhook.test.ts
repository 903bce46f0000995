import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ConnectorEnv, ConnectorError, type PublishRequest } from "../../src/connectors/types.js";
import { webhookConnector as connector } from "../../src/connectors/webhook/webhook.connector.js";
import { HttpClient } from "../../src/lib/http-client.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";

/** The webhook connector against a loopback receiver: what is sent, how it is signed, what answers mean. */
let rx: WebhookReceiver;
const env: ConnectorEnv = { http: new HttpClient({ allowPrivateNetwork: true }) };
const strictEnv: ConnectorEnv = { http: new HttpClient() };

beforeAll(async () => {
  rx = await startWebhookReceiver();
});
afterAll(() => rx.close());
beforeEach(() => rx.reset());

const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
  idempotencyKey: "5b0e1c2a-idem-key",
  postId: "0b6c4f0e-0000-4000-8000-000000000001",
  targetId: "0b6c4f0e-0000-4000-8000-000000000002",
  workspaceId: "0b6c4f0e-0000-4000-8000-000000000003",
  text: "Nocturne au musée ce jeudi 🌙✨ — entrée libre !",
  linkUrl: "https://musee.example/nocturne",
  media: [],
  options: {},
  scheduledAt: new Date("2026-10-25T18:00:00Z"),
  ...over,
});

async function account(path = "/hook", extra: Record<string, unknown> = {}) {
  const a = await connector.connect({ url: rx.url(path), testPing: false, ...extra }, env);
  return { credentials: a.credentials, settings: a.settings, secret: a.reveal!.signingSecret! };
}

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe("publish", () => {
  it("posts the Relais event with its headers and a verifiable signature", async () => {
    const acc = await account("/n8n");
    const result = await connector.publish(acc, request(), env);
    expect(result.externalId).toBe("5b0e1c2a-idem-key");
    expect(result.url).toBeNull();
    const [req] = await rx.waitFor(1);
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe("/n8n");
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["idempotency-key"]).toBe("5b0e1c2a-idem-key");
    expect(req!.headers["x-relais-event"]).toBe("post.published");
    expect(Math.abs(Number(req!.headers["x-relais-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
    expect(req!.headers["x-relais-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(rx.verify(req!, acc.secret)).toBe(true);
    expect(req!.json).toMatchObject({
      type: "post.published",
      version: 1,
      id: "5b0e1c2a-idem-key",
      post: { text: "Nocturne au musée ce jeudi 🌙✨ — entrée libre !", link: "https://musee.example/nocturne" },
    });
  });

  it("keeps the Idempotency-Key stable across retries of the same target; new timestamp and signature", async () => {
    const acc = await account();
    rx.respondNext({ status: 503 }, { status: 502 });
    for (let i = 0; i < 2; i++) await failure(connector.publish(acc, request(), env));
    await connector.publish(acc, request(), env);
    const reqs = await rx.waitFor(3);
    expect(new Set(reqs.map((r) => r.headers["idempotency-key"]))).toEqual(new Set(["5b0e1c2a-idem-key"]));
    for (const r of reqs) expect(rx.verify(r, acc.secret)).toBe(true);
    expect(reqs[0]!.body).not.toBe("");
    await connector.publish(acc, request({ idempotencyKey: "other-target" }), env);
    expect(rx.requests[3]!.headers["idempotency-key"]).toBe("other-target");
  });

  it("uses the receiver's id and url when it returns them", async () => {
    rx.respondWith({ status: 201, body: { id: 98765, url: "https://intranet.example/posts/98765" } });
    const result = await connector.publish(await account(), request(), env);
    expect(result).toMatchObject({ externalId: "98765", url: "https://intranet.example/posts/98765" });
    rx.respondWith({ status: 200, body: { url: "javascript:alert(1)" } });
    expect((await connector.publish(await account(), request(), env)).url).toBeNull();
  });

  it("sends Slack's body to a Slack-format URL", async () => {
    const acc = await account("/slack", { format: "slack" });
    await connector.publish(acc, request({ text: "Fête <des> lumières & co" }), env);
    const [req] = await rx.waitFor(1);
    expect(req!.json).toEqual({
      text: "Fête &lt;des&gt; lumières &amp; co\n\n<https://musee.example/nocturne>",
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: "Fête &lt;des&gt; lumières &amp; co\n\n<https://musee.example/nocturne>" },
        },
      ],
    });
  });

  it("sends Discord's body, waits for the message and keeps its id", async () => {
    rx.respondWith({ status: 200, body: { id: "112233445566", channel_id: "42", content: "…" } });
    const acc = await account("/api/webhooks/1/tok", { format: "discord" });
    const result = await connector.publish(acc, request(), env);
    const [req] = await rx.waitFor(1);
    expect(req!.path).toBe("/api/webhooks/1/tok?wait=true");
    expect(req!.json).toEqual({
      content: "Nocturne au musée ce jeudi 🌙✨ — entrée libre !\n\nhttps://musee.example/nocturne",
      embeds: [],
      allowed_mentions: { parse: [] },
    });
    expect(result.externalId).toBe("112233445566");
  });
});

describe("error mapping", () => {
  it("5xx, 408 and network errors are transient", async () => {
    const acc = await account();
    rx.respondNext({ status: 500, body: { message: "boom" } }, { status: 408 }, { drop: true });
    let err = await failure(connector.publish(acc, request(), env));
    expect(err).toMatchObject({ kind: "transient", networkMessage: "boom" });
    expect(err.retryable).toBe(true);
    err = await failure(connector.publish(acc, request(), env));
    expect(err.kind).toBe("transient");
    err = await failure(connector.publish(acc, request(), env));
    expect(err.kind).toBe("transient");
  });

  it("a refused connection is retried once in the call (nothing was delivered), then transient", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const acc = await connector.connect({ url: `http://127.0.0.1:${port}/gone`, testPing: false }, env);
    const started = Date.now();
    const err = await failure(connector.publish(acc, request(), env));
    expect(err.kind).toBe("transient");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200); // the pause before the second attempt
  });

  it("429 is rate_limited with Retry-After in seconds or as a date, or Discord's retry_after", async () => {
    const acc = await account();
    rx.respondNext(
      { status: 429, headers: { "retry-after": "120" }, body: "slow down" },
      { status: 429, headers: { "retry-after": new Date(Date.now() + 30_000).toUTCString() } },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 2.5 } },
    );
    let err = await failure(connector.publish(acc, request(), env));
    expect(err).toMatchObject({ kind: "rate_limited", networkMessage: "slow down" });
    expect(err.options.retryAfterSeconds).toBe(120);
    err = await failure(connector.publish(acc, request(), env));
    expect(err.options.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(err.options.retryAfterSeconds).toBeLessThanOrEqual(31);
    err = await failure(connector.publish(acc, request(), env));
    expect(err.options.retryAfterSeconds).toBe(3);
  });

  it("401/403/404/410 mean the URL was revoked: auth_expired", async () => {
    const acc = await account();
    for (const status of [401, 403, 404, 410]) {
      rx.respondNext({ status, body: "channel_is_archived" });
      const err = await failure(connector.publish(acc, request(), env));
      expect({ status, kind: err.kind, msg: err.networkMessage }).toEqual({
        status,
        kind: "auth_expired",
        msg: "channel_is_archived",
      });
      expect(err.retryable).toBe(false);
    }
  });

  it("other 4xx are content_rejected with the receiver's message", async () => {
    const acc = await account();
    rx.respondNext(
      { status: 422, body: { error: { message: "Le texte dépasse 2 000 caractères" } } },
      { status: 400, body: { content: ["Must be 2000 or fewer in length."], message: "Invalid Form Body" } },
    );
    let err = await failure(connector.publish(acc, request(), env));
    expect(err).toMatchObject({ kind: "content_rejected", networkMessage: "Le texte dépasse 2 000 caractères" });
    expect(err.options.status).toBe(422);
    err = await failure(connector.publish(acc, request(), env));
    expect(err).toMatchObject({ kind: "content_rejected", networkMessage: "Invalid Form Body" });
  });

  it("a redirect is not followed and fails permanently", async () => {
    rx.respondWith({ status: 301, headers: { location: "https://elsewhere.example/" } });
    const err = await failure(connector.publish(await account(), request(), env));
    expect(err.kind).toBe("permanent");
    expect(rx.requests).toHaveLength(1);
  });

  it("with the guard on, a loopback URL is refused without sending anything", async () => {
    const acc = await account();
    const err = await failure(connector.publish(acc, request(), strictEnv));
    expect(err.kind).toBe("permanent");
    expect(err.options.code).toBe("blocked_address");
    expect(rx.requests).toHaveLength(0);
  });

  it("a timeout is transient", async () => {
    rx.respondWith({ status: 200, delayMs: 5_000 });
    const slow: ConnectorEnv = {
      http: new HttpClient({ allowPrivateNetwork: true, defaults: { headersTimeoutMs: 300 } }),
    };
    const acc = await account();
    const started = Date.now();
    const p = connector.publish(acc, request(), slow);
    const err = await failure(p);
    expect(err.kind).toBe("transient");
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe("connect and validate", () => {
  it("refuses http:// and private addresses when the guard is on", async () => {
    for (const url of ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://[::ffff:10.0.0.1]/x"]) {
      const err = await connector.connect({ url, testPing: false }, strictEnv).catch((e) => e);
      expect(err.name, url).toBe("ConnectInputError");
    }
    const ok = await connector.connect({ url: "https://hooks.slack.com/services/T/B/X", testPing: false }, strictEnv);
    expect(ok.settings).toEqual({ format: "auto" });
    expect(ok.handle).toBe("hooks.slack.com");
  });

  it("validates without posting a message: Slack empty body, Discord GET, Relais ping", async () => {
    const slack = await account("/slack", { format: "slack" });
    rx.respondNext({ status: 400, body: "no_text" });
    expect(await connector.validateCredentials(slack, env)).toEqual({ ok: true });
    expect(rx.requests[0]!.body).toBe("{}");
    rx.respondNext({ status: 404, body: "no_service" });
    expect(await connector.validateCredentials(slack, env)).toEqual({ ok: false, reason: "no_service" });

    const discord = await account("/api/webhooks/1/t", { format: "discord" });
    rx.respondNext({ status: 200, body: { id: "1", name: "Relais" } });
    expect(await connector.validateCredentials(discord, env)).toEqual({ ok: true });
    expect(rx.requests[2]!.method).toBe("GET");

    const relais = await account("/generic");
    expect(await connector.validateCredentials(relais, env)).toEqual({ ok: true });
    expect(rx.requests[3]!.json).toMatchObject({ type: "ping" });
    rx.respondNext({ status: 502 });
    expect((await failure(connector.validateCredentials(relais, env))).kind).toBe("transient");
  });
});
