import type { HttpClient, HttpRequestOptions } from "../../lib/http-client.js";

/**
 * A WhatWG fetch() for @atproto/api that goes through Relais's HTTP client, so every call to a PDS or
 * AppView has the SSRF guard, timeouts and size limits of src/lib/http-client.ts. Redirects are not
 * followed (XRPC does not redirect; a redirected POST would change meaning). Errors propagate as the
 * client's HttpError (wrapped by @atproto/xrpc; errors.ts finds it in the cause chain).
 */
const LIMITS: Pick<HttpRequestOptions, "maxBytes" | "totalTimeoutMs" | "maxRedirects"> = {
  maxBytes: 16 * 1024 * 1024,
  totalTimeoutMs: 60_000,
  maxRedirects: 0,
};

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
const NULL_BODY = new Set([101, 204, 205, 304]);

export function fetchThrough(http: HttpClient): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const method = req.method.toUpperCase();
    if (!METHODS.has(method)) throw new TypeError(`Unsupported method ${method}`);
    const headers: Record<string, string> = {};
    req.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = method === "GET" || method === "HEAD" ? undefined : Buffer.from(await req.arrayBuffer());
    const res = await http.request(req.url, {
      ...LIMITS,
      method: method as HttpRequestOptions["method"],
      headers,
      ...(body?.length ? { body } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      // The client already decompressed the body.
      if (k === "content-encoding" || k === "content-length" || k === "transfer-encoding") continue;
      out.set(k, v);
    }
    return new Response(NULL_BODY.has(res.status) || method === "HEAD" ? null : new Uint8Array(res.body), {
      status: res.status,
      headers: out,
    });
  };
}
