import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blueskyConnector, interactionOf, postUrl } from "../../src/connectors/bluesky/bluesky.connector.js";
import { retryAfterFrom, toConnectorError } from "../../src/connectors/bluesky/errors.js";
import { fetchLinkPreview, parseOpenGraph } from "../../src/connectors/bluesky/og.js";
import { decodeTid, isTid, partRkey, rkeyFor, sameThread } from "../../src/connectors/bluesky/rkey.js";
import { detectFacets, facetText, graphemeLength, splitThread } from "../../src/connectors/bluesky/text.js";
import { ConnectInputError, ConnectorError, type PublishRequest } from "../../src/connectors/types.js";
import { HttpClient, HttpError } from "../../src/lib/http-client.js";

/**
 * The Bluesky connector without a network: text (graphemes, thread split, facets with UTF-8 offsets),
 * record keys, error mapping, Open Graph parsing, notifications → interactions, and the session life cycle
 * (refresh persisted, refused refresh → auth_expired, 429 → rate_limited) against a fake XRPC server on
 * loopback. The real network: test/connectors/bluesky-network.test.ts (npm run test:bluesky).
 */

const resolver = async (handle: string) => (handle === "bob.test" ? "did:plc:bob" : null);

describe("facets", () => {
  it("puts byte offsets on links, mentions and hashtags after accents and emoji (skin tone, ZWJ, flags)", async () => {
    const text =
      "Fête 🎉 au café ! 👩🏽‍💻👨‍👩‍👧‍👦🇫🇷 Merci @bob.test et @inconnu.test — #Été2026 #fête https://exemple.fr/programme?jour=été 🙌🏿";
    const facets = await detectFacets(text, resolver);
    const covered = facets.map((f) => [facetText(text, f), f.features[0]?.$type]);
    expect(covered).toEqual([
      ["@bob.test", "app.bsky.richtext.facet#mention"],
      ["#Été2026", "app.bsky.richtext.facet#tag"],
      ["#fête", "app.bsky.richtext.facet#tag"],
      ["https://exemple.fr/programme?jour=été", "app.bsky.richtext.facet#link"],
    ]);
    const mention = facets[0]!;
    expect(mention.features[0]).toMatchObject({ did: "did:plc:bob" });
    // Bytes, not UTF-16 units nor code points: everything before the mention is 3-4 bytes per emoji part.
    const before = text.slice(0, text.indexOf("@bob.test"));
    expect(mention.index.byteStart).toBe(Buffer.byteLength(before, "utf8"));
    expect(mention.index.byteStart).not.toBe(before.length);
    expect(facets[1]!.features[0]).toMatchObject({ tag: "Été2026" });
  });

  it("leaves an unresolvable mention as plain text and survives a failing resolver", async () => {
    expect(await detectFacets("Salut @inconnu.test !", resolver)).toEqual([]);
    const failing = async () => {
      throw new Error("réseau en panne");
    };
    const facets = await detectFacets("Salut @bob.test, voir exemple.fr", failing);
    expect(facets.map((f) => f.features[0]?.$type)).toEqual(["app.bsky.richtext.facet#link"]);
  });
});

