import { randomUUID } from "node:crypto";
import { z } from "zod";
import { HttpError, type HttpResponse, httpClientFor } from "../../lib/http-client.js";
import { PROFILES } from "../../shared/networks/profiles.js";
import {
  type AccountSecrets,
  type ConnectedAccount,
  ConnectInputError,
  type Connector,
  type ConnectorEnv,
  ConnectorError,
  type PublishRequest,
  type PublishResult,
} from "../types.js";
import { pingBody, publishBody, resolveFlavour, WEBHOOK_FORMATS, type WebhookFlavour } from "./payload.js";
import { generateSigningSecret, signPayload } from "./signature.js";

/**
 * The generic webhook connector: Slack, Discord, Mattermost, n8n, Zapier, Make or any HTTPS endpoint.
 * Credentials are the URL (its path is a bearer secret for Slack and Discord) and our signing secret.
 * The connector makes one attempt per call (plus one immediate retry when the connection was refused, which
 * proves nothing was delivered); the scheduler owns real retries with backoff.
 */

interface WebhookCredentials {
  url: string;
  secret: string;
}

/** Timeouts for connect, headers and body come from the client's defaults (5 s, 10 s, 10 s). */
const SEND_LIMITS = {
  maxRedirects: 0, // a redirected POST could change method or leak the body elsewhere: report it instead
  maxBytes: 256 * 1024,
  totalTimeoutMs: 15_000,
};

function inputSchema(allowPrivateNetwork: boolean, env: ConnectorEnv) {
  return z
    .object({
      url: z
        .string()
        .trim()
        .max(2048)
        .pipe(z.url({ protocol: allowPrivateNetwork ? /^https?$/ : /^https$/ }))
        .superRefine((url, ctx) => {
          try {
            env.http.checkUrl(url);
          } catch (err) {
            const key = err instanceof HttpError && err.kind === "blocked_address" ? "private_address" : "invalid_url";
            ctx.addIssue({ code: "custom", message: key, params: { i18n: key } });
          }
        }),
      name: z.string().trim().min(1).max(100).optional(),
      format: z.enum(WEBHOOK_FORMATS).default("auto"),
      testPing: z.boolean().default(true),
    })
    .strict();
}

function credentialsOf(account: AccountSecrets): WebhookCredentials {
  const { url, secret } = account.credentials as Partial<WebhookCredentials>;
  if (typeof url !== "string" || typeof secret !== "string") {
    throw new ConnectorError("auth_expired", "Stored webhook credentials are incomplete");
  }
  return { url, secret };
}

function flavourOf(account: AccountSecrets, url: string): WebhookFlavour {
  const format = account.settings.format;
  return resolveFlavour(url, WEBHOOK_FORMATS.includes(format as never) ? (format as never) : "auto");
}

/** Retry-After in seconds (delta-seconds or an HTTP date), or Discord's JSON retry_after. */
export function retryAfterSeconds(res: HttpResponse, now = Date.now()): number | undefined {
  const header = res.headers["retry-after"];
  if (header) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const json = res.json<{ retry_after?: unknown }>();
  if (json && typeof json.retry_after === "number") return Math.ceil(json.retry_after);
  return undefined;
}

/** The receiver's own explanation: JSON message/error/detail, else the start of the text body. */
export function receiverMessage(res: HttpResponse): string {
  const json = res.json<Record<string, unknown>>();
  if (json && typeof json === "object") {
    for (const key of ["message", "error", "detail", "error_description"]) {
      const v = json[key];
      if (typeof v === "string" && v.trim()) return v.trim().slice(0, 500);
      if (v && typeof v === "object" && typeof (v as { message?: unknown }).message === "string") {
        return String((v as { message: string }).message).slice(0, 500);
      }
    }
  }
  const text = res.text().trim();
  return text ? text.slice(0, 500) : `HTTP ${res.status}`;
}

/** What a non-2xx status means for the scheduler. */
export function errorForStatus(res: HttpResponse): ConnectorError {
  const message = receiverMessage(res);
  const status = res.status;
  const retryAfter = retryAfterSeconds(res);
  if (status === 429) return new ConnectorError("rate_limited", message, { status, retryAfterSeconds: retryAfter });
  if (status === 408 || status === 425 || status >= 500) {
    return new ConnectorError("transient", message, { status, retryAfterSeconds: retryAfter });
  }
  // The receiver says this URL is no longer valid (Slack: revoked token or archived channel): reconnect.
  if ([401, 403, 404, 410].includes(status)) return new ConnectorError("auth_expired", message, { status });
  if (status >= 400) return new ConnectorError("content_rejected", message, { status });
  return new ConnectorError("permanent", `Unexpected answer ${status} (redirects are not followed)`, { status });
}

function errorForHttp(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof HttpError) {
    if (err.kind === "timeout" || err.kind === "network") return new ConnectorError("transient", err.message);
    if (err.kind === "blocked_address") return new ConnectorError("permanent", err.message, { code: err.kind });
    return new ConnectorError("permanent", err.message, { code: err.kind });
  }
  return new ConnectorError("transient", (err as Error)?.message ?? String(err));
}

/** Nothing reached the receiver: the connection was refused or never established. */
function neverDelivered(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  const code = (err.details.cause as { code?: string } | undefined)?.code;
  return code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT";
}

interface SendOptions {
  event: string;
  idempotencyKey: string;
  method?: "POST" | "GET";
}

