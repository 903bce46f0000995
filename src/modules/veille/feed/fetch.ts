import { type HttpClient, HttpError } from "../../../lib/http-client.js";
import type { DiscoveredFeed } from "./discovery.js";
import type { FeedErrorKind } from "./errors.js";
import { FeedParseError, parseFeed } from "./parse.js";
import type { NormalizedFeed } from "./types.js";

/**
 * One poll of one feed over the safe HTTP client (SSRF guard, decoded gzip/deflate/br with the size cap on
 * decoded bytes — see src/lib/http-client.ts):
 * - conditional GET with the stored ETag / Last-Modified → "not_modified" on 304;
 * - redirects followed here hop by hop (each hop still goes through the guard), so that a chain of permanent
 *   redirects (301/308) is reported in `permanentRedirect` for the caller to update the feed's URL;
 * - 410 → "gone" (stop polling); other 4xx/5xx → error "http_status";
 * - Cache-Control max-age (or Expires − Date) and Retry-After are returned in seconds for the scheduler;
 * - timeouts: headers, idle body (slow-loris: bytes trickling in still hit the total deadline), total;
 *   a body size limit; every failure classified with a kind (errors.ts) the UI can translate.
 */

export interface FetchState {
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchFeedOptions {
  /** Largest decoded body (default 5 MB). */
  maxBytes?: number;
  /** Whole fetch, redirects included (default 30 s). */
  totalTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Longest silence while the body streams (default 10 s). */
  bodyTimeoutMs?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

interface Common {
  /** The URL asked for. */
  url: string;
  /** The URL that answered (after redirects). */
  finalUrl: string;
  /** Set when the URL was permanently moved (301/308 hops only): the URL to store instead. */
  permanentRedirect: string | null;
  httpStatus: number | null;
  /** Cache-Control max-age (or Expires − Date), seconds. */
  maxAgeSeconds: number | null;
  /** Retry-After, seconds. */
  retryAfterSeconds: number | null;
  durationMs: number;
}

export type FetchResult =
  | (Common & {
      status: "ok";
      feed: NormalizedFeed;
      etag: string | null;
      lastModified: string | null;
      contentType: string | null;
      bytes: number;
    })
  | (Common & { status: "not_modified"; etag: string | null; lastModified: string | null })
  | (Common & { status: "gone" })
  | (Common & {
      status: "error";
      error: {
        kind: FeedErrorKind;
        /** i18n key of the UI catalogue (veille.feedError.<kind>); the server text is feedErrorMessage(). */
        messageKey: string;
        /** English technical detail, for logs. */
        detail: string;
        /** For not_a_feed on an HTML page: the feeds it declares, and the usual paths to try. */
        feeds?: DiscoveredFeed[];
        candidates?: string[];
      };
    });

export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1";

const DEFAULTS = { maxBytes: 5 * 1024 * 1024, totalTimeoutMs: 30_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 };

export function parseMaxAge(headers: Record<string, string>): number | null {
  const cc = headers["cache-control"];
  if (cc) {
    if (/\b(no-store|no-cache)\b/i.test(cc)) return 0;
    const m = /\bmax-age\s*=\s*"?(\d+)/i.exec(cc);
    if (m) return Number(m[1]);
  }
  const expires = headers.expires;
  if (expires) {
    const e = Date.parse(expires);
    const d = headers.date ? Date.parse(headers.date) : Date.now();
    if (Number.isFinite(e) && Number.isFinite(d)) return Math.max(0, Math.round((e - d) / 1000));
    return 0; // an invalid Expires means "already expired"
  }
  return null;
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, Math.round((t - now) / 1000)) : null;
}

function codeChain(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 6; i++) {
    const x = e as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof x.code === "string") codes.push(x.code);
    if (Array.isArray(x.errors)) for (const sub of x.errors) codes.push(...codeChain(sub));
    e = x.cause;
  }
  return codes;
}

