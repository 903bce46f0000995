import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../../src/connectors/webhook/signature.js";

/**
 * A webhook receiver on 127.0.0.1 for tests and benchmarks: records every request and answers what the
 * test scripts. Reused by the connector, scheduler and end-to-end tests.
 *
 *   const rx = await startWebhookReceiver();
 *   rx.respondWith({ status: 500 }, { times: 2 });   // two failures, then the default (200)
 *   rx.url("/hooks/abc")                            // http://127.0.0.1:<port>/hooks/abc
 *   await rx.waitFor(3)                              // until three requests arrived
 *   rx.requests[0].json, rx.requests[0].headers["idempotency-key"]
 *   rx.verify(req, secret)                           // X-Relais-Signature checks out
 *   await rx.close()
 */

export interface ReceivedRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
  receivedAt: Date;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Milliseconds to wait before answering (to test timeouts or lateness). */
  delayMs?: number;
  /** Destroy the socket without answering (a network error for the client). */
  drop?: boolean;
}

export type Responder = ScriptedResponse | ((req: ReceivedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

export interface WebhookReceiver {
  readonly requests: ReceivedRequest[];
  readonly port: number;
  /** The receiver's URL with a path (default "/hook"). */
  url(path?: string): string;
  /** Sets what every request gets from now on (default: 200 {"ok":true}). */
  respondWith(r: Responder): void;
  /** Queues answers for the next requests, before falling back to the default. */
  respondNext(...responses: Responder[]): void;
  /** Resolves when at least `count` requests have arrived (rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Whether a request's X-Relais-Signature matches its body and timestamp under this secret. */
  verify(req: ReceivedRequest, secret: string): boolean;
  /** Forgets recorded requests and scripted answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { defaultResponse?: Responder } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: Responder[] = [];
  let fallback: Responder = options.defaultResponse ?? { status: 200, body: { ok: true } };
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      const record: ReceivedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers,
        body,
        json,
        receivedAt: new Date(),
      };
      requests.push(record);
      for (const w of [...waiters]) {
        if (requests.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      const responder = queue.shift() ?? fallback;
      const answer = typeof responder === "function" ? await responder(record) : responder;
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      if (answer.drop) {
        req.socket.destroy();
        return;
      }
      const payload =
        answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json";
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { "content-type": type, ...answer.headers });
      res.end(payload);
    });
  });
  // Keep-alive sockets would hold close() open; tests want a prompt shutdown.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    requests,
    port,
    url: (path = "/hook") => `http://127.0.0.1:${port}${path.startsWith("/") ? path : `/${path}`}`,
    respondWith(r) {
      fallback = r;
    },
    respondNext(...responses) {
      queue.push(...responses);
    },
    waitFor(count, timeoutMs = 5000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`webhook receiver: ${requests.length}/${count} requests after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        });
      });
    },
    verify(req, secret) {
      return verifySignature(
        secret,
        { signature: req.headers["x-relais-signature"], timestamp: req.headers["x-relais-timestamp"] },
        req.body,
      );
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      fallback = options.defaultResponse ?? { status: 200, body: { ok: true } };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
