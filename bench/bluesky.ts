/**
 * Bluesky benchmark against the local AT Protocol network (test/peers/bluesky/net, `npm ci --prefix
 * test/peers/bluesky/net` first; PostgreSQL and Redis running):
 *
 * 1. Publishing: 200 posts, each with one image (a 1600×1067 JPEG, ~0.5 MB: uploaded as is) and a short
 *    French text with a hashtag, through the Bluesky connector (blob upload + record key check +
 *    createRecord), BENCH_CONCURRENCY at a time (default 4). Throughput and p50/p99 latency per post.
 * 2. Ingestion: the account gets ~10,000 notifications (likes, reposts and follows from 20 accounts,
 *    replies in bulk via applyWrites), then (a) the connector's readInteractions pages through them
 *    (100 per page) and (b) Relais's sync job (syncAccountInteractions, helper E's) stores them in an
 *    embedded database from scratch. Interactions per second for both.
 *
 *   npm run bench:bluesky            (BENCH_POSTS=200 BENCH_NOTIFICATIONS=10000 BENCH_CONCURRENCY=4)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import sharp from "sharp";
import { loadConfig } from "../src/config.js";
import { blueskyConnector } from "../src/connectors/bluesky/bluesky.connector.js";
import type { AccountSecrets, PublishRequest } from "../src/connectors/types.js";
import { HttpClient } from "../src/lib/http-client.js";
import * as accounts from "../src/modules/accounts/accounts.service.js";
import * as auth from "../src/modules/auth/auth.service.js";
import { syncAccountInteractions } from "../src/modules/inbox/sync.service.js";
import * as workspaces from "../src/modules/workspaces/workspaces.service.js";
import { closeContext, createContext } from "../src/runtime.js";
import { type PeerAccount, startNetwork } from "../test/peers/bluesky/peer.js";

const POSTS = Number(process.env.BENCH_POSTS ?? 200);
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main() {
  const t0 = Date.now();
  const net = await startNetwork();
  console.log(`network started in ${round((Date.now() - t0) / 1000)} s (pds ${net.pds})`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-bench-bluesky-"));
  const ctx = await createContext(
    loadConfig({ RELAIS_DATA_DIR: dataDir, RELAIS_ALLOW_PRIVATE_NETWORK: "true", RELAIS_LOG_LEVEL: "silent" }),
    { logger: pino({ level: "silent" }) },
  );
  try {
    const musee = await net.createAccount("musee");
    const user = await auth.createUser(ctx, {
      email: "bench@musee.fr",
      name: "Bench",
      password: "correct-horse-battery",
    });
    const me = { ...user, canCreateWorkspaces: true };
    const ws = await workspaces.create(ctx, me, { name: "Musée 🦋", timezone: "Europe/Paris", locale: "fr" });
    const { account } = await accounts.connect(ctx, me, ws.id, {
      network: "bluesky",
      handle: musee.handle,
      appPassword: musee.appPassword,
      service: net.pds,
    });
    const { secrets } = await accounts.loadForPublishing(ctx, ws.id, account.id);
    const env = { http: new HttpClient({ allowPrivateNetwork: true }) };

    // 1. Publishing.
    const image = await sharp({
      create: {
        width: 1600,
        height: 1067,
        channels: 3,
        background: "#888",
        noise: { type: "gaussian", mean: 120, sigma: 40 },
      },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
    const request = (i: number): PublishRequest => ({
      idempotencyKey: `bench-${t0}-${i}`,
      postId: `p${i}`,
      targetId: `t${i}`,
      workspaceId: ws.id,
      text: `Publication n° ${i + 1} : nocturne au musée ce soir 🌙 #Bench${i % 10}`,
      linkUrl: null,
      media: [
        {
          id: `m${i}`,
          kind: "image",
          mimeType: "image/jpeg",
          sizeBytes: image.length,
          width: 1600,
          height: 1067,
          altText: `Salle ${i + 1} du musée, éclairée de nuit`,
          url: "",
          read: async () => image,
        },
      ],
      options: {},
      scheduledAt: null,
    });
    const latencies: number[] = [];
    const published: { uri: string; cid?: string }[] = [];
    let next = 0;
    const pubStart = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < POSTS; i = next++) {
          const s = performance.now();
          const r = await blueskyConnector.publish(secrets as AccountSecrets, request(i), env);
          latencies.push(performance.now() - s);
          published.push({ uri: r.externalId });
        }
      }),
    );
    const pubSeconds = (Date.now() - pubStart) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `publish: ${POSTS} posts with one image (${round(image.length / 1024)} kB), concurrency ${CONCURRENCY}: ` +
        `${round(POSTS / pubSeconds)} posts/s, p50 ${round(pct(latencies, 50), 0)} ms, p99 ${round(pct(latencies, 99), 0)} ms, ` +
        `max ${round(latencies.at(-1)!, 0)} ms (${round(pubSeconds)} s)`,
    );

    // 2. Notifications: likes, reposts and follows from 20 accounts, replies in bulk.
    await net.processAll();
    const views = [];
    for (let i = 0; i < published.length; i += 25) {
      const res = await musee.agent.app.bsky.feed.getPosts({ uris: published.slice(i, i + 25).map((p) => p.uri) });
      views.push(...res.data.posts.map((p) => ({ uri: p.uri, cid: p.cid })));
    }
    const genStart = Date.now();
    let planned = 0;
    const fans: PeerAccount[] = [];
    for (let f = 0; f < 20 && planned < NOTIFICATIONS; f++) fans.push(await net.createAccount(`fan${f}`));
    // Distinct timestamps, one millisecond apart in the last hour: the AppView pages notifications by their
    // time, and thousands of records written in the same millisecond would not be a realistic inbox.
    let tick = Date.now() - 3_600_000;
    const now = () => new Date(tick++).toISOString();
    const writesFor = async (agent: PeerAccount["agent"], writes: unknown[]) => {
      for (let i = 0; i < writes.length; i += 200) {
        await agent.com.atproto.repo.applyWrites({
          repo: agent.session!.did,
          writes: writes.slice(i, i + 200) as never,
        });
      }
    };
    for (const fan of fans) {
      if (planned >= NOTIFICATIONS) break;
      const writes: unknown[] = [
        {
          $type: "com.atproto.repo.applyWrites#create",
          collection: "app.bsky.graph.follow",
          value: { subject: musee.did, createdAt: now() },
        },
      ];
      for (const v of views) {
        if (planned + writes.length >= NOTIFICATIONS) break;
        writes.push({
          $type: "com.atproto.repo.applyWrites#create",
          collection: "app.bsky.feed.like",
          value: { subject: v, createdAt: now() },
        });
        if (planned + writes.length >= NOTIFICATIONS) break;
        writes.push({
          $type: "com.atproto.repo.applyWrites#create",
          collection: "app.bsky.feed.repost",
          value: { subject: v, createdAt: now() },
        });
      }
      planned += writes.length;
      await writesFor(fan.agent, writes);
    }
    // The rest: replies from the first fan.
    const replies: unknown[] = [];
    for (let i = 0; planned + replies.length < NOTIFICATIONS; i++) {
      const v = views[i % views.length]!;
      replies.push({
        $type: "com.atproto.repo.applyWrites#create",
        collection: "app.bsky.feed.post",
        value: { text: `Réponse n° ${i + 1} 👏🏽`, reply: { root: v, parent: v }, createdAt: now() },
      });
    }
    planned += replies.length;
    if (fans[0]) await writesFor(fans[0].agent, replies);
    await net.processAll(1_500_000);
    console.log(`generated ${planned} notifications in ${round((Date.now() - genStart) / 1000)} s (indexing included)`);

    // 2a. The connector's paging alone.
    const readStart = Date.now();
    let read = 0;
    let pages = 0;
    const kinds: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const page = await blueskyConnector.readInteractions!(secrets as AccountSecrets, { cursor, limit: 100 }, env);
      read += page.items.length;
      for (const it of page.items) kinds[it.kind] = (kinds[it.kind] ?? 0) + 1;
      pages++;
      cursor = page.cursor;
    } while (cursor);
    const readSeconds = (Date.now() - readStart) / 1000;
    console.log(
      `readInteractions: ${read} interactions ${JSON.stringify(kinds)} in ${pages} pages, ${round(readSeconds)} s: ${round(read / readSeconds, 0)} interactions/s`,
    );

    // 2b. Relais's sync job, from an empty inbox (one run reads at most MAX_PAGES pages; repeat until done).
    const syncStart = Date.now();
    let inserted = 0;
    let runs = 0;
    for (;;) {
      const r = await syncAccountInteractions(ctx, ws.id, account.id);
      runs++;
      inserted += r.inserted;
      if (r.inserted === 0 || runs > 10) break;
    }
    const syncSeconds = (Date.now() - syncStart) / 1000;
    console.log(
      `sync job (syncAccountInteractions, embedded database): ${inserted} interactions stored in ${runs} run(s), ` +
        `${round(syncSeconds)} s: ${round(inserted / syncSeconds, 0)} interactions/s`,
    );
    await env.http.close();
  } finally {
    await closeContext(ctx);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await net.stop();
  }
  console.log(`machine: ${os.cpus().length} cores (nproc), node ${process.version}, ${new Date().toISOString()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
