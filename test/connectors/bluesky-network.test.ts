import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { AppBskyEmbedExternal, AppBskyEmbedImages, AppBskyFeedPost } from "@atproto/api";
import pino from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { rkeyFor } from "../../src/connectors/bluesky/rkey.js";
import type { AppContext } from "../../src/context.js";
import * as accounts from "../../src/modules/accounts/accounts.service.js";
import { snapshotMetrics } from "../../src/modules/analytics/metrics.service.js";
import { syncAccountInteractions } from "../../src/modules/inbox/sync.service.js";
import { LEASE_SECONDS, publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { reconcile } from "../../src/modules/scheduler/recovery.service.js";
import { closeContext, createContext } from "../../src/runtime.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { type Instance, newInstance } from "../helpers/processes.js";
import { upload } from "../media/fixtures.js";
import { type BlueskyNetwork, HoldingProxy, type PeerAccount, startNetwork } from "../peers/bluesky/peer.js";

/**
 * Bluesky end to end against a real AT Protocol network on loopback (PLC + PDS + AppView from
 * @atproto/dev-env): Relais connects an account through its API, publishes a scheduled post with a mention,
 * a link card, two images with alt text and a long text (→ thread) through its worker, and the AppView
 * shows it right; another account replies, quotes, likes and mentions, and Relais ingests those
 * interactions and snapshots the like; Relais answers and quotes a post of the other account, finds it with
 * keyword search, and takes its own thread down (every part gone from the AppView). Then a worker is SIGKILLed in the middle of a thread and the network
 * still ends with exactly one copy of each part.
 *
 * Run by `npm run test:bluesky` (vitest.bluesky.config.ts) after `npm ci --prefix test/peers/bluesky/net`; the
 * main suite excludes this file (vitest.config.ts), so nothing here is ever skipped.
 */

let net: BlueskyNetwork;
let og: Server;
let ogBase = "";
let photo: Buffer;
let photo2: Buffer;

beforeAll(async () => {
  net = await startNetwork();
  // A large, noisy photo (several MB as JPEG q95): the connector must fit it under Bluesky's 1,000,000 bytes.
  photo = await sharp({
    create: {
      width: 3000,
      height: 2000,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  // A different file (the library deduplicates identical uploads).
  photo2 = await sharp(photo).resize(2400, 1600).jpeg({ quality: 95 }).toBuffer();
  og = createServer((req, res) => {
    if (req.url === "/affiche.jpg") {
      res.writeHead(200, { "content-type": "image/jpeg" });
      res.end(photo);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><title>ignoré</title>
      <meta property="og:title" content="Fête des Lumières 2026 — le programme 🎆">
      <meta property="og:description" content="Quatre nuits, quarante installations, entrée libre.">
      <meta property="og:image" content="/affiche.jpg"></head><body>…</body></html>`);
  });
  await new Promise<void>((r) => og.listen(0, "127.0.0.1", r));
  ogBase = `http://127.0.0.1:${(og.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  og?.close();
  await net?.stop();
});

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const longText = (mention: string, link: string) =>
  [
    `Bonjour ${mention} ! La Fête des Lumières revient du 5 au 8 décembre 🎆👩🏽‍🎨 #FêteDesLumières ${link}`,
    "Cette année, quarante installations illuminent la Presqu'île, de la place Bellecour aux Terreaux.",
    "Les navettes fluviales circulent jusqu'à minuit, et les musées restent ouverts en nocturne gratuite.",
    "Pensez aux transports en commun : les parkings du centre seront fermés dès 17 h le jeudi.",
    "Merci à toutes les équipes techniques, bénévoles et artistes qui rendent ces nuits possibles 💛👨‍👩‍👧‍👦.",
  ].join(" ");

describe("Bluesky through Relais on a real local network", () => {
  let t: TestApp;
  let owner: Caller;
  let postId: string;
  let alice: PeerAccount;
  let bob: PeerAccount;
  let workspaceId: string;
  let accountId: string;
  let targetId: string;
  let rootUri: string;
  let partUris: string[];

  afterAll(async () => {
    await t?.close();
  });

  it("connects, publishes a scheduled thread with mention, images, alt text and link card; the AppView shows it", async () => {
    alice = await net.createAccount("musee");
    bob = await net.createAccount("bob");
    t = await createTestApp({ config: { allowPrivateNetwork: true }, withQueue: true });
    owner = await signUp(t, "camille@musee.fr", { owner: true, canCreateWorkspaces: true });
    workspaceId = await createWorkspace(owner, "Musée des Lumières");

    // A wrong app password: a translated 4xx, nothing stored.
    const bad = await owner.request({
      method: "POST",
      url: `/api/workspaces/${workspaceId}/accounts`,
      payload: { network: "bluesky", handle: alice.handle, appPassword: "faux-faux-faux-faux", service: net.pds },
      headers: { "accept-language": "fr" },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.json().error.code).toBe("account_connect_failed");

    const connected = await owner.post(`/api/workspaces/${workspaceId}/accounts`, {
      network: "bluesky",
      handle: `@${alice.handle.toUpperCase()}`,
      appPassword: alice.appPassword,
      service: net.pds,
    });
    expect(connected.statusCode, connected.body).toBe(201);
    const account = connected.json().account;
    expect(account).toMatchObject({ network: "bluesky", handle: alice.handle, externalId: alice.did });
    accountId = account.id;
    // The stored credentials are encrypted (no token in clear in the row).
    const row = await t.ctx.db
      .selectFrom("social_accounts")
      .select("credentials_enc")
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    expect(String(row.credentials_enc)).not.toContain("eyJ");

    const mediaIds: string[] = [];
    for (const [i, alt] of ["Façade du musée illuminée en bleu 💙", "Foule place Bellecour, vue d'en haut"].entries()) {
      const up = await upload(owner, workspaceId, i === 0 ? photo : photo2, `photo-${i}.jpg`);
      expect(up.statusCode, up.body).toBeLessThan(300);
      const id = up.json().id as string;
      const patched = await owner.patch(`/api/workspaces/${workspaceId}/media/${id}`, { altText: alt });
      expect(patched.statusCode, patched.body).toBe(200);
      mediaIds.push(id);
    }
    const link = `${ogBase}/fete-des-lumieres`;
    const text = longText(`@${bob.handle}`, link);
    const created = await owner.post(`/api/workspaces/${workspaceId}/posts`, {
      body: text,
      linkUrl: link,
      mediaIds,
      options: { thread: true, langs: ["fr"] },
      targets: [{ accountId }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const post = created.json();
    postId = post.id;
    targetId = post.targets[0].id;
    const scheduled = await owner.post(`/api/workspaces/${workspaceId}/posts/${post.id}/schedule`, {
      at: new Date(Date.now() + 2_000).toISOString(),
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);

    // The worker publishes.
    const target = await waitFor(
      "the target to be published",
      async () => {
        const r = await t.ctx.db
          .selectFrom("post_targets")
          .selectAll()
          .where("id", "=", targetId)
          .executeTakeFirstOrThrow();
        if (r.status === "failed") throw new Error(`publish failed: ${r.error_code} ${r.error_message}`);
        return r.status === "published" ? r : null;
      },
      90_000,
    );
    rootUri = target.external_id!;
    partUris = [rootUri, ...((target.thread_external_ids as string[] | null) ?? [])];
    expect(rootUri).toBe(`at://${alice.did}/app.bsky.feed.post/${rkeyFor(target.idempotency_key)}`);
    expect(target.external_url).toBe(
      `https://bsky.app/profile/${alice.handle}/post/${rkeyFor(target.idempotency_key)}`,
    );
    expect(partUris.length).toBeGreaterThanOrEqual(2);

    // What the AppView shows, read by the other account.
    await net.processAll();
    const views = (await bob.agent.app.bsky.feed.getPosts({ uris: partUris })).data.posts;
    expect(views.map((v) => v.uri)).toEqual(partUris);
    const records = views.map((v) => v.record as AppBskyFeedPost.Record);
    records.forEach((r, i) => {
      expect([...new Intl.Segmenter().segment(r.text)].length).toBeLessThanOrEqual(300);
      expect(r.text.endsWith(` ${i + 1}/${partUris.length}`)).toBe(true);
      expect(r.langs).toEqual(["fr"]);
      if (i > 0) {
        expect(r.reply?.root.uri).toBe(rootUri);
        expect(r.reply?.parent.uri).toBe(partUris[i - 1]);
      }
    });
    // Nothing lost: the parts, numbers removed, are the text.
    expect(records.map((r) => r.text.replace(/ \d+\/\d+$/, "")).join(" ")).toBe(text);
    // Facets: the mention points at Bob's DID, the tag and the link cover exactly their bytes.
    const first = records[0]!;
    const bytes = Buffer.from(first.text, "utf8");
    const covered = (first.facets ?? []).map((f) => ({
      text: bytes.subarray(f.index.byteStart, f.index.byteEnd).toString("utf8"),
      feature: f.features[0] as { $type: string; did?: string; tag?: string; uri?: string },
    }));
    expect(covered).toEqual([
      { text: `@${bob.handle}`, feature: expect.objectContaining({ did: bob.did }) },
      { text: "#FêteDesLumières", feature: expect.objectContaining({ tag: "FêteDesLumières" }) },
      { text: link, feature: expect.objectContaining({ uri: link }) },
    ]);
    // Two images with their alt text and aspect ratio (3:2), fitted under the blob limit.
    const images = views[0]!.embed as AppBskyEmbedImages.View;
    expect(images.$type).toBe("app.bsky.embed.images#view");
    expect(images.images.map((i) => i.alt)).toEqual([
      "Façade du musée illuminée en bleu 💙",
      "Foule place Bellecour, vue d'en haut",
    ]);
    for (const i of images.images) {
      expect(i.aspectRatio!.width / i.aspectRatio!.height).toBeCloseTo(1.5, 2);
    }
    const blobs = (first.embed as { images: { image: { size: number } }[] }).images.map((i) => i.image.size);
    for (const size of blobs) expect(size).toBeLessThanOrEqual(1_000_000);
    // The link card (the first post carries the images): on the second part, from the page's Open Graph tags.
    const card = views[1]!.embed as AppBskyEmbedExternal.View;
    expect(card.$type).toBe("app.bsky.embed.external#view");
    expect(card.external).toMatchObject({
      uri: link,
      title: "Fête des Lumières 2026 — le programme 🎆",
      description: "Quatre nuits, quarante installations, entrée libre.",
    });
    expect(card.external.thumb).toBeTruthy();
  });

  it("ingests the other account's reply, quote, like and mention and snapshots the like", async () => {
    const rootCid = (await bob.agent.app.bsky.feed.getPosts({ uris: [rootUri] })).data.posts[0]!.cid;
    const root = { uri: rootUri, cid: rootCid };
    await bob.agent.post({ text: "Superbe programme, merci ! 👏🏽", reply: { root, parent: root } });
    await bob.agent.post({
      text: "À ne pas manquer cette année ✨",
      embed: { $type: "app.bsky.embed.record", record: root },
    });
    await bob.agent.like(root.uri, root.cid);
    const mentionText = `On se retrouve au musée avec @${alice.handle} ?`;
    await bob.agent.post({
      text: mentionText,
      facets: [
        {
          index: {
            byteStart: Buffer.byteLength("On se retrouve au musée avec "),
            byteEnd: Buffer.byteLength(`On se retrouve au musée avec @${alice.handle}`),
          },
          features: [{ $type: "app.bsky.richtext.facet#mention", did: alice.did }],
        },
      ],
    });
    await net.processAll();

    const sync = await syncAccountInteractions(t.ctx, workspaceId, accountId);
    expect(sync.status).toBe("ok");
    const rows = await t.ctx.db
      .selectFrom("interactions")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("kind")
      .execute();
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(Object.keys(byKind).sort()).toEqual(["like", "mention", "quote", "reply"]);
    for (const kind of ["like", "quote", "reply"]) {
      expect(byKind[kind]).toMatchObject({ post_target_id: targetId, author_handle: bob.handle });
    }
    expect(byKind.reply!.text).toBe("Superbe programme, merci ! 👏🏽");
    expect(byKind.mention).toMatchObject({ post_target_id: null, text: mentionText });
    // Incremental: a second sync stores nothing new.
    const again = await syncAccountInteractions(t.ctx, workspaceId, accountId);
    expect(again.inserted).toBe(0);
    expect(
      await t.ctx.db
        .selectFrom("interactions")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", accountId)
        .executeTakeFirstOrThrow(),
    ).toMatchObject({ n: expect.anything() });

    await snapshotMetrics(t.ctx, { workspaceId, accountId, force: true });
    const snap = await t.ctx.db
      .selectFrom("post_metric_snapshots")
      .selectAll()
      .where("post_target_id", "=", targetId)
      .orderBy("taken_at", "desc")
      .executeTakeFirstOrThrow();
    expect(snap).toMatchObject({ likes: 1, quotes: 1 });
    // Replies count our own thread parts as well as Bob's reply.
    expect(Number(snap.replies)).toBeGreaterThanOrEqual(2);
  });

  /** Creates a post through the API, schedules it a second ahead and waits for the worker to publish it. */
  async function publishThroughRelais(body: string, options: Record<string, unknown>) {
    const created = await owner.post(`/api/workspaces/${workspaceId}/posts`, {
      body,
      options: { ...options, langs: ["fr"] },
      targets: [{ accountId }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().targets[0].id as string;
    const scheduled = await owner.post(`/api/workspaces/${workspaceId}/posts/${created.json().id}/schedule`, {
      at: new Date(Date.now() + 1_000).toISOString(),
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    const row = await waitFor(
      "the post to be published",
      async () => {
        const r = await t.ctx.db.selectFrom("post_targets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
        if (r.status === "failed") throw new Error(`publish failed: ${r.error_code} ${r.error_message}`);
        return r.status === "published" ? r : null;
      },
      90_000,
    );
    await net.processAll();
    const view = (await bob.agent.app.bsky.feed.getPosts({ uris: [row.external_id!] })).data.posts[0]!;
    return view;
  }

  it("answers and quotes Bob through Relais, finds his post with search, and takes the first thread down", async () => {
    const question = await bob.agent.post({ text: "Quel est le programme du jeudi soir ? 🤔 #lumières" });
    await net.processAll();

    const reply = await publishThroughRelais("Jeudi : ouverture à 18 h, place des Terreaux ✨", {
      replyTo: question.uri,
    });
    const replyRecord = reply.record as AppBskyFeedPost.Record;
    expect(replyRecord.reply?.parent.uri).toBe(question.uri);
    expect(replyRecord.reply?.root.uri).toBe(question.uri);

    const quote = await publishThroughRelais("La question du jour, et notre réponse juste en dessous 👇", {
      quote: question.uri,
    });
    expect(quote.embed?.$type).toBe("app.bsky.embed.record#view");
    expect((quote.embed as { record: { uri: string } }).record.uri).toBe(question.uri);

    // Keyword search of public posts (what alerts use), through the connector with the stored credentials.
    const { connector, secrets } = await accounts.loadForPublishing(t.ctx, workspaceId, accountId);
    const found = await connector.search!(secrets, { q: "programme", limit: 25 });
    expect(found.items.map((i) => i.externalId)).toContain(question.uri);
    const bobs = found.items.find((i) => i.externalId === question.uri)!;
    expect(bobs).toMatchObject({
      authorHandle: bob.handle,
      text: "Quel est le programme du jeudi soir ? 🤔 #lumières",
    });

    // Take the first (threaded) post down: every part disappears from the AppView, and Relais records it.
    const removed = await owner.post(
      `/api/workspaces/${workspaceId}/posts/${postId}/targets/${targetId}/remove-from-network`,
      {},
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().removedAt).toBeTruthy();
    await net.processAll();
    expect((await bob.agent.app.bsky.feed.getPosts({ uris: partUris })).data.posts).toEqual([]);
    for (const uri of partUris) {
      const rkey = uri.split("/").pop()!;
      await expect(
        alice.agent.com.atproto.repo.getRecord({ repo: alice.did, collection: "app.bsky.feed.post", rkey }),
      ).rejects.toThrow();
    }
    // Repeating is harmless.
    const again = await owner.post(
      `/api/workspaces/${workspaceId}/posts/${postId}/targets/${targetId}/remove-from-network`,
      {},
    );
    expect(again.statusCode).toBe(200);
  });
});

describe("a worker SIGKILLed in the middle of a Bluesky thread", () => {
  let instance: Instance | undefined;
  let child: ChildProcess | undefined;
  let ctx: AppContext | undefined;
  let proxy: HoldingProxy | undefined;

  afterAll(async () => {
    child?.kill("SIGKILL");
    if (ctx) await closeContext(ctx);
    await proxy?.stop();
    await instance?.cleanup();
  });

  it("ends with exactly one copy of each part after recovery", { timeout: 180_000 }, async () => {
    const carole = await net.createAccount("carole");
    proxy = await new HoldingProxy(net.pds).start();
    // The second part is written on the PDS, its answer never comes back, and the worker dies there.
    proxy.holdAfterCreate = 2;
    instance = await newInstance("bsky-crash");
    const env = {
      ...instance.env,
      RELAIS_ALLOW_PRIVATE_NETWORK: "true",
      BSKY_HANDLE: carole.handle,
      BSKY_APP_PASSWORD: carole.appPassword,
      BSKY_SERVICE: proxy.url,
    };
    child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/peers/bluesky/crash-worker.ts")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const exited = new Promise<void>((resolve) => child?.once("exit", () => resolve()));
    await waitFor(
      "the second part to be written and held",
      async () => {
        if (child?.exitCode !== null) throw new Error(`worker exited: ${out} ${err}`);
        return proxy!.held;
      },
      90_000,
    );
    child.kill("SIGKILL");
    await exited;
    const ready = JSON.parse(/^READY (.*)$/m.exec(out)?.[1] ?? "null") as {
      workspaceId: string;
      postId: string;
      targetId: string;
      idempotencyKey: string;
      parts: number;
    };
    expect(ready.parts).toBe(3);
    proxy.holdAfterCreate = null;

    // The process comes back; the lease runs out; the reconciler asks Bluesky.
    ctx = await createContext(loadConfig({ ...instance.env, RELAIS_ALLOW_PRIVATE_NETWORK: "true" }), {
      logger: pino({ level: "warn" }),
    });
    // Sending only (the reconciler enqueues the retry); this test runs the publish itself.
    await ctx.jobs.start(ctx, { work: false, schedule: false });
    const before = await ctx.db
      .selectFrom("post_targets")
      .selectAll()
      .where("id", "=", ready.targetId)
      .executeTakeFirstOrThrow();
    expect(before.status).toBe("publishing");
    const later = new Date(Date.now() + (LEASE_SECONDS + 1) * 1000);
    // Two of three parts exist: not published yet; record keys guarantee idempotency → scheduled again.
    expect(await reconcile(ctx, later)).toMatchObject({ unconfirmed: 0, published: 0, rescheduled: 1 });
    expect(await publishTargets(ctx, [ready.targetId])).toBe(1);
    const after = await ctx.db
      .selectFrom("post_targets")
      .selectAll()
      .where("id", "=", ready.targetId)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe("published");
    const parts = [after.external_id!, ...((after.thread_external_ids as string[] | null) ?? [])];
    expect(parts).toEqual(
      [0, 1, 2].map((i) => `at://${carole.did}/app.bsky.feed.post/${rkeyFor(ready.idempotencyKey, i)}`),
    );
    // A second publish (a duplicate job) changes nothing.
    expect(await publishTargets(ctx, [ready.targetId])).toBe(0);

    await net.processAll();
    const feed = await carole.agent.app.bsky.feed.getAuthorFeed({ actor: carole.did, limit: 50 });
    const uris = feed.data.feed.map((f) => f.post.uri).sort();
    expect(uris).toEqual([...parts].sort());
    const repo = await carole.agent.com.atproto.repo.listRecords({
      repo: carole.did,
      collection: "app.bsky.feed.post",
      limit: 100,
    });
    expect(repo.data.records).toHaveLength(3);
  });
});
