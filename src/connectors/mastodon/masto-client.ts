import type { mastodon } from "masto";
import { HttpActionDispatcher } from "masto/adapters/action/dispatcher-http.js";
import { HttpActionDispatcherHookMastodon } from "masto/adapters/action/dispatcher-http-hook-mastodon.js";
import { createActionProxy } from "masto/adapters/action/proxy.js";
import { HttpConfigImpl } from "masto/adapters/config/http-config.js";
import { BaseHttp } from "masto/adapters/http/base-http.js";
import { SerializerNativeImpl } from "masto/adapters/serializers/serializer-native-impl.js";
import type { HttpRequestParams, HttpResponse as MastoResponse } from "masto/interfaces/http.js";
import { HttpError, type HttpResponse } from "../../lib/http-client.js";
import { type ConnectorEnv, ConnectorError } from "../types.js";

/**
 * masto's typed client on top of Relais' safe HTTP client. masto 7 calls the global fetch and takes no
 * custom one, so we assemble its client from its own parts (serializer, config, action proxy and the
 * Mastodon hook that waits for media processing) and give it our `Http` implementation: every request
 * goes through env.http (SSRF guard, timeouts, size cap), through the per-instance rate limiter, and
 * every non-2xx answer becomes a ConnectorError.
 */

// ---------------------------------------------------------------- rate limiting

export interface LimiterTuning {
  /** Requests in flight at once per instance. */
  concurrency: number;
  /** Below this many remaining requests (or this fraction of the limit), calls are spread until the reset. */
  lowWater: number;
  /** Longest we wait in-process for the window to reset; longer → rate_limited with retry-after. */
  maxWaitMs: number;
}

export const limiterTuning: LimiterTuning = { concurrency: 4, lowWater: 10, maxWaitMs: 10_000 };

/** What an instance told us about its rate limit, and the calls in flight to it. */
class InstanceLimiter {
  limit: number | null = null;
  remaining: number | null = null;
  resetAt = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  async acquire(): Promise<() => void> {
    if (this.inFlight >= limiterTuning.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    const release = () => {
      this.inFlight--;
      this.waiting.shift()?.();
    };
    try {
      await this.pace();
    } catch (err) {
      release();
      throw err;
    }
    if (this.remaining !== null) this.remaining--;
    return release;
  }

  private async pace(): Promise<void> {
    const now = Date.now();
    if (this.remaining === null || this.resetAt <= now) return;
    const untilReset = this.resetAt - now;
    const low = Math.max(limiterTuning.lowWater, Math.ceil((this.limit ?? 0) * 0.05));
    let delay = 0;
    if (this.remaining <= 0) delay = untilReset;
    else if (this.remaining < low) delay = Math.ceil(untilReset / (this.remaining + 1));
    if (delay <= 0) return;
    if (delay > limiterTuning.maxWaitMs) {
      throw new ConnectorError("rate_limited", "The instance's rate limit is (nearly) used up; waiting for its reset", {
        retryAfterSeconds: Math.ceil(untilReset / 1000),
        status: 429,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
  }

  update(headers: Record<string, string>): void {
    const limit = Number(headers["x-ratelimit-limit"]);
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const reset = Date.parse(headers["x-ratelimit-reset"] ?? "");
    if (Number.isFinite(limit)) this.limit = limit;
    if (Number.isFinite(remaining) && !Number.isNaN(reset)) {
      this.remaining = remaining;
      this.resetAt = reset;
    }
  }

  exhaustedUntil(resetAt: number): void {
    this.remaining = 0;
    this.resetAt = Math.max(this.resetAt, resetAt);
  }
}

const limiters = new Map<string, InstanceLimiter>();

function limiterFor(origin: string): InstanceLimiter {
  let l = limiters.get(origin);
  if (!l) {
    l = new InstanceLimiter();
    limiters.set(origin, l);
  }
  return l;
}

/** Tests: forget what instances said about their limits. */
export function resetLimiters(): void {
  limiters.clear();
}

// ---------------------------------------------------------------- errors

/** Seconds until the instance accepts calls again: Retry-After, else X-RateLimit-Reset. */
export function retryAfterOf(headers: Record<string, string>, now = Date.now()): number | undefined {
  const ra = headers["retry-after"];
  if (ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - now) / 1000));
  }
  const reset = Date.parse(headers["x-ratelimit-reset"] ?? "");
  if (!Number.isNaN(reset)) return Math.max(1, Math.ceil((reset - now) / 1000));
  return undefined;
}

/** The instance's own words: `error` (and `error_description` for OAuth). */
export function instanceMessage(res: HttpResponse): string {
  const json = res.json<{ error?: unknown; error_description?: unknown }>();
  if (json && typeof json === "object" && typeof json.error === "string") {
    const desc = typeof json.error_description === "string" ? ` — ${json.error_description}` : "";
    return `${json.error}${desc}`.slice(0, 500);
  }
  const text = res.text().trim();
  return text && text.length < 300 && !text.startsWith("<") ? text : `HTTP ${res.status}`;
}

/** What a non-2xx Mastodon answer means for the scheduler. */
export function errorForResponse(res: HttpResponse): ConnectorError {
  const status = res.status;
  const message = instanceMessage(res);
  if (status === 429) {
    return new ConnectorError("rate_limited", message, { status, retryAfterSeconds: retryAfterOf(res.headers) });
  }
  if (status === 401 || status === 403) return new ConnectorError("auth_expired", message, { status });
  if (status === 422) return new ConnectorError("content_rejected", message, { status });
  if (status === 408 || status >= 500) {
    return new ConnectorError("transient", message, { status, retryAfterSeconds: retryAfterOf(res.headers) });
  }
  return new ConnectorError("permanent", message, { status });
}

export function errorForThrown(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof HttpError) {
    if (err.kind === "timeout" || err.kind === "network") return new ConnectorError("transient", err.message);
    return new ConnectorError("permanent", err.message, { code: err.kind });
  }
  return new ConnectorError("transient", (err as Error)?.message ?? String(err));
}