describe("thread split", () => {
  it("keeps a text of exactly 300 graphemes (emoji with skin tones count once) as one unnumbered post", () => {
    const text = `${"é".repeat(297)}👩🏽‍💻🇫🇷👍🏿`;
    expect(graphemeLength(text)).toBe(300);
    expect(splitThread(text)).toEqual([text]);
  });

  it("splits at sentence ends, numbers the parts and keeps each under 300 graphemes", () => {
    const sentence = "Le marché de Noël ouvre samedi à 10 h place Bellecour, venez nombreux 🎄👨‍👩‍👧 ! ";
    const text = sentence.repeat(12).trim();
    const parts = splitThread(text);
    expect(parts.length).toBeGreaterThan(2);
    parts.forEach((p, i) => {
      expect(graphemeLength(p)).toBeLessThanOrEqual(300);
      expect(p.endsWith(` ${i + 1}/${parts.length}`)).toBe(true);
      // Cut after a sentence: each part's text ends with "!" before its number.
      expect(p.replace(/ \d+\/\d+$/, "").endsWith("!")).toBe(true);
    });
    // Nothing lost, nothing added but the numbers.
    const joined = parts.map((p) => p.replace(/ \d+\/\d+$/, "")).join(" ");
    expect(joined.replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
  });

  it("cuts between words when there is no sentence end, never inside a URL or an emoji sequence", () => {
    const url = "https://exemple.fr/un-lien-assez-long-pour-compter";
    const words = Array.from({ length: 90 }, (_, i) => (i % 10 === 5 ? url : `mot${i}👩🏽‍💻`)).join(" ");
    const parts = splitThread(words);
    for (const p of parts) {
      expect(graphemeLength(p)).toBeLessThanOrEqual(300);
      const body = p.replace(/ \d+\/\d+$/, "");
      // Every token of each part is a whole word or the whole URL.
      for (const token of body.split(" ")) expect(token === url || /^mot\d+👩🏽‍💻$/.test(token)).toBe(true);
    }
    expect(parts.length).toBeGreaterThan(1);
  });

  it("cuts a single enormous word at the limit (grapheme boundary) and widens numbering past 9 parts", () => {
    const parts = splitThread("🇫🇷".repeat(3000));
    expect(parts.length).toBeGreaterThan(9);
    for (const p of parts) expect(graphemeLength(p)).toBeLessThanOrEqual(300);
    expect(parts[0]!.endsWith(` 1/${parts.length}`)).toBe(true);
    expect(parts.at(-1)!.endsWith(` ${parts.length}/${parts.length}`)).toBe(true);
  });
});

describe("record keys", () => {
  it("derives valid, stable TIDs from the idempotency key, one per thread part", () => {
    const a0 = rkeyFor("target-1:attempt-key");
    expect(isTid(a0)).toBe(true);
    expect(rkeyFor("target-1:attempt-key")).toBe(a0);
    expect(rkeyFor("target-2:attempt-key")).not.toBe(a0);
    const a1 = rkeyFor("target-1:attempt-key", 1);
    expect(isTid(a1)).toBe(true);
    expect(a1).not.toBe(a0);
    expect(sameThread(a0, a1)).toBe(true);
    expect(sameThread(a0, rkeyFor("autre"))).toBe(false);
    expect(partRkey(a0, 1)).toBe(a1);
    expect(partRkey(a0, 0)).toBe(a0);
    // Timestamps between 2023 and 2041: a plausible TID.
    const t = decodeTid(a0)!;
    const ms = Number(t.timestampUs / 1000n);
    expect(ms).toBeGreaterThanOrEqual(Date.UTC(2023, 0, 1));
    expect(ms).toBeLessThan(Date.UTC(2041, 0, 1));
    expect(() => rkeyFor("k", 32)).toThrow(RangeError);
    // 10,000 keys, no collision.
    const keys = new Set(Array.from({ length: 10_000 }, (_, i) => rkeyFor(`k${i}`)));
    expect(keys.size).toBe(10_000);
  });

  it("builds the public URL from the handle and the record key", () => {
    expect(postUrl("musee.bsky.social", "at://did:plc:abc/app.bsky.feed.post/3kabc")).toBe(
      "https://bsky.app/profile/musee.bsky.social/post/3kabc",
    );
  });
});

describe("error mapping", () => {
  const xrpc = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(message), { status, error, headers });

  it("maps auth, rate limits, rejected records and transient failures", () => {
    const now = Date.UTC(2026, 10, 22, 6, 0, 0);
    expect(toConnectorError(xrpc(400, "ExpiredToken", "Token has expired")).kind).toBe("auth_expired");
    expect(toConnectorError(xrpc(401, "AuthenticationRequired", "Invalid identifier or password")).kind).toBe(
      "auth_expired",
    );
    expect(toConnectorError(xrpc(400, "InvalidToken", "Token could not be verified")).kind).toBe("auth_expired");
    const limited = toConnectorError(
      xrpc(429, "RateLimitExceeded", "Rate Limit Exceeded", { "ratelimit-reset": String(now / 1000 + 42) }),
      now,
    );
    expect(limited.kind).toBe("rate_limited");
    expect(limited.options.retryAfterSeconds).toBe(42);
    const rejected = toConnectorError(xrpc(400, "InvalidRequest", "Invalid app.bsky.feed.post record: text too long"));
    expect(rejected).toMatchObject({ kind: "content_rejected", networkMessage: expect.stringContaining("too long") });
    expect(toConnectorError(xrpc(502, "UpstreamFailure", "Bad gateway")).kind).toBe("transient");
    expect(toConnectorError(xrpc(1, "Unknown", "fetch failed")).kind).toBe("transient");
    const network = Object.assign(new Error("fetch failed"), {
      cause: new HttpError("network", "Connection refused", { url: "https://pds.example" }),
    });
    expect(toConnectorError(network).kind).toBe("transient");
    const blocked = Object.assign(new Error("x"), { cause: new HttpError("blocked_address", "10.0.0.1 is private") });
    expect(toConnectorError(blocked).kind).toBe("permanent");
    expect(retryAfterFrom({ "retry-after": "17" })).toBe(17);
    expect(retryAfterFrom({})).toBeUndefined();
  });
});

