import type { AppBskyFeedDefs, AppBskyNotificationListNotifications, AtpAgent, AtpSessionData } from "@atproto/api";
import { z } from "zod";
import { HttpError, httpClientFor } from "../../lib/http-client.js";
import { fitUnderBytes } from "../../modules/media/media-images.js";
import { PROFILES } from "../../shared/networks/profiles.js";
import {
  type AccountMetrics,
  type AccountSecrets,
  type ConnectedAccount,
  ConnectInputError,
  type Connector,
  type ConnectorEnv,
  ConnectorError,
  type FetchedInteraction,
  type InteractionKind,
  type InteractionPage,
  type PostMetrics,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
  type SearchedPost,
} from "../types.js";
import { toConnectorError } from "./errors.js";
import { fetchThrough } from "./fetch.js";
import { fetchLinkPreview, IMAGE_LIMITS } from "./og.js";
import { partRkey, rkeyFor } from "./rkey.js";
import { detectFacets, type Facet, MAX_THREAD_PARTS, splitThread } from "./text.js";

/**
 * The Bluesky (AT Protocol) connector. docs/BLUESKY.md describes it; in short:
 * - connect: handle + app password (+ optional PDS URL, else resolved from the handle) → a session
 *   (accessJwt, refreshJwt, did, handle, pds) stored as the account's encrypted credentials. Sessions are
 *   refreshed by @atproto/api when the access token expires; the new tokens go back through
 *   env.persistCredentials before the call returns. A refused refresh is auth_expired (reconnect).
 * - publish: facets, up to 4 images (fitted under 1,000,000 bytes, alt text, aspect ratio), link card,
 *   quote and reply (options), long text → numbered thread. Every record key is derived from the
 *   idempotency key (rkey.ts): a retry finds the records already there and creates nothing twice.
 * - every HTTP call goes through Relais's HTTP client (fetch.ts).
 */

export const POST_COLLECTION = "app.bsky.feed.post";
/** @atproto/api takes seconds to load on a busy machine: only processes that talk to Bluesky pay for it. */
const loadApi = () => import("@atproto/api");
const BLOB_MAX_BYTES = 1_000_000;
const DEFAULT_SERVICE = "https://bsky.social";
const PLC_DIRECTORY = "https://plc.directory";

interface BlueskyCredentials {
  service: string;
  pds: string;
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

/** Options a post target may carry for Bluesky (PublishRequest.options). */
export interface BlueskyPostOptions {
  /** Reply to this post (at:// URI or https://bsky.app/profile/…/post/… URL). */
  replyTo?: string;
  /** Quote this post (same forms). */
  quote?: string;
  /** BCP-47 languages of the text, e.g. ["fr"]. */
  langs?: string[];
  /** false: refuse a text over 300 graphemes instead of making a thread. */
  thread?: boolean;
}

const HANDLE_RE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DID_RE = /^did:(plc|web):[a-zA-Z0-9._:%-]+$/;

function inputSchema(env: ConnectorEnv) {
  return z
    .object({
      handle: z
        .string()
        .trim()
        .transform((h) => h.replace(/^@/, "").toLowerCase())
        .pipe(
          z
            .string()
            .max(253)
            .refine((h) => HANDLE_RE.test(h) || DID_RE.test(h), { params: { i18n: "bluesky_handle" } }),
        ),
      appPassword: z.string().trim().min(1).max(200),
      service: z
        .string()
        .trim()
        .max(2048)
        .pipe(z.url({ protocol: env.http.allowPrivateNetwork ? /^https?$/ : /^https$/ }))
        .superRefine((url, ctx) => {
          try {
            env.http.checkUrl(url);
          } catch (err) {
            const key = err instanceof HttpError && err.kind === "blocked_address" ? "private_address" : "invalid_url";
            ctx.addIssue({ code: "custom", message: key, params: { i18n: key } });
          }
        })
        .optional()
        .or(z.literal("").transform(() => undefined)),
      name: z.string().trim().min(1).max(100).optional(),
    })
    .strict();
}

function defaultEnv(): ConnectorEnv {
  return { http: httpClientFor({ allowPrivateNetwork: false }) };
}

function credentialsOf(account: AccountSecrets): BlueskyCredentials {
  const c = account.credentials as Partial<BlueskyCredentials>;
  for (const key of ["service", "did", "handle", "accessJwt", "refreshJwt"] as const) {
    if (typeof c[key] !== "string" || !c[key]) {
      throw new ConnectorError("auth_expired", "Stored Bluesky session is incomplete: reconnect the account");
    }
  }
  return { ...(c as BlueskyCredentials), pds: c.pds || (c.service as string) };
}

/** The public web address of a post. */
export function postUrl(handleOrDid: string, uri: string): string {
  const rkey = uri.split("/").pop() ?? "";
  return `https://bsky.app/profile/${handleOrDid}/post/${rkey}`;
}

function atUri(did: string, rkey: string): string {
  return `at://${did}/${POST_COLLECTION}/${rkey}`;
}

/**
 * An authenticated agent for one call. Refreshed sessions are remembered and handed to
 * env.persistCredentials by `finish()`; a refresh refused by the server clears the session (→ 401 on the
 * retried call → auth_expired); a refresh that could not reach the server is a transient error.
 */
class Session {
  private current: AtpAgent | undefined;
  private updated: AtpSessionData | undefined;
  private refreshUnreachable = false;

