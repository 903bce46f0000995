import type { LookupAddress } from "node:dns";
import dns from "node:dns";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import ipaddr from "ipaddr.js";
import { Agent, type Dispatcher, errors as undiciErrors } from "undici";
import { VERSION } from "../version.js";

/**
 * The one outbound HTTP client (DESIGN convention 8). Everything Relais fetches or posts to the outside
 * world (webhooks, feeds, network APIs) goes through here, because user-supplied URLs are an SSRF vector:
 * - every connection is checked at connect time: the host name is resolved once, every address is checked
 *   against the blocked ranges, and the socket connects to the checked address (no second resolution a
 *   DNS-rebinding server could answer differently);
 * - redirects are followed by hand, a limited number of times, and each hop goes through the same check;
 * - timeouts for connect, headers, idle body and the whole exchange; a cap on the (decompressed) body.
 * `allowPrivateNetwork` (RELAIS_ALLOW_PRIVATE_NETWORK) lifts the address check: tests and LAN-only set-ups.
 */

export type HttpErrorKind =
  | "timeout" // connect, headers, body or total time exceeded
  | "too_large" // the response body exceeded maxBytes
  | "blocked_address" // the URL or a redirect points at a private/loopback/link-local… address
  | "invalid_url" // not http(s), malformed, credentials in the URL
  | "too_many_redirects"
  | "network" // DNS failure, connection refused/reset, TLS error
  | "http_status"; // a non-2xx answer, only when the caller asked for it (throwOnHttpError)

export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly details: { url?: string; status?: number; response?: HttpResponse; cause?: unknown } = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The final URL after redirects. */
  url: string;
  redirects: number;
  text(): string;
  /** Parses the body as JSON; undefined when it is not JSON. */
  json<T = unknown>(): T | undefined;
}

export interface HttpRequestOptions {
  method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Milliseconds to establish the connection (TCP + TLS). */
  connectTimeoutMs?: number;
  /** Milliseconds until the response headers arrive. */
  headersTimeoutMs?: number;
  /** Milliseconds of silence allowed while the body streams. */
  bodyTimeoutMs?: number;
  /** Milliseconds for the whole exchange, redirects included. */
  totalTimeoutMs?: number;
  /** Largest decompressed body accepted. */
  maxBytes?: number;
  /** Redirects followed (0: a 3xx is returned as is). 303 and 301/302 after POST become GET, as browsers do. */
  maxRedirects?: number;
  /** Throw HttpError("http_status") for a non-2xx final answer instead of returning it. */
  throwOnHttpError?: boolean;
  signal?: AbortSignal;
}

const DEFAULTS = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
};

/** Why an address is refused, or null when it is public unicast. IPv4-mapped IPv6 is checked as IPv4. */
export function blockedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  const range = ip.range();
  // Only plain public unicast passes: private, loopback, link-local, unique-local, multicast, CGNAT,
  // 0.0.0.0/8, broadcast, reserved, and the v6 transition prefixes (6to4, Teredo, NAT64) that can embed
  // a private IPv4 address.
  return range === "unicast" ? null : range;
}

function blockedError(host: string, address: string, range: string): HttpError {
  return new HttpError("blocked_address", `${host} resolves to ${address} (${range}), which is not allowed`);
}