export function classifyHttpError(err: unknown): FeedErrorKind {
  if (err instanceof HttpError) {
    switch (err.kind) {
      case "timeout":
        return "timeout";
      case "too_large":
        return "too_large";
      case "blocked_address":
        return "blocked";
      case "invalid_url":
        return "invalid_url";
      case "too_many_redirects":
        return "too_many_redirects";
      case "http_status":
        return "http_status";
      default:
        break;
    }
  }
  const codes = codeChain(err);
  const message = err instanceof Error ? err.message : String(err);
  if (
    codes.some((c) => c === "ENOTFOUND" || c === "EAI_AGAIN" || c === "EAI_NONAME") ||
    /ENOTFOUND|EAI_AGAIN/.test(message)
  )
    return "dns";
  if (codes.includes("ECONNREFUSED") || /ECONNREFUSED/.test(message)) return "refused";
  if (codes.some((c) => /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(c))) return "tls";
  if (
    codes.some((c) => c === "ECONNRESET" || c === "EPIPE" || c === "UND_ERR_SOCKET") ||
    /other side closed|ECONNRESET/i.test(message)
  )
    return "reset";
  if (codes.some((c) => c === "ETIMEDOUT" || c === "UND_ERR_CONNECT_TIMEOUT")) return "timeout";
  return "network";
}

export async function fetchFeed(
  http: HttpClient,
  url: string,
  state: FetchState = {},
  options: FetchFeedOptions = {},
): Promise<FetchResult> {
  const started = Date.now();
  const total = options.totalTimeoutMs ?? DEFAULTS.totalTimeoutMs;
  const deadline = started + total;
  const maxRedirects = options.maxRedirects ?? 5;
  const headers: Record<string, string> = { accept: FEED_ACCEPT };
  if (state.etag) headers["if-none-match"] = state.etag;
  if (state.lastModified) headers["if-modified-since"] = state.lastModified;

  let current = url;
  let permanent: string | null = null;
  let allPermanent = true;
  const common = (status: number | null, h: Record<string, string> = {}): Common => ({
    url,
    finalUrl: current,
    permanentRedirect: permanent,
    httpStatus: status,
    maxAgeSeconds: parseMaxAge(h),
    retryAfterSeconds: parseRetryAfter(h["retry-after"]),
    durationMs: Date.now() - started,
  });
  const fail = (
    kind: FeedErrorKind,
    detail: string,
    status: number | null = null,
    h: Record<string, string> = {},
    extra: { feeds?: DiscoveredFeed[]; candidates?: string[] } = {},
  ): FetchResult => ({
    ...common(status, h),
    status: "error",
    error: { kind, messageKey: `veille.feedError.${kind}`, detail, ...extra },
  });

  for (let hop = 0; ; hop++) {
    let res: Awaited<ReturnType<HttpClient["request"]>>;
    try {
      res = await http.request(current, {
        headers,
        maxRedirects: 0,
        maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
        totalTimeoutMs: Math.max(1, deadline - Date.now()),
        headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
        bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
        signal: options.signal,
      });
    } catch (err) {
      const status = err instanceof HttpError ? (err.details.status ?? null) : null;
      return fail(classifyHttpError(err), err instanceof Error ? err.message : String(err), status);
    }
    const h = res.headers;
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && h.location) {
      if (hop >= maxRedirects) return fail("too_many_redirects", `More than ${maxRedirects} redirects`, res.status, h);
      let next: string;
      try {
        next = new URL(h.location, current).toString();
      } catch {
        return fail("invalid_url", `Bad redirect location ${h.location}`, res.status, h);
      }
      if (allPermanent && (res.status === 301 || res.status === 308)) permanent = next;
      else allPermanent = false;
      current = next;
      continue;
    }
    if (res.status === 304) {
      return {
        ...common(304, h),
        status: "not_modified",
        etag: h.etag ?? state.etag ?? null,
        lastModified: h["last-modified"] ?? state.lastModified ?? null,
      };
    }
    if (res.status === 410) return { ...common(410, h), status: "gone" };
    if (res.status < 200 || res.status >= 300) return fail("http_status", `HTTP ${res.status}`, res.status, h);
    try {
      const feed = parseFeed(res.body, { url: current, contentType: h["content-type"] });
      return {
        ...common(res.status, h),
        status: "ok",
        feed,
        etag: h.etag ?? null,
        lastModified: h["last-modified"] ?? null,
        contentType: h["content-type"] ?? null,
        bytes: res.body.length,
      };
    } catch (err) {
      if (err instanceof FeedParseError)
        return fail(err.kind, err.message, res.status, h, {
          ...(err.details.feeds ? { feeds: err.details.feeds } : {}),
          ...(err.details.candidates ? { candidates: err.details.candidates } : {}),
        });
      throw err;
    }
  }
}
