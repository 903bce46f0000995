import dns from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { blockedRange, HttpClient, HttpError } from "./http-client.js";

/** Loopback servers on 127.0.0.1 and 127.0.0.2 (both loopback on Linux) so redirects can cross "hosts". */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end("ok");
const hits: string[] = [];
let a: http.Server;
let b: http.Server;
let portA = 0;
let portB = 0;

function listen(host: string, tag: string): Promise<[http.Server, number]> {
  const server = http.createServer((req, res) => {
    hits.push(`${tag} ${req.method} ${req.url}`);
    handler(req, res);
  });
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve([server, (server.address() as AddressInfo).port])),
  );
}

beforeAll(async () => {
  [a, portA] = await listen("127.0.0.1", "A");
  [b, portB] = await listen("127.0.0.2", "B");
});
afterAll(async () => {
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
afterEach(() => {
  hits.length = 0;
  handler = (_req, res) => res.end("ok");
  vi.restoreAllMocks();
});

const open = new HttpClient({ allowPrivateNetwork: true });
const strict = new HttpClient();
/** The guard on, but 127.0.0.1 treated as public: lets a test start at A and be redirected elsewhere. */
const onlyA = new HttpClient({ addressPolicy: (ip) => (ip === "127.0.0.1" ? null : blockedRange(ip)) });

async function failure(p: Promise<unknown>): Promise<HttpError> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

describe("blockedRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.1.2.3", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["2002:7f00:1::", "6to4"],
    ["64:ff9b::a00:1", "rfc6052"],
  ])("refuses %s (%s)", (ip, range) => {
    expect(blockedRange(ip)).toBe(range);
  });
  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows %s", (ip) => {
    expect(blockedRange(ip)).toBeNull();
  });
});

describe("SSRF guard", () => {
  it("refuses loopback literals, localhost and bad schemes before connecting", async () => {
    for (const url of [`http://127.0.0.1:${portA}/`, `http://[::1]:${portA}/`, `http://localhost:${portA}/`]) {
      expect((await failure(strict.request(url))).kind, url).toBe("blocked_address");
    }
    expect((await failure(strict.request(`http://0x7f.1:${portA}/`))).kind).toBe("blocked_address");
    expect((await failure(strict.request("file:///etc/passwd"))).kind).toBe("invalid_url");
    expect((await failure(strict.request(`http://user:pw@127.0.0.1:${portA}/`))).kind).toBe("invalid_url");
    expect(hits).toEqual([]);
  });

  it("refuses a DNS name that resolves to a private address, resolving once", async () => {
    const spy = vi
      .spyOn(dns, "lookup")
      .mockImplementation(((_host: string, _opts: unknown, cb: (e: Error | null, a: dns.LookupAddress[]) => void) =>
        cb(null, [{ address: "127.0.0.1", family: 4 }])) as never);
    const err = await failure(strict.request(`http://rebind.example:${portA}/`));
    expect(err.kind).toBe("blocked_address");
    expect(err.message).toContain("127.0.0.1");
    expect(spy).toHaveBeenCalledTimes(1);
    expect(hits).toEqual([]);
  });

  it("refuses a name when any of its addresses is private", async () => {
    vi.spyOn(dns, "lookup").mockImplementation(((
      _h: string,
      _o: unknown,
      cb: (e: Error | null, a: dns.LookupAddress[]) => void,
    ) =>
      cb(null, [
        { address: "127.0.0.1", family: 4 },
        { address: "10.0.0.1", family: 4 },
      ])) as never);
    expect((await failure(onlyA.request(`http://mixed.example:${portA}/`))).kind).toBe("blocked_address");
    expect(hits).toEqual([]);
  });

  it("connects to the checked address (pinned), not to a second resolution", async () => {
    let calls = 0;
    vi.spyOn(dns, "lookup").mockImplementation(((
      _h: string,
      _o: unknown,
      cb: (e: Error | null, a: dns.LookupAddress[]) => void,
    ) => {
      calls++;
      // A rebinding server would answer differently the second time; there is no second time.
      cb(null, [{ address: calls === 1 ? "127.0.0.1" : "127.0.0.2", family: 4 }]);
    }) as never);
    const res = await onlyA.request(`http://pinned.example:${portA}/x`);
    expect(res.status).toBe(200);
    expect(hits).toEqual(["A GET /x"]);
    expect(calls).toBe(1);
  });

  it("re-checks every redirect hop: a redirect to a private address is refused", async () => {
    handler = (req, res) => {
      if (req.url === "/to-literal") res.writeHead(302, { location: `http://127.0.0.2:${portB}/secret` }).end();
      else if (req.url === "/to-name")
        res.writeHead(301, { location: `http://internal.example:${portB}/secret` }).end();
      else res.end("ok");
    };
    vi.spyOn(dns, "lookup").mockImplementation(((
      _h: string,
      _o: unknown,
      cb: (e: Error | null, a: dns.LookupAddress[]) => void,
    ) => cb(null, [{ address: "127.0.0.2", family: 4 }])) as never);
    expect((await failure(onlyA.request(`http://127.0.0.1:${portA}/to-literal`))).kind).toBe("blocked_address");
    expect((await failure(onlyA.request(`http://127.0.0.1:${portA}/to-name`))).kind).toBe("blocked_address");
    expect(hits).toEqual(["A GET /to-literal", "A GET /to-name"]);
  });

  it("allows private addresses when configured (RELAIS_ALLOW_PRIVATE_NETWORK)", async () => {
    handler = (req, res) => {
      if (req.url === "/hop") res.writeHead(302, { location: `http://127.0.0.2:${portB}/end` }).end();
      else res.end(`at ${req.url}`);
    };
    const res = await open.request(`http://localhost:${portA}/hop`);
    expect(res.status).toBe(200);
    expect(res.text()).toBe("at /end");
    expect(res.url).toBe(`http://127.0.0.2:${portB}/end`);
    expect(res.redirects).toBe(1);
  });
});