/** A net/tls `lookup` that resolves once, refuses blocked addresses, and hands back only checked ones. */
const guardedLookup = (policy: AddressPolicy) =>
  function guardedLookup(
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : Number(options.family ?? 0);
    dns.lookup(hostname, { all: true, family: family as 0 | 4 | 6 }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const range = policy(a.address);
        if (range) return callback(blockedError(hostname, a.address, range), []);
      }
      if (!addresses.length) return callback(new Error(`No address for ${hostname}`), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpError("invalid_url", "Malformed URL", { url: raw });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new HttpError("invalid_url", `Unsupported protocol ${url.protocol}`, { url: raw });
  }
  if (url.username || url.password) throw new HttpError("invalid_url", "Credentials in URL", { url: raw });
  return url;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function mapError(err: unknown, url: string): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown };
  // Our lookup's refusal reaches us as the socket error (sometimes wrapped).
  if (e?.cause instanceof HttpError) return e.cause;
  if (
    e?.name === "TimeoutError" ||
    e?.code === "UND_ERR_CONNECT_TIMEOUT" ||
    e?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    e?.code === "UND_ERR_BODY_TIMEOUT" ||
    e?.code === "ETIMEDOUT"
  ) {
    return new HttpError("timeout", `Timed out: ${e.message ?? e.code}`, { url, cause: err });
  }
  if (err instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new HttpError("too_large", "Response too large", { url, cause: err });
  }
  return new HttpError("network", e?.message || e?.code || "Network error", { url, cause: err });
}

/** Why an address is refused, or null to allow it. */
export type AddressPolicy = (address: string) => string | null;

export interface HttpClientOptions {
  /** Lift the SSRF guard (RELAIS_ALLOW_PRIVATE_NETWORK). */
  allowPrivateNetwork?: boolean;
  /** The guard's rule (default blockedRange); tests narrow it to tell loopback addresses apart. */
  addressPolicy?: AddressPolicy;
  userAgent?: string;
  defaults?: Partial<typeof DEFAULTS>;
}

export class HttpClient {
  readonly allowPrivateNetwork: boolean;
  private readonly dispatcher: Dispatcher;
  private readonly agent: Agent;
  private readonly defaults: typeof DEFAULTS;
  private readonly userAgent: string;
  private readonly policy: AddressPolicy;

  constructor(options: HttpClientOptions = {}) {
    this.allowPrivateNetwork = options.allowPrivateNetwork ?? false;
    this.policy = options.addressPolicy ?? blockedRange;
    this.defaults = { ...DEFAULTS, ...options.defaults };
    this.userAgent = options.userAgent ?? `Relais/${VERSION} (+https://github.com/relais)`;
    this.agent = new Agent({
      connect: {
        timeout: this.defaults.connectTimeoutMs,
        ...(this.allowPrivateNetwork ? {} : { lookup: guardedLookup(this.policy) as never }),
      },
      keepAliveTimeout: 10_000,
      connections: 64,
    });
    // Bodies are decoded in readCapped (gzip, deflate, br) so the size cap applies to the decoded bytes:
    // a small compressed bomb cannot fill memory. (undici's decompress interceptor is still experimental
    // and warns at runtime.)
    this.dispatcher = this.agent;
  }

  /** Checks a URL before any connection: scheme, and IP literals (net.connect skips lookup for those). */
  checkUrl(raw: string): URL {
    const url = parseUrl(raw);
    if (!this.allowPrivateNetwork) {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (ipaddr.isValid(host)) {
        const range = this.policy(host);
        if (range) throw blockedError(host, host, range);
      } else if ((host === "localhost" || host.endsWith(".localhost")) && this.policy("127.0.0.1")) {
        throw blockedError(host, "127.0.0.1", "loopback");
      }
    }
    return url;
  }