async function send(env: ConnectorEnv, creds: WebhookCredentials, url: string, body: string, o: SendOptions) {
  const attempt = () => {
    const timestamp = Math.floor(Date.now() / 1000);
    if (o.method === "GET") return env.http.request(url, { ...SEND_LIMITS, method: "GET" });
    return env.http.postJson(url, body, {
      ...SEND_LIMITS,
      headers: {
        "idempotency-key": o.idempotencyKey,
        "x-relais-event": o.event,
        "x-relais-timestamp": String(timestamp),
        "x-relais-signature": signPayload(creds.secret, timestamp, body),
      },
    });
  };
  try {
    return await attempt();
  } catch (err) {
    if (!neverDelivered(err)) throw err;
    await new Promise((r) => setTimeout(r, 250));
    return attempt();
  }
}

function defaultEnv(): ConnectorEnv {
  return { http: httpClientFor({ allowPrivateNetwork: false }) };
}

function successFrom(res: HttpResponse | null, idempotencyKey: string): PublishResult {
  const json = res?.json<{ id?: unknown; url?: unknown }>();
  const id = json && (typeof json.id === "string" || typeof json.id === "number") ? String(json.id) : null;
  const url = json && typeof json.url === "string" && /^https?:\/\//.test(json.url) ? json.url : null;
  return { externalId: id ?? idempotencyKey, url, publishedAt: new Date() };
}

/** Discord answers with the created message (and its id) only when asked to wait. */
function deliveryUrl(flavour: WebhookFlavour, url: string): string {
  if (flavour !== "discord") return url;
  const u = new URL(url);
  u.searchParams.set("wait", "true");
  return u.toString();
}

const FLAVOUR_LABEL: Record<WebhookFlavour, string> = { slack: "Slack", discord: "Discord", relais: "Webhook" };

export const webhookConnector: Connector = {
  network: "webhook",
  profile: PROFILES.webhook,
  connectFields: [
    {
      name: "url",
      type: "url",
      required: true,
      labelKey: "webhookUrl",
      placeholder: "https://hooks.slack.com/services/…",
    },
    { name: "name", type: "text", required: false, labelKey: "accountName" },
    { name: "format", type: "text", required: false, labelKey: "webhookFormat" },
    { name: "testPing", type: "boolean", required: false, labelKey: "webhookTestPing" },
  ],

  async connect(input, env = defaultEnv()): Promise<ConnectedAccount> {
    const parsed = inputSchema(env.http.allowPrivateNetwork, env).safeParse(input, { reportInput: true });
    if (!parsed.success) throw new ConnectInputError(parsed.error);
    const { url, name, format, testPing } = parsed.data;
    const flavour = resolveFlavour(url, format);
    const creds: WebhookCredentials = { url, secret: generateSigningSecret() };
    if (testPing) {
      const id = randomUUID();
      const body = JSON.stringify(pingBody(flavour, id, new Date()));
      let res: HttpResponse;
      try {
        res = await send(env, creds, url, body, { event: "ping", idempotencyKey: id });
      } catch (err) {
        throw errorForHttp(err);
      }
      if (res.status < 200 || res.status >= 300) throw errorForStatus(res);
    }
    const host = new URL(url).host;
    return {
      displayName: name ?? `${FLAVOUR_LABEL[flavour]} — ${host}`,
      // The host only: the rest of a Slack or Discord URL is a secret.
      handle: host,
      externalId: null,
      avatarUrl: null,
      credentials: { ...creds },
      settings: { format },
      reveal: { signingSecret: creds.secret },
    };
  },

  async validateCredentials(account, env = defaultEnv()) {
    const creds = credentialsOf(account);
    const flavour = flavourOf(account, creds.url);
    const id = randomUUID();
    let res: HttpResponse;
    try {
      if (flavour === "discord") {
        // Discord describes a webhook on GET: no message is posted.
        res = await send(env, creds, creds.url, "", { event: "check", idempotencyKey: id, method: "GET" });
      } else if (flavour === "slack") {
        // An empty message: a live Slack hook answers 400 no_text, a revoked one 403/404/410. Nothing posted.
        res = await send(env, creds, creds.url, "{}", { event: "check", idempotencyKey: id });
      } else {
        res = await send(env, creds, creds.url, JSON.stringify(pingBody("relais", id, new Date())), {
          event: "ping",
          idempotencyKey: id,
        });
      }
    } catch (err) {
      throw errorForHttp(err);
    }
    if ([401, 403, 404, 410].includes(res.status)) return { ok: false as const, reason: receiverMessage(res) };
    if (res.status === 429 || res.status === 408 || res.status >= 500) throw errorForStatus(res);
    // Any other answer (2xx, or a 4xx about the ping's content) proves the URL is alive.
    return { ok: true as const };
  },

  async publish(account, request: PublishRequest, env = defaultEnv()): Promise<PublishResult> {
    const creds = credentialsOf(account);
    const flavour = flavourOf(account, creds.url);
    const body = JSON.stringify(publishBody(flavour, request, new Date()));
    let res: HttpResponse;
    try {
      res = await send(env, creds, deliveryUrl(flavour, creds.url), body, {
        event: "post.published",
        idempotencyKey: request.idempotencyKey,
      });
    } catch (err) {
      // A 2xx whose body was too large to read still means "received".
      if (err instanceof HttpError && err.kind === "too_large" && (err.details.status ?? 0) >= 200) {
        if ((err.details.status ?? 0) < 300) return successFrom(null, request.idempotencyKey);
      }
      throw errorForHttp(err);
    }
    if (res.status >= 200 && res.status < 300) return successFrom(res, request.idempotencyKey);
    throw errorForStatus(res);
  },
};