describe("link card (Open Graph)", () => {
  it("reads title, description and image, with fallbacks and relative image URLs", () => {
    const html = `<!doctype html><html><head><title>Ignoré</title>
      <meta property="og:title" content="Fête des Lumières — programme 🎆">
      <meta name="description" content="Quatre nuits, 40 installations.">
      <meta property="og:image" content="/img/affiche.jpg"></head><body></body></html>`;
    expect(parseOpenGraph(html, "https://lyon.example/fete")).toEqual({
      uri: "https://lyon.example/fete",
      title: "Fête des Lumières — programme 🎆",
      description: "Quatre nuits, 40 installations.",
      imageUrl: "https://lyon.example/img/affiche.jpg",
    });
    const bare = parseOpenGraph("<html><head><title> Page   simple </title></head></html>", "https://a.example/");
    expect(bare).toMatchObject({ title: "Page simple", description: "", imageUrl: null });
    const js = parseOpenGraph('<meta property="og:image" content="javascript:alert(1)">', "https://a.example/");
    expect(js.imageUrl).toBeNull();
  });

  it("decodes a Latin-1 page and falls back to a bare card when the page cannot be fetched", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/latin1") {
        res.writeHead(200, { "content-type": "text/html; charset=iso-8859-1" });
        res.end(Buffer.from('<meta property="og:title" content="Théâtre d\'été">', "latin1"));
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = new HttpClient({ allowPrivateNetwork: true });
    try {
      expect((await fetchLinkPreview(http, `${base}/latin1`)).title).toBe("Théâtre d'été");
      expect(await fetchLinkPreview(http, `${base}/broken`)).toEqual({
        uri: `${base}/broken`,
        title: `${base}/broken`,
        description: "",
        imageUrl: null,
      });
      // The SSRF guard applies: without the private-network allowance, loopback is never fetched.
      const guarded = new HttpClient({ allowPrivateNetwork: false });
      expect((await fetchLinkPreview(guarded, `${base}/latin1`)).title).toBe(`${base}/latin1`);
      await guarded.close();
    } finally {
      await http.close();
      server.close();
    }
  });
});