// ---------------------------------------------------------------- the Http masto uses

async function bodyOf(encoding: string | undefined, serialized: unknown): Promise<{ body?: Buffer; type?: string }> {
  if (serialized === undefined || serialized === null) return {};
  if (typeof serialized === "string") {
    return { body: Buffer.from(serialized), type: encoding === "json" ? "application/json" : undefined };
  }
  if (serialized instanceof FormData) {
    // Let the platform encode the multipart body (boundary included), then send the bytes ourselves.
    const r = new Response(serialized);
    return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get("content-type") ?? undefined };
  }
  if (serialized instanceof URLSearchParams) {
    return { body: Buffer.from(serialized.toString()), type: "application/x-www-form-urlencoded" };
  }
  throw new ConnectorError("permanent", "Unsupported request body");
}

class RelaisHttp extends BaseHttp {
  constructor(
    private readonly serializer: SerializerNativeImpl,
    private readonly config: HttpConfigImpl,
    private readonly env: ConnectorEnv,
  ) {
    super();
  }

  async request<T>(params: HttpRequestParams): Promise<MastoResponse<T>> {
    const { method, path, search, encoding = "json", requestInit = {} } = params;
    const url = this.config.resolvePath(path, search);
    const init = this.config.mergeRequestInitWithDefaults(requestInit);
    const headers: Record<string, string> = { accept: "application/json" };
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const { body, type } =
      params.body === undefined
        ? {}
        : await bodyOf(encoding, this.serializer.serialize(encoding as "json", params.body));
    if (type) headers["content-type"] = type;
    const limiter = limiterFor(url.origin);
    const release = await limiter.acquire();
    let res: HttpResponse;
    try {
      res = await this.env.http.request(url.toString(), {
        method: method as "GET",
        headers,
        body,
        maxRedirects: 0,
        maxBytes: 8 * 1024 * 1024,
      });
    } catch (err) {
      throw errorForThrown(err);
    } finally {
      release();
    }
    limiter.update(res.headers);
    if (res.status === 429) limiter.exhaustedUntil(Date.now() + (retryAfterOf(res.headers) ?? 60) * 1000);
    if (res.status < 200 || res.status >= 300) throw errorForResponse(res);
    const contentType = res.headers["content-type"] ?? "";
    const text = res.text();
    let data: unknown;
    if (!text.trim()) data = {};
    else if (!contentType.includes("json")) {
      throw new ConnectorError("permanent", `Not a Mastodon API answer (${contentType || "no content type"})`, {
        status: res.status,
        code: "not_mastodon",
      });
    } else {
      try {
        data = this.serializer.deserialize("json", text);
      } catch {
        throw new ConnectorError("permanent", "Malformed JSON from the instance", { code: "not_mastodon" });
      }
    }
    return { headers: new Headers(res.headers), data: data as T };
  }
}

/** How long we wait for an uploaded video to be processed before giving up (transient: retried later). */
export const mediaTimeoutMs = { value: 120_000 };

/** masto's REST client for an instance (and a token), every call through env.http. */
export function mastoClient(env: ConnectorEnv, instanceUrl: string, accessToken?: string): mastodon.rest.Client {
  const serializer = new SerializerNativeImpl();
  const config = new HttpConfigImpl({ url: instanceUrl, accessToken }, serializer);
  const http = new RelaisHttp(serializer, config, env);
  const hook = new HttpActionDispatcherHookMastodon(http, mediaTimeoutMs.value);
  return createActionProxy<mastodon.rest.Client>(new HttpActionDispatcher(http, hook), { context: ["api"] });
}

/** masto's OAuth client (POST /oauth/token…) for an instance. */
export function mastoOAuthClient(env: ConnectorEnv, instanceUrl: string): mastodon.oauth.Client {
  const serializer = new SerializerNativeImpl();
  const config = new HttpConfigImpl({ url: instanceUrl }, serializer);
  const http = new RelaisHttp(serializer, config, env);
  const hook = new HttpActionDispatcherHookMastodon(http);
  return createActionProxy<mastodon.oauth.Client>(new HttpActionDispatcher(http, hook), { context: ["oauth"] });
}
