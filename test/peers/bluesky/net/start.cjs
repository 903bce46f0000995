#!/usr/bin/env node
/*
 * Starts a real AT Protocol network on loopback with @atproto/dev-env: PLC directory, PDS, AppView (bsky),
 * Ozone. Needs PostgreSQL and Redis:
 *   DB_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/relais_bsky REDIS_HOST=127.0.0.1:6379 node start.cjs
 * Prints ONE line of JSON on stdout once ready: {"ready":true,"plc":…,"pds":…,"appview":…,"control":…,"schema":…}
 * (everything else goes to stderr) and runs until SIGTERM/SIGINT or until its stdin closes (so a parent that
 * dies takes it down).
 *
 * `control` is a small HTTP server for tests (loopback only):
 *   POST /process-all[?timeout=ms]  → waits (default 60 s) until the AppView has indexed everything the PDS sequenced (network.processAll)
 *   GET  /health       → 200
 * Each run uses its own Postgres schemas (DB_POSTGRES_SCHEMA, default relais_<pid>_<time> in letters), dropped on exit.
 */
"use strict";
const http = require("node:http");
const { TestNetwork } = require("@atproto/dev-env");

const log = (...args) => console.error("[bluesky-peer]", ...args);

async function dropSchemas(url, schema) {
  // The AppView and Ozone create their schemas under DB_POSTGRES_URL; pg is a dependency of @atproto/bsky.
  let pg;
  try {
    pg = require(require.resolve("pg", { paths: [require.resolve("@atproto/bsky")] }));
  } catch {
    return;
  }
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    for (const s of [`appview_${schema}`, `ozone_${schema}`]) {
      await client.query(`drop schema if exists "${s}" cascade`);
    }
  } catch (err) {
    log("could not drop schemas:", err.message);
  } finally {
    await client.end().catch(() => {});
  }
}

async function main() {
  const dbUrl = process.env.DB_POSTGRES_URL;
  if (!dbUrl || !process.env.REDIS_HOST) {
    log("DB_POSTGRES_URL and REDIS_HOST are required");
    process.exit(2);
  }
  // Letters and underscores only (the AppView refuses anything else).
  const letters = (n) => n.toString(26).replace(/[0-9]/g, (d) => "qrstuvwxyz"[Number(d)]);
  const schema = process.env.DB_POSTGRES_SCHEMA || `relais_${letters(process.pid)}_${letters(Date.now())}`;
  const t0 = Date.now();
  const network = await TestNetwork.create({
    dbPostgresUrl: dbUrl,
    dbPostgresSchema: schema,
    // No DID document in session answers: clients keep talking to the URL they were given (a test proxy).
    pds: { hostname: "localhost" },
  });
  let queue = Promise.resolve();
  const control = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200).end("ok");
      return;
    }
    const url = new URL(req.url ?? "/", "http://control");
    if (req.method === "POST" && url.pathname === "/process-all") {
      const timeout = Math.min(Number(url.searchParams.get("timeout")) || 60_000, 1_800_000);
      // One at a time: processAll is not meant to run concurrently with itself.
      queue = queue
        .then(() => network.processAll(timeout))
        .then(
          () => res.writeHead(200).end("ok"),
          (err) => res.writeHead(500).end(String(err?.message ?? err)),
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => control.listen(0, "127.0.0.1", resolve));
  const info = {
    ready: true,
    plc: network.plc.url,
    pds: network.pds.url,
    appview: network.bsky.url,
    control: `http://127.0.0.1:${control.address().port}`,
    schema,
    startedInMs: Date.now() - t0,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  let closing = false;
  const shutdown = async (why) => {
    if (closing) return;
    closing = true;
    log(`stopping (${why})`);
    const timer = setTimeout(() => process.exit(0), 10_000);
    timer.unref();
    control.close();
    try {
      await network.close();
    } catch (err) {
      log("close failed:", err.message);
    }
    await dropSchemas(dbUrl, schema);
    process.exit(0);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("error", () => shutdown("stdin error"));
  process.stdin.resume();
}

main().catch((err) => {
  log("failed to start:", err?.stack ?? err);
  process.exit(1);
});