describe("notifications → interactions", () => {
  const own = "did:plc:musee";
  const post = `at://${own}/app.bsky.feed.post/3kpost`;
  const author = { did: "did:plc:bob", handle: "bob.test", displayName: "Bob 🎨", avatar: "https://cdn/av.jpg" };
  const base = { cid: "bafy", isRead: false, indexedAt: "2026-11-22T06:00:00.000Z", labels: [] };

  it("links likes, reposts, quotes and replies to our post; follows and fresh mentions to none", () => {
    const like = interactionOf(
      {
        ...base,
        uri: "at://did:plc:bob/app.bsky.feed.like/1",
        author,
        reason: "like",
        reasonSubject: post,
        record: {},
      },
      own,
    );
    expect(like).toMatchObject({ kind: "like", subjectExternalId: post, text: null, authorName: "Bob 🎨" });
    const reply = interactionOf(
      {
        ...base,
        uri: "at://did:plc:bob/app.bsky.feed.post/2",
        author,
        reason: "reply",
        record: {
          text: "Bravo ! 👏🏽",
          reply: { parent: { uri: post }, root: { uri: post } },
          createdAt: base.indexedAt,
        },
      },
      own,
    );
    expect(reply).toMatchObject({
      kind: "reply",
      text: "Bravo ! 👏🏽",
      subjectExternalId: post,
      url: "https://bsky.app/profile/bob.test/post/2",
    });
    const quote = interactionOf(
      {
        ...base,
        uri: "at://did:plc:bob/app.bsky.feed.post/3",
        author,
        reason: "quote",
        record: { text: "À voir", embed: { $type: "app.bsky.embed.record", record: { uri: post } } },
      },
      own,
    );
    expect(quote).toMatchObject({ kind: "quote", subjectExternalId: post });
    const follow = interactionOf(
      { ...base, uri: "at://did:plc:bob/app.bsky.graph.follow/4", author, reason: "follow", record: {} },
      own,
    );
    expect(follow).toMatchObject({ kind: "follow", subjectExternalId: null, url: "https://bsky.app/profile/bob.test" });
    const mention = interactionOf(
      { ...base, uri: "at://did:plc:bob/app.bsky.feed.post/5", author, reason: "mention", record: { text: "@musee" } },
      own,
    );
    expect(mention).toMatchObject({ kind: "mention", subjectExternalId: null });
    // Someone else's post liked through a repost: not ours, no subject; unknown reasons are skipped.
    const other = interactionOf(
      {
        ...base,
        uri: "at://x/l/6",
        author,
        reason: "like",
        reasonSubject: "at://did:plc:other/app.bsky.feed.post/9",
        record: {},
      },
      own,
    );
    expect(other?.subjectExternalId).toBeNull();
    expect(interactionOf({ ...base, uri: "at://x/s/7", author, reason: "starterpack-joined", record: {} }, own)).toBe(
      null,
    );
  });
});

describe("connect input", () => {
  const env = { http: new HttpClient({ allowPrivateNetwork: false }) };
  it("refuses a bad handle, a missing app password and a private PDS URL, with translatable issues", async () => {
    const err = await blueskyConnector
      .connect({ handle: "pas un identifiant", appPassword: "", service: "https://10.0.0.8" }, env)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectInputError);
    const paths = (err as ConnectInputError).error.issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["appPassword", "handle", "service"]);
    const handleIssue = (err as ConnectInputError).error.issues.find((i) => i.path[0] === "handle");
    expect(handleIssue).toMatchObject({ params: { i18n: "bluesky_handle" } });
    const http = await blueskyConnector
      .connect({ handle: "musee.bsky.social", appPassword: "abcd-efgh-ijkl-mnop", service: "http://pds.example" }, env)
      .catch((e) => e);
    expect(http).toBeInstanceOf(ConnectInputError);
  });
});

/** A syntactically valid CID: @atproto/api validates responses against the lexicons. */
const CID = "bafyreigysoa74rkelsedfqain2woyvyjreestgngavc3ca35k6ntwr6ehy";