  constructor(
    readonly creds: BlueskyCredentials,
    private readonly env: ConnectorEnv,
  ) {}

  /** The agent, created by run() (so @atproto/api loads on the first Bluesky call, not at process start). */
  get agent(): AtpAgent {
    if (!this.current) throw new Error("Bluesky session used outside run()");
    return this.current;
  }

  private async open(): Promise<AtpAgent> {
    if (this.current) return this.current;
    const { AtpAgent } = await loadApi();
    const agent = new AtpAgent({
      service: this.creds.service,
      fetch: fetchThrough(this.env.http),
      persistSession: (event, session) => {
        if (event === "update" && session) this.updated = { ...session };
        if (event === "network-error") this.refreshUnreachable = true;
      },
    });
    agent.sessionManager.session = {
      did: this.creds.did,
      handle: this.creds.handle,
      accessJwt: this.creds.accessJwt,
      refreshJwt: this.creds.refreshJwt,
      active: true,
    };
    agent.sessionManager.pdsUrl = new URL(this.creds.pds);
    this.current = agent;
    return agent;
  }

  get did(): string {
    return this.creds.did;
  }

  get handle(): string {
    return this.updated?.handle ?? this.creds.handle;
  }

  async run<T>(fn: (agent: AtpAgent) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.open());
    } catch (err) {
      if (this.refreshUnreachable) {
        throw new ConnectorError("transient", "The Bluesky server could not be reached to refresh the session");
      }
      throw toConnectorError(err);
    } finally {
      await this.persist();
    }
  }

  /** Credentials after a refresh during this session's calls (null when the session was not refreshed). */
  refreshed: BlueskyCredentials | null = null;

  private async persist(): Promise<void> {
    const s = this.updated;
    if (!s) return;
    this.updated = undefined;
    const pds = this.agent.sessionManager.pdsUrl?.toString().replace(/\/$/, "") ?? this.creds.pds;
    Object.assign(this.creds, {
      pds,
      did: s.did,
      handle: s.handle,
      accessJwt: s.accessJwt,
      refreshJwt: s.refreshJwt,
    });
    this.refreshed = { ...this.creds };
    if (this.env.persistCredentials) await this.env.persistCredentials({ ...this.creds });
  }
}