  /** One request, following redirects within the limits; every hop is checked like the first. */
  async request(rawUrl: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const total = options.totalTimeoutMs ?? this.defaults.totalTimeoutMs;
    const signals = [AbortSignal.timeout(total)];
    if (options.signal) signals.push(options.signal);
    const signal = AbortSignal.any(signals);
    const maxRedirects = options.maxRedirects ?? this.defaults.maxRedirects;
    let method = options.method ?? "GET";
    let body = options.body;
    let headers: Record<string, string> = {
      "user-agent": this.userAgent,
      "accept-encoding": "gzip, deflate, br",
      ...lowerKeys(options.headers ?? {}),
    };
    let url = rawUrl;
    for (let redirects = 0; ; redirects++) {
      const target = this.checkUrl(url);
      let res: Dispatcher.ResponseData;
      try {
        res = await this.dispatcher.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method,
          headers,
          body,
          signal,
          headersTimeout: options.headersTimeoutMs ?? this.defaults.headersTimeoutMs,
          bodyTimeout: options.bodyTimeoutMs ?? this.defaults.bodyTimeoutMs,
        });
      } catch (err) {
        throw mapError(signal.aborted && !options.signal?.aborted ? signal.reason : err, url);
      }
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && location && maxRedirects > 0) {
        await res.body.dump().catch(() => {});
        if (redirects >= maxRedirects) {
          throw new HttpError("too_many_redirects", `More than ${maxRedirects} redirects`, { url });
        }
        const next = new URL(String(location), target).toString();
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
          const { "content-type": _ct, "content-length": _cl, ...rest } = headers;
          headers = rest;
        }
        // Never carry credentials to another origin.
        if (new URL(next).origin !== target.origin) {
          const { authorization: _a, cookie: _c, ...rest } = headers;
          headers = rest;
        }
        url = next;
        continue;
      }
      const bytes = await readCapped(res, options.maxBytes ?? this.defaults.maxBytes, url, signal, options.signal);
      // (too_large errors carry the status: a caller may still act on a 2xx whose body it cannot read.)
      const response = makeResponse(res.statusCode, flattenHeaders(res.headers), bytes, url, redirects);
      if (options.throwOnHttpError && (res.statusCode < 200 || res.statusCode >= 300)) {
        throw new HttpError("http_status", `HTTP ${res.statusCode}`, { url, status: res.statusCode, response });
      }
      return response;
    }
  }

  /** POSTs a JSON body (already serialised, so a signature can cover the exact bytes). */
  postJson(url: string, json: string, options: Omit<HttpRequestOptions, "method" | "body"> = {}) {
    return this.request(url, {
      ...options,
      method: "POST",
      body: json,
      headers: { "content-type": "application/json", ...lowerKeys(options.headers ?? {}) },
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

async function readCapped(
  res: Dispatcher.ResponseData,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
  callerSignal?: AbortSignal,
): Promise<Buffer> {
  const encoding = String(res.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes && !res.headers["content-encoding"]) {
    res.body.destroy();
    throw new HttpError("too_large", `Response of ${declared} bytes exceeds ${maxBytes}`, {
      url,
      status: res.statusCode,
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const decoder = decoderFor(encoding);
  const stream: Readable = decoder ? res.body.pipe(decoder) : res.body;
  if (decoder) res.body.on("error", (err) => decoder.destroy(err));
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        decoder?.destroy();
        throw new HttpError("too_large", `Response exceeds ${maxBytes} bytes`, { url, status: res.statusCode });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw mapError(signal.aborted && !callerSignal?.aborted ? signal.reason : err, url);
  }
  return Buffer.concat(chunks);
}

function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  // Lenient flushing: some servers end compressed streams without the final block.
  if (encoding === "gzip" || encoding === "x-gzip")
    return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (encoding === "deflate") return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (encoding === "br") return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return null;
}

function makeResponse(
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  url: string,
  redirects: number,
): HttpResponse {
  return {
    status,
    headers,
    body,
    url,
    redirects,
    text: () => body.toString("utf8"),
    json<T>() {
      try {
        return JSON.parse(body.toString("utf8")) as T;
      } catch {
        return undefined;
      }
    },
  };
}

const shared = new Map<boolean, HttpClient>();

/** The process-wide client for a configuration (one connection pool per guard setting). */
export function httpClientFor(config: { allowPrivateNetwork: boolean }): HttpClient {
  let client = shared.get(config.allowPrivateNetwork);
  if (!client) {
    client = new HttpClient({ allowPrivateNetwork: config.allowPrivateNetwork });
    shared.set(config.allowPrivateNetwork, client);
  }
  return client;
}