/** A fake PDS: enough XRPC for sessions, getRecord/createRecord and notifications, with scripted failures. */
class FakePds {
  server: Server;
  url = "";
  calls: string[] = [];
  access = "access-1";
  refresh = "refresh-1";
  refuseRefresh = false;
  rateLimitOnce = false;
  records = new Map<string, unknown>();

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }
  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }
  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const method = url.pathname.replace("/xrpc/", "");
    this.calls.push(method);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    const auth = req.headers.authorization ?? "";
    if (method === "com.atproto.server.refreshSession") {
      if (this.refuseRefresh || auth !== `Bearer ${this.refresh}`) {
        return this.send(res, 400, { error: "ExpiredToken", message: "Token has been revoked" });
      }
      this.access = "access-2";
      this.refresh = "refresh-2";
      return this.send(res, 200, {
        accessJwt: this.access,
        refreshJwt: this.refresh,
        handle: "musee.test",
        did: "did:plc:musee",
        active: true,
      });
    }
    if (auth !== `Bearer ${this.access}`) {
      return this.send(res, 400, { error: "ExpiredToken", message: "Token has expired" });
    }
    if (this.rateLimitOnce) {
      this.rateLimitOnce = false;
      const reset = Math.floor(Date.now() / 1000) + 30;
      return this.send(
        res,
        429,
        { error: "RateLimitExceeded", message: "Rate Limit Exceeded" },
        {
          "ratelimit-reset": String(reset),
          "ratelimit-remaining": "0",
        },
      );
    }
    if (method === "com.atproto.server.getSession") {
      return this.send(res, 200, { handle: "musee.test", did: "did:plc:musee", active: true });
    }
    if (method === "com.atproto.repo.getRecord") {
      const rkey = url.searchParams.get("rkey") ?? "";
      const rec = this.records.get(rkey);
      if (!rec) return this.send(res, 400, { error: "RecordNotFound", message: "Could not locate record" });
      return this.send(res, 200, { uri: `at://did:plc:musee/app.bsky.feed.post/${rkey}`, cid: CID, value: rec });
    }
    if (method === "com.atproto.repo.createRecord") {
      if (this.records.has(body.rkey)) return this.send(res, 500, { error: "InternalServerError" });
      if (typeof body.record?.text !== "string" || body.record.text.includes("interdit")) {
        return this.send(res, 400, { error: "InvalidRequest", message: "Invalid app.bsky.feed.post record: refused" });
      }
      this.records.set(body.rkey, body.record);
      return this.send(res, 200, { uri: `at://did:plc:musee/app.bsky.feed.post/${body.rkey}`, cid: CID });
    }
    if (method === "com.atproto.identity.resolveHandle") return this.send(res, 400, { error: "InvalidRequest" });
    return this.send(res, 501, { error: "MethodNotImplemented", message: method });
  }
}