/** The PDS of a handle: handle → DID (HTTPS well-known) → DID document → #atproto_pds endpoint. */
export async function resolvePds(env: ConnectorEnv, handleOrDid: string): Promise<string | null> {
  const limits = { maxBytes: 64 * 1024, totalTimeoutMs: 8_000, maxRedirects: 2 };
  try {
    let did = handleOrDid;
    if (!DID_RE.test(did)) {
      const res = await env.http.request(`https://${handleOrDid}/.well-known/atproto-did`, limits);
      const text = res.text().trim();
      if (res.status !== 200 || !DID_RE.test(text)) return null;
      did = text;
    }
    const docUrl = did.startsWith("did:plc:")
      ? `${PLC_DIRECTORY}/${did}`
      : `https://${decodeURIComponent(did.slice("did:web:".length))}/.well-known/did.json`;
    const doc = (await env.http.request(docUrl, limits)).json<{
      service?: { id?: string; type?: string; serviceEndpoint?: unknown }[];
    }>();
    const svc = doc?.service?.find((s) => s.id?.endsWith("#atproto_pds") || s.type === "AtprotoPersonalDataServer");
    return typeof svc?.serviceEndpoint === "string" ? svc.serviceEndpoint : null;
  } catch {
    return null;
  }
}

/** A post reference from an at:// URI or a bsky.app URL (the handle resolved to a DID). */
async function parsePostRef(session: Session, ref: string): Promise<string> {
  const trimmed = ref.trim();
  if (/^at:\/\/[^/]+\/app\.bsky\.feed\.post\/[^/]+$/.test(trimmed)) return trimmed;
  const m = /^https:\/\/(?:[\w.-]+\.)?bsky\.app\/profile\/([^/]+)\/post\/([^/?#]+)/.exec(trimmed);
  if (!m) throw new ConnectorError("content_rejected", `Not a Bluesky post address: ${trimmed.slice(0, 200)}`);
  let actor = decodeURIComponent(m[1]!);
  if (!actor.startsWith("did:")) {
    actor = (await session.agent.com.atproto.identity.resolveHandle({ handle: actor })).data.did;
  }
  return atUri(actor, m[2]!);
}

async function fetchPostView(session: Session, uri: string): Promise<AppBskyFeedDefs.PostView> {
  const res = await session.agent.app.bsky.feed.getPosts({ uris: [uri] });
  const post = res.data.posts[0];
  if (!post) throw new ConnectorError("content_rejected", `Bluesky post not found: ${uri}`);
  return post;
}

interface StrongRef {
  uri: string;
  cid: string;
}

async function uploadImages(session: Session, media: PublishMedia[]) {
  const images = [];
  for (const m of media) {
    const input = await m.read();
    let fitted: Awaited<ReturnType<typeof fitUnderBytes>>;
    try {
      fitted = await fitUnderBytes(input, BLOB_MAX_BYTES);
    } catch (err) {
      throw new ConnectorError("content_rejected", `Image ${m.id} cannot be sent: ${(err as Error).message}`);
    }
    const blob = await session.agent.com.atproto.repo.uploadBlob(fitted.data, { encoding: fitted.mimeType });
    images.push({
      image: blob.data.blob,
      alt: m.altText ?? "",
      aspectRatio: { width: fitted.width, height: fitted.height },
    });
  }
  return images;
}

async function linkCard(session: Session, env: ConnectorEnv, url: string) {
  const preview = await fetchLinkPreview(env.http, url);
  let thumb: unknown;
  if (preview.imageUrl) {
    try {
      const res = await env.http.request(preview.imageUrl, IMAGE_LIMITS);
      if (res.status === 200 && /^image\//.test(res.headers["content-type"] ?? "")) {
        const fitted = await fitUnderBytes(res.body, BLOB_MAX_BYTES, { maxSide: 1200 });
        thumb = (await session.agent.com.atproto.repo.uploadBlob(fitted.data, { encoding: fitted.mimeType })).data.blob;
      }
    } catch (err) {
      // A thumbnail we cannot fetch or decode: the card goes without it. A Bluesky error is real, though.
      if (!(err instanceof HttpError) && (err as { status?: unknown }).status !== undefined) throw err;
    }
  }
  return {
    $type: "app.bsky.embed.external",
    external: {
      uri: preview.uri,
      title: preview.title,
      description: preview.description,
      ...(thumb ? { thumb } : {}),
    },
  };
}

/** The record at our key, or null when there is none (RecordNotFound). */
async function existingRecord(session: Session, rkey: string): Promise<(StrongRef & { createdAt?: string }) | null> {
  try {
    const res = await session.agent.com.atproto.repo.getRecord({
      repo: session.did,
      collection: POST_COLLECTION,
      rkey,
    });
    if (!res.data.cid) return null;
    const createdAt = (res.data.value as { createdAt?: unknown }).createdAt;
    return { uri: res.data.uri, cid: res.data.cid, ...(typeof createdAt === "string" ? { createdAt } : {}) };
  } catch (err) {
    const e = err as { status?: number; error?: string; message?: string };
    if (e.error === "RecordNotFound" || (e.status === 400 && /could not locate record/i.test(e.message ?? ""))) {
      return null;
    }
    throw err;
  }
}

function optionsOf(request: PublishRequest): BlueskyPostOptions {
  const o = request.options ?? {};
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const langs = Array.isArray(o.langs) ? o.langs.filter((l): l is string => typeof l === "string").slice(0, 3) : [];
  return {
    ...(str(o.replyTo) ? { replyTo: str(o.replyTo) } : {}),
    ...(str(o.quote) ? { quote: str(o.quote) } : {}),
    ...(langs.length ? { langs } : {}),
    ...(o.thread === false ? { thread: false } : {}),
  };
}

function partsOf(request: PublishRequest): string[] {
  const parts = splitThread(request.text ?? "");
  if (parts.length > 1 && optionsOf(request).thread === false) {
    throw new ConnectorError("content_rejected", "The text is longer than 300 characters (graphemes)");
  }
  if (parts.length > MAX_THREAD_PARTS) {
    throw new ConnectorError(
      "content_rejected",
      `The text would need ${parts.length} posts (${MAX_THREAD_PARTS} at most)`,
    );
  }
  return parts;
}

async function publishWith(session: Session, env: ConnectorEnv, request: PublishRequest): Promise<PublishResult> {
  const options = optionsOf(request);
  const parts = partsOf(request);
  const images = request.media.filter((m) => m.kind === "image" || m.kind === "gif");
  if (request.media.some((m) => m.kind === "video")) {
    throw new ConnectorError("content_rejected", "Relais does not send videos to Bluesky yet");
  }
  if (images.length > PROFILES.bluesky.media.maxCount) {
    throw new ConnectorError("content_rejected", `Bluesky takes ${PROFILES.bluesky.media.maxCount} images at most`);
  }
  const rkeys = parts.map((_, i) => rkeyFor(request.idempotencyKey, i));
  const resolveHandle = async (handle: string) => {
    try {
      return (await session.agent.com.atproto.identity.resolveHandle({ handle })).data.did;
    } catch {
      return null;
    }
  };

  // The thread's reply chain: the first post answers `replyTo` when given.
  let root: StrongRef | null = null;
  let parent: StrongRef | null = null;
  if (options.replyTo) {
    const view = await fetchPostView(session, await parsePostRef(session, options.replyTo));
    parent = { uri: view.uri, cid: view.cid };
    const theirRoot = (view.record as { reply?: { root?: StrongRef } }).reply?.root;
    root = theirRoot?.uri && theirRoot.cid ? { uri: theirRoot.uri, cid: theirRoot.cid } : parent;
  }
  let quoteRef: StrongRef | null = null;
  // Images on the first post; the link card on the first post without images (a thread's second part
  // when the first has images; dropped — the link stays in the text — for a single post with images).
  const cardPart = request.linkUrl ? (images.length === 0 ? 0 : parts.length > 1 ? 1 : -1) : -1;

  const refs: StrongRef[] = [];
  let firstCreatedAt: string | undefined;
  for (const [i, text] of parts.entries()) {
    const rkey = rkeys[i]!;
    const existing = await existingRecord(session, rkey);
    let ref: StrongRef;
    if (existing) {
      ref = existing;
      if (i === 0) firstCreatedAt = existing.createdAt;
    } else {
      const facets: Facet[] = await detectFacets(text, resolveHandle);
      let media: Record<string, unknown> | null = null;
      if (i === 0 && images.length) {
        media = { $type: "app.bsky.embed.images", images: await uploadImages(session, images) };
      } else if (i === cardPart && request.linkUrl) {
        media = await linkCard(session, env, request.linkUrl);
      }
      if (i === 0 && options.quote && !quoteRef) {
        const view = await fetchPostView(session, await parsePostRef(session, options.quote));
        quoteRef = { uri: view.uri, cid: view.cid };
      }
      let embed: Record<string, unknown> | undefined;
      if (i === 0 && quoteRef) {
        embed = media
          ? { $type: "app.bsky.embed.recordWithMedia", record: { record: quoteRef }, media }
          : { $type: "app.bsky.embed.record", record: quoteRef };
      } else if (media) {
        embed = media;
      }
      const createdAt = new Date().toISOString();
      const record = {
        $type: POST_COLLECTION,
        text,
        createdAt,
        ...(facets.length ? { facets } : {}),
        ...(embed ? { embed } : {}),
        ...(root && parent ? { reply: { root, parent } } : {}),
        ...(options.langs ? { langs: options.langs } : {}),
      };
      try {
        const res = await session.agent.com.atproto.repo.createRecord({
          repo: session.did,
          collection: POST_COLLECTION,
          rkey,
          record,
          validate: true,
        });
        ref = { uri: res.data.uri, cid: res.data.cid };
      } catch (err) {
        // A write that failed may still have landed (timeout after commit), and a second create at the same
        // key is refused: either way the record at our key, if any, is the post.
        const again = await existingRecord(session, rkey).catch(() => null);
        if (!again) throw err;
        ref = again;
      }
      if (i === 0) firstCreatedAt = createdAt;
    }
    refs.push(ref);
    if (!root) root = ref;
    parent = ref;
  }
  const first = refs[0]!;
  return {
    externalId: first.uri,
    url: postUrl(session.handle, first.uri),
    publishedAt: firstCreatedAt ? new Date(firstCreatedAt) : new Date(),
    ...(refs.length > 1 ? { threadExternalIds: refs.slice(1).map((r) => r.uri) } : {}),
  };
}

const REASONS: Record<string, InteractionKind> = {
  reply: "reply",
  mention: "mention",
  quote: "quote",
  repost: "repost",
  like: "like",
  follow: "follow",
};

/** A notification as an interaction (null for kinds Relais does not track, e.g. starter-pack joins). */
export function interactionOf(
  n: AppBskyNotificationListNotifications.Notification,
  ownDid: string,
): FetchedInteraction | null {
  const kind = REASONS[n.reason];
  if (!kind) return null;
  const record = (n.record ?? {}) as {
    text?: unknown;
    reply?: { parent?: { uri?: string } };
    embed?: { record?: { uri?: string; record?: { uri?: string } } };
    createdAt?: unknown;
  };
  const ours = (uri: string | undefined) => (uri?.startsWith(`at://${ownDid}/`) ? uri : null);
  let subject: string | null = null;
  if (kind === "like" || kind === "repost") subject = ours(n.reasonSubject);
  else if (kind === "quote") {
    subject = ours(n.reasonSubject) ?? ours(record.embed?.record?.uri) ?? ours(record.embed?.record?.record?.uri);
  } else if (kind === "reply" || kind === "mention") subject = ours(record.reply?.parent?.uri);
  const withText = kind === "reply" || kind === "mention" || kind === "quote";
  const profile = `https://bsky.app/profile/${n.author.handle}`;
  const createdAt = typeof record.createdAt === "string" ? Date.parse(record.createdAt) : Number.NaN;
  return {
    externalId: n.uri,
    kind,
    authorExternalId: n.author.did,
    authorHandle: n.author.handle,
    authorName: n.author.displayName?.trim() || null,
    authorAvatarUrl: n.author.avatar ?? null,
    text: withText && typeof record.text === "string" ? record.text : null,
    url: withText ? postUrl(n.author.handle, n.uri) : profile,
    occurredAt: new Date(Number.isNaN(createdAt) ? n.indexedAt : createdAt),
    subjectExternalId: subject,
  };
}

function metricsOf(p: AppBskyFeedDefs.PostView): PostMetrics {
  return {
    likes: p.likeCount ?? 0,
    reposts: p.repostCount ?? 0,
    replies: p.replyCount ?? 0,
    quotes: p.quoteCount ?? 0,
    impressions: null,
  };
}

export const blueskyConnector: Connector & { guaranteesIdempotency: true } = {
  network: "bluesky",
  profile: PROFILES.bluesky,
  /** Record keys come from the idempotency key: "not found" by lookup() means never written. */
  guaranteesIdempotency: true,
  connectFields: [
    { name: "handle", type: "text", required: true, labelKey: "blueskyHandle", placeholder: "nom.bsky.social" },
    { name: "appPassword", type: "password", required: true, labelKey: "blueskyAppPassword" },
    { name: "service", type: "url", required: false, labelKey: "blueskyService", placeholder: "https://bsky.social" },
  ],

  async connect(input, env = defaultEnv()): Promise<ConnectedAccount> {
    const parsed = inputSchema(env).safeParse(input, { reportInput: true });
    if (!parsed.success) throw new ConnectInputError(parsed.error);
    const { handle, appPassword, name } = parsed.data;
    const service = (parsed.data.service ?? (await resolvePds(env, handle)) ?? DEFAULT_SERVICE).replace(/\/$/, "");
    const { AtpAgent } = await loadApi();
    const agent = new AtpAgent({ service, fetch: fetchThrough(env.http) });
    try {
      await agent.login({ identifier: handle, password: appPassword });
    } catch (err) {
      throw toConnectorError(err);
    }
    const s = agent.session;
    if (!s) throw new ConnectorError("auth_expired", "Bluesky returned no session");
    const pds = agent.sessionManager.pdsUrl?.toString().replace(/\/$/, "") ?? service;
    const credentials: BlueskyCredentials = {
      service,
      pds,
      did: s.did,
      handle: s.handle,
      accessJwt: s.accessJwt,
      refreshJwt: s.refreshJwt,
    };
    let displayName: string | null = null;
    let avatarUrl: string | null = null;
    try {
      const profile = await agent.app.bsky.actor.getProfile({ actor: s.did });
      displayName = profile.data.displayName?.trim() || null;
      avatarUrl = profile.data.avatar ?? null;
    } catch {
      // A brand-new account has no profile record yet: the handle is the name.
    }
    return {
      displayName: name ?? displayName ?? `@${s.handle}`,
      handle: s.handle,
      externalId: s.did,
      avatarUrl,
      credentials: { ...credentials },
      settings: { service },
    };
  },

  async validateCredentials(account, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    try {
      await session.run((agent) => agent.com.atproto.server.getSession());
    } catch (err) {
      const e = err as ConnectorError;
      if (e.kind === "auth_expired") return { ok: false as const, reason: e.networkMessage };
      throw e;
    }
    // A refreshed session is also returned, for callers that store credentials themselves.
    return session.refreshed ? { ok: true as const, refreshed: { ...session.refreshed } } : { ok: true as const };
  },

  async publish(account, request, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    return session.run(() => publishWith(session, env, request));
  },

  async lookup(account, request, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    return session.run(async () => {
      const parts = partsOf(request);
      const refs = [];
      for (const [i] of parts.entries()) {
        const found = await existingRecord(session, rkeyFor(request.idempotencyKey, i));
        // A thread cut short by a crash is "not published": publishing again completes it (same keys).
        if (!found) return null;
        refs.push(found);
      }
      const first = refs[0]!;
      return {
        externalId: first.uri,
        url: postUrl(session.handle, first.uri),
        publishedAt: first.createdAt ? new Date(first.createdAt) : new Date(),
        ...(refs.length > 1 ? { threadExternalIds: refs.slice(1).map((r) => r.uri) } : {}),
      };
    });
  },

  async delete(account, externalId, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(externalId);
    if (!m || m[1] !== session.did) throw new ConnectorError("permanent", `Not a post of this account: ${externalId}`);
    const rkey = m[2]!;
    await session.run(async (agent) => {
      // A thread goes whole: its later parts have the next record keys (rkey.ts), deleted last to first.
      const later: string[] = [];
      for (let i = 1; i < MAX_THREAD_PARTS; i++) {
        const key = partRkey(rkey, i);
        if (!key || !(await existingRecord(session, key))) break;
        later.push(key);
      }
      for (const key of [...later.reverse(), rkey]) {
        await agent.com.atproto.repo.deleteRecord({ repo: session.did, collection: POST_COLLECTION, rkey: key });
      }
    });
  },

  async readInteractions(account, options, env = defaultEnv()): Promise<InteractionPage> {
    const session = new Session(credentialsOf(account), env);
    return session.run(async (agent) => {
      const res = await agent.app.bsky.notification.listNotifications({
        limit: Math.max(1, Math.min(100, options.limit)),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      const items = res.data.notifications
        .map((n) => interactionOf(n, session.did))
        .filter((x): x is FetchedInteraction => x !== null);
      const more = res.data.cursor && res.data.notifications.length > 0;
      return { items, cursor: more ? (res.data.cursor ?? null) : null };
    });
  },

  async readPostMetrics(account, externalIds, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    const out = new Map<string, PostMetrics>();
    const ids = [...new Set(externalIds.filter((id) => id.startsWith("at://")))];
    await session.run(async (agent) => {
      for (let i = 0; i < ids.length; i += 25) {
        const res = await agent.app.bsky.feed.getPosts({ uris: ids.slice(i, i + 25) });
        for (const p of res.data.posts) out.set(p.uri, metricsOf(p));
      }
    });
    return out;
  },

  async readAccountMetrics(account, env = defaultEnv()): Promise<AccountMetrics> {
    const session = new Session(credentialsOf(account), env);
    return session.run(async (agent) => {
      const p = (await agent.app.bsky.actor.getProfile({ actor: session.did })).data;
      return { followers: p.followersCount ?? 0, following: p.followsCount ?? 0, posts: p.postsCount ?? 0 };
    });
  },

  async search(account, query, env = defaultEnv()) {
    const session = new Session(credentialsOf(account), env);
    return session.run(async (agent) => {
      const res = await agent.app.bsky.feed.searchPosts({
        q: query.q,
        limit: Math.max(1, Math.min(100, query.limit)),
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.since ? { since: query.since.toISOString() } : {}),
        ...(query.language ? { lang: query.language } : {}),
      });
      const items: SearchedPost[] = res.data.posts.map((p) => {
        const record = p.record as { text?: unknown; langs?: unknown; createdAt?: unknown };
        const created = typeof record.createdAt === "string" ? Date.parse(record.createdAt) : Number.NaN;
        return {
          externalId: p.uri,
          url: postUrl(p.author.handle, p.uri),
          text: typeof record.text === "string" ? record.text : "",
          authorHandle: p.author.handle,
          authorName: p.author.displayName?.trim() || null,
          language: Array.isArray(record.langs) && typeof record.langs[0] === "string" ? record.langs[0] : null,
          publishedAt: new Date(Number.isNaN(created) ? p.indexedAt : created),
          metrics: metricsOf(p),
        };
      });
      return { items, cursor: res.data.cursor ?? null };
    });
  },
};