describe("limits and errors", () => {
  it("times out waiting for headers, on a stalled body, and overall", async () => {
    handler = (req, res) => {
      if (req.url === "/slow-headers") setTimeout(() => res.end("late"), 4000);
      else if (req.url === "/stall") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
      } else setTimeout(() => res.end("late"), 4000);
    };
    const cases: Array<[string, Record<string, number>]> = [
      ["/slow-headers", { headersTimeoutMs: 200 }],
      ["/stall", { bodyTimeoutMs: 200 }],
      ["/total", { totalTimeoutMs: 200 }],
    ];
    for (const [path, limits] of cases) {
      const t0 = Date.now();
      const err = await failure(open.request(`http://127.0.0.1:${portA}${path}`, limits));
      expect(err.kind, path).toBe("timeout");
      // The server would answer after 4 s; undici's timers are coarse (about a second), ours precise.
      expect(Date.now() - t0, path).toBeLessThan(2500);
    }
  });

  it("refuses bodies over the limit, declared or streamed, and decompression bombs", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 97);
    handler = (req, res) => {
      if (req.url === "/declared") res.writeHead(200, { "content-length": String(big.length) }).end(big);
      else if (req.url === "/chunked") {
        res.writeHead(200);
        res.write(big.subarray(0, 600_000));
        res.end(big.subarray(600_000));
      } else res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024)));
    };
    for (const path of ["/declared", "/chunked", "/bomb"]) {
      const err = await failure(open.request(`http://127.0.0.1:${portA}${path}`, { maxBytes: 1024 * 1024 }));
      expect(err.kind, path).toBe("too_large");
      expect(err.details.status, path).toBe(200);
    }
  });

  it("decodes gzip and brotli bodies", async () => {
    const text = "Événement : fête de la musique 🎶 ".repeat(50);
    handler = (req, res) => {
      if (req.url === "/gz") res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(text));
      else res.writeHead(200, { "content-encoding": "br" }).end(zlib.brotliCompressSync(text));
    };
    expect((await open.request(`http://127.0.0.1:${portA}/gz`)).text()).toBe(text);
    expect((await open.request(`http://127.0.0.1:${portA}/br`)).text()).toBe(text);
  });

  it("limits redirects; maxRedirects 0 returns the 3xx itself", async () => {
    handler = (_req, res) => res.writeHead(302, { location: "/again" }).end();
    const err = await failure(open.request(`http://127.0.0.1:${portA}/loop`, { maxRedirects: 3 }));
    expect(err.kind).toBe("too_many_redirects");
    expect(hits).toHaveLength(4);
    const res = await open.request(`http://127.0.0.1:${portA}/loop`, { maxRedirects: 0 });
    expect(res.status).toBe(302);
  });

  it("turns a POST into a GET on 303 and drops the body", async () => {
    handler = (req, res) => {
      if (req.url === "/form") res.writeHead(303, { location: "/done" }).end();
      else res.end(`${req.method} ${req.headers["content-type"] ?? "-"}`);
    };
    const res = await open.postJson(`http://127.0.0.1:${portA}/form`, '{"a":1}');
    expect(res.text()).toBe("GET -");
  });

  it("reports refused connections as network errors and statuses only when asked", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect((await failure(open.request(`http://127.0.0.1:${port}/`))).kind).toBe("network");

    handler = (_req, res) => res.writeHead(418, { "content-type": "application/json" }).end('{"message":"teapot"}');
    const plain = await open.request(`http://127.0.0.1:${portA}/`);
    expect(plain.status).toBe(418);
    expect(plain.json()).toEqual({ message: "teapot" });
    const err = await failure(open.request(`http://127.0.0.1:${portA}/`, { throwOnHttpError: true }));
    expect(err.kind).toBe("http_status");
    expect(err.details.status).toBe(418);
  });
});