describe("sessions and publishing against a fake PDS", () => {
  const pds = new FakePds();
  const http = new HttpClient({ allowPrivateNetwork: true });
  beforeAll(() => pds.start());
  afterAll(async () => {
    pds.server.close();
    await http.close();
  });
  const account = () => ({
    credentials: {
      service: pds.url,
      pds: pds.url,
      did: "did:plc:musee",
      handle: "musee.test",
      accessJwt: "access-1",
      refreshJwt: "refresh-1",
    },
    settings: {},
  });
  const request = (text: string, key: string): PublishRequest => ({
    idempotencyKey: key,
    postId: "p",
    targetId: "t",
    workspaceId: "w",
    text,
    linkUrl: null,
    media: [],
    options: {},
    scheduledAt: null,
  });

  it("refreshes an expired access token, persists the new session and publishes once; a retry creates nothing", async () => {
    // The stored access token (access-1) has expired on the server.
    pds.access = "access-expired";
    const persisted: Record<string, unknown>[] = [];
    const env = { http, persistCredentials: async (c: Record<string, unknown>) => void persisted.push(c) };
    const long = "Première phrase du fil, avec des accents éèà et un emoji 🎭. ".repeat(8);
    const r = await blueskyConnector.publish(account(), request(long, "k-refresh"), env);
    expect(r.externalId).toBe(`at://did:plc:musee/app.bsky.feed.post/${rkeyFor("k-refresh")}`);
    expect(r.url).toBe(`https://bsky.app/profile/musee.test/post/${rkeyFor("k-refresh")}`);
    expect(r.threadExternalIds).toHaveLength(1);
    expect(persisted).toEqual([expect.objectContaining({ accessJwt: "access-2", refreshJwt: "refresh-2" })]);
    // The second part replies to the first.
    const second = pds.records.get(rkeyFor("k-refresh", 1)) as {
      reply: { root: { uri: string }; parent: { uri: string } };
    };
    expect(second.reply.root.uri).toBe(r.externalId);
    expect(second.reply.parent.uri).toBe(r.externalId);
    const creates = pds.calls.filter((c) => c === "com.atproto.repo.createRecord").length;
    // A retry with the refreshed credentials: both records exist, nothing is created.
    const again = await blueskyConnector.publish(
      { credentials: persisted[0]!, settings: {} },
      request(long, "k-refresh"),
      env,
    );
    expect(again).toMatchObject({ externalId: r.externalId, threadExternalIds: r.threadExternalIds });
    expect(pds.calls.filter((c) => c === "com.atproto.repo.createRecord").length).toBe(creates);
    const found = await blueskyConnector.lookup!(
      { credentials: persisted[0]!, settings: {} },
      request(long, "k-refresh"),
      env,
    );
    expect(found?.externalId).toBe(r.externalId);
    expect(
      await blueskyConnector.lookup!({ credentials: persisted[0]!, settings: {} }, request("x", "k-absent"), env),
    ).toBe(null);
  });

  it("refused refresh → auth_expired; 429 → rate_limited with the reset delay; invalid record → content_rejected", async () => {
    pds.access = "access-3";
    pds.refuseRefresh = true;
    const err = await blueskyConnector.publish(account(), request("Bonjour 👋", "k-expired"), { http }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: "auth_expired" });
    const check = await blueskyConnector.validateCredentials(account(), { http });
    expect(check.ok).toBe(false);
    pds.refuseRefresh = false;
    pds.access = "access-1";
    pds.rateLimitOnce = true;
    const limited = await blueskyConnector.publish(account(), request("Bonjour 👋", "k-429"), { http }).catch((e) => e);
    expect(limited).toMatchObject({ kind: "rate_limited" });
    expect(limited.options.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(limited.options.retryAfterSeconds).toBeLessThanOrEqual(31);
    const rejected = await blueskyConnector
      .publish(account(), request("Texte interdit", "k-400"), { http })
      .catch((e) => e);
    expect(rejected).toMatchObject({ kind: "content_rejected", networkMessage: expect.stringContaining("refused") });
    expect(pds.records.has(rkeyFor("k-400"))).toBe(false);
  });

  it("a create that failed after landing (500 on a key already written) is treated as published", async () => {
    pds.access = "access-1";
    // The record exists but our first getRecord says nothing (crash between write and answer is simulated
    // by writing it behind the connector's back after its check): the 500 on create leads to a re-check.
    const key = "k-landed";
    const rkey = rkeyFor(key);
    const orig = pds.records.get.bind(pds.records);
    let first = true;
    pds.records.get = (k: string) => {
      if (k === rkey && first) {
        first = false;
        pds.records.set(rkey, { text: "Déjà là", createdAt: "2026-11-22T06:00:00.000Z" });
        return undefined;
      }
      return orig(k);
    };
    const r = await blueskyConnector.publish(account(), request("Déjà là", key), { http });
    expect(r.externalId.endsWith(rkey)).toBe(true);
    pds.records.get = orig;
  });

  it("refuses videos and more than 4 images before sending anything", async () => {
    const img = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const media = (kind: "image" | "video") => ({
      id: "m",
      kind,
      mimeType: "image/png",
      sizeBytes: img.length,
      width: 10,
      height: 10,
      altText: "",
      url: "",
      read: async () => img,
    });
    const before = pds.calls.length;
    const five = { ...request("Cinq images", "k-5"), media: Array.from({ length: 5 }, () => media("image")) };
    await expect(blueskyConnector.publish(account(), five, { http })).rejects.toMatchObject({
      kind: "content_rejected",
    });
    const video = { ...request("Vidéo", "k-v"), media: [media("video")] };
    await expect(blueskyConnector.publish(account(), video, { http })).rejects.toMatchObject({
      kind: "content_rejected",
    });
    expect(pds.calls.length).toBe(before);
  });
});
