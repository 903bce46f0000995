import { HttpError } from "../../lib/http-client.js";
import { ConnectorError } from "../types.js";

/**
 * What an error from the AT Protocol (an XRPCError from @atproto/api, or our HTTP client's HttpError
 * underneath it) means for the scheduler:
 * - 401, ExpiredToken, InvalidToken, AuthenticationRequired, AccountTakedown… → auth_expired (reconnect)
 * - 429 → rate_limited, retry after the `ratelimit-reset` header (epoch seconds) or `retry-after`
 * - 400 InvalidRequest / InvalidSwap / BlobTooLarge… (the record or blob was refused) → content_rejected
 * - network failures, timeouts, 5xx → transient
 */

interface XrpcLike {
  status?: unknown;
  error?: unknown;
  message?: unknown;
  headers?: unknown;
  cause?: unknown;
}

const AUTH_ERRORS = new Set([
  "ExpiredToken",
  "InvalidToken",
  "AuthenticationRequired",
  "AuthMissing",
  "AccountTakedown",
  "AccountDeactivated",
  "InvalidPassword",
  "BadJwt",
]);

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof v === "string" ? v : Array.isArray(v) ? String(v[0]) : undefined;
}

/** Seconds to wait before retrying after a 429: `ratelimit-reset` (epoch seconds), else `retry-after`. */
export function retryAfterFrom(headers: unknown, now = Date.now()): number | undefined {
  const reset = Number(header(headers, "ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - now / 1000));
  const after = header(headers, "retry-after");
  if (after) {
    const secs = Number(after);
    if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  return undefined;
}

function findHttpError(err: unknown): HttpError | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof HttpError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function toConnectorError(err: unknown, now = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const http = findHttpError(err);
  if (http) {
    if (http.kind === "blocked_address" || http.kind === "invalid_url") {
      return new ConnectorError("permanent", http.message, { code: http.kind });
    }
    return new ConnectorError("transient", http.message, { code: http.kind });
  }
  const x = (err ?? {}) as XrpcLike;
  const status = typeof x.status === "number" ? x.status : undefined;
  const code = typeof x.error === "string" ? x.error : undefined;
  const message =
    (typeof x.message === "string" && x.message.trim() ? x.message.trim() : code) ??
    (err instanceof Error ? err.message : String(err));
  const opts = { ...(status !== undefined ? { status } : {}), ...(code ? { code } : {}) };
  if (status === 429 || code === "RateLimitExceeded") {
    return new ConnectorError("rate_limited", message, { ...opts, retryAfterSeconds: retryAfterFrom(x.headers, now) });
  }
  if (status === 401 || status === 403 || (code && AUTH_ERRORS.has(code))) {
    return new ConnectorError("auth_expired", message, opts);
  }
  if (status === 408 || (status !== undefined && status >= 500)) return new ConnectorError("transient", message, opts);
  if (status === 400 || status === 413 || status === 422) return new ConnectorError("content_rejected", message, opts);
  // @atproto/xrpc reports a fetch that threw (connection refused, reset…) with status 1 (Unknown).
  if (status === undefined || status < 100) return new ConnectorError("transient", message, opts);
  return new ConnectorError("permanent", message, opts);
}
