import type { mastodon } from "masto";
import { z } from "zod";
import { httpClientFor } from "../../lib/http-client.js";
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
  type PostMetrics,
  type PublishMedia,
  type PublishRequest,
  type PublishResult,
  type SearchedPost,
} from "../types.js";
import { normaliseInstanceUrl, readInstance, storedLimits } from "./instance.js";
import { errorForThrown, mastoClient } from "./masto-client.js";
import { instanceLength, splitThread } from "./thread.js";

/**
 * The Mastodon connector (masto on top of Relais' safe HTTP client, see masto-client.ts).
 * Credentials: { instanceUrl, accessToken } (plus the OAuth app's client id when connected by OAuth).
 * Settings: { instanceUrl, instanceTitle, limits } — the instance's own limits, read at connect time
 * from /api/v2/instance (and again by validateCredentials) and respected before any call when publishing.
 */

interface MastodonCredentials {
  instanceUrl: string;
  accessToken: string;
}

export type Visibility = "public" | "unlisted" | "private" | "direct";
const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private", "direct"];

function defaultEnv(): ConnectorEnv {
  return { http: httpClientFor({ allowPrivateNetwork: false }) };
}

function credentialsOf(account: AccountSecrets): MastodonCredentials {
  const { instanceUrl, accessToken } = account.credentials as Partial<MastodonCredentials>;
  if (typeof instanceUrl !== "string" || typeof accessToken !== "string" || !accessToken) {
    throw new ConnectorError("auth_expired", "Stored Mastodon credentials are incomplete");
  }
  return { instanceUrl, accessToken };
}

function clientFor(account: AccountSecrets, env: ConnectorEnv): mastodon.rest.Client {
  const c = credentialsOf(account);
  return mastoClient(env, c.instanceUrl, c.accessToken);
}

/** Runs a network call; anything thrown becomes a ConnectorError. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw errorForThrown(err);
  }
}

/** The Idempotency-Key of part `index` of a publication: stable across retries, distinct per part. */
export function partKey(idempotencyKey: string, index: number): string {
  return index === 0 ? idempotencyKey : `${idempotencyKey}:${index}`;
}

/** Mastodon's HTML content → plain text (paragraphs and line breaks kept, tags dropped, entities decoded). */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .trim();
}

/** Publication options Relais understands for Mastodon (from the post or the target variant). */
export function optionsOf(options: Record<string, unknown>) {
  const m = (options.mastodon && typeof options.mastodon === "object" ? options.mastodon : {}) as Record<
    string,
    unknown
  >;
  const pick = (k: string) => m[k] ?? options[k];
  const visibility = pick("visibility");
  const cw = pick("spoilerText") ?? pick("contentWarning");
  const language = pick("language");
  return {
    visibility: VISIBILITIES.includes(visibility as Visibility) ? (visibility as Visibility) : undefined,
    spoilerText: typeof cw === "string" && cw.trim() ? cw.trim() : undefined,
    language: typeof language === "string" && /^[a-z]{2,3}$/i.test(language) ? language.toLowerCase() : undefined,
    sensitive: pick("sensitive") === true ? true : undefined,
    /** true: a text over the limit becomes a numbered thread (as the shared checks allow); else refused. */
    thread: pick("thread") === true,
  };
}

/** Focal point of a media, when the media module gives one ({x,y} in -1…1, Mastodon's convention). */
function focusOf(media: PublishMedia): string | undefined {
  const f = (media as PublishMedia & { focus?: { x?: unknown; y?: unknown } | null }).focus;
  if (!f || typeof f.x !== "number" || typeof f.y !== "number") return undefined;
  const clamp = (n: number) => Math.max(-1, Math.min(1, n));
  return `${clamp(f.x).toFixed(2)},${clamp(f.y).toFixed(2)}`;
}

/**
 * Checks a publication against the instance's limits before anything is sent; returns the parts of the
 * thread. Over a limit → content_rejected (nothing was sent).
 */
export function planPublication(account: AccountSecrets, request: PublishRequest): string[] {
  const limits = storedLimits(account.settings);
  const o = optionsOf(request.options);
  const reject = (msg: string) => new ConnectorError("content_rejected", msg, { code: "instance_limit" });
  if (request.media.length > limits.maxMediaAttachments) {
    throw reject(
      `This instance accepts ${limits.maxMediaAttachments} attachments per post (${request.media.length} given)`,
    );
  }
  for (const m of request.media) {
    const limit = m.kind === "video" ? limits.videoSizeLimit : limits.imageSizeLimit;
    if (limit && m.sizeBytes > limit) {
      throw reject(`A ${m.kind} of ${m.sizeBytes} bytes exceeds this instance's limit of ${limit} bytes`);
    }
    if (limits.supportedMimeTypes && !limits.supportedMimeTypes.includes(m.mimeType)) {
      throw reject(`This instance does not accept ${m.mimeType} files`);
    }
    if (limits.descriptionLimit && [...m.altText].length > limits.descriptionLimit) {
      throw reject(`An alt text exceeds this instance's limit of ${limits.descriptionLimit} characters`);
    }
  }
  let text = request.text ?? "";
  if (request.linkUrl && !text.includes(request.linkUrl))
    text = text ? `${text}\n\n${request.linkUrl}` : request.linkUrl;
  const cwLength = o.spoilerText ? instanceLength(o.spoilerText, limits.charactersReservedPerUrl) : 0;
  const max = limits.maxCharacters - cwLength;
  if (max < 1) throw reject("The content warning alone exceeds this instance's character limit");
  if (!text.trim() && !request.media.length) throw reject("Nothing to publish: no text and no media");
  if (!text.trim()) return [""];
  const length = instanceLength(text, limits.charactersReservedPerUrl);
  if (length <= max) return [text];
  if (!o.thread) {
    throw reject(`${length} characters; this instance accepts ${max} per post (no thread was asked for)`);
  }
  return splitThread(text, max, limits.charactersReservedPerUrl);
}

function statusUrl(s: mastodon.v1.Status, instanceUrl: string): string {
  return s.url ?? `${instanceUrl}/@${s.account.acct}/${s.id}`;
}

async function uploadMedia(client: mastodon.rest.Client, media: PublishMedia): Promise<string> {
  const bytes = await media.read();
  const file = new Blob([new Uint8Array(bytes)], { type: media.mimeType });
  const focus = focusOf(media);
  // masto waits for processing (202 → polls GET /api/v1/media/:id until it has a URL).
  const uploaded = await client.v2.media.create({
    file,
    ...(media.altText ? { description: media.altText } : {}),
    ...(focus ? { focus } : {}),
  });
  return uploaded.id;
}

function interactionKind(n: mastodon.v1.Notification, ownIds: Set<string> | null): InteractionKind | null {
  switch (n.type) {
    case "favourite":
      return "like";
    case "reblog":
      return "repost";
    case "follow":
      return "follow";
    case "quote":
      return "quote";
    case "mention": {
      const s = n.status;
      // A mention that answers one of our statuses is a reply (Mastodon notifies replies as mentions).
      if (s?.inReplyToAccountId && ownIds?.has(s.inReplyToAccountId)) return "reply";
      return "mention";
    }
    default:
      return null;
  }
}

/** The next-page cursor from Mastodon's Link header (its max_id), else the oldest id of the page. */
export function nextCursor(link: string | null, items: { id: string }[]): string | null {
  if (link) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(link);
    if (m) {
      try {
        const maxId = new URL(m[1]!).searchParams.get("max_id");
        if (maxId) return maxId;
      } catch {
        /* fall through */
      }
    }
    return null;
  }
  return items.length ? items[items.length - 1]!.id : null;
}

function toSearched(s: mastodon.v1.Status): SearchedPost {
  return {
    externalId: s.id,
    url: s.url ?? null,
    text: plainText(s.content),
    authorHandle: s.account.acct,
    authorName: s.account.displayName || null,
    language: s.language ?? null,
    publishedAt: new Date(s.createdAt),
    metrics: {
      likes: s.favouritesCount,
      reposts: s.reblogsCount,
      replies: s.repliesCount,
      quotes: null,
      impressions: null,
    },
  };
}

const INTERACTION_TYPES = ["mention", "favourite", "reblog", "follow", "quote"] as const;

export const mastodonConnector: Connector & { oauthScopes: string } = {
  network: "mastodon",
  profile: PROFILES.mastodon,
  oauthScopes: "read write",
  connectFields: [
    {
      name: "instanceUrl",
      type: "url",
      required: true,
      labelKey: "mastodonInstance",
      placeholder: "https://mastodon.social",
    },
    { name: "accessToken", type: "password", required: true, labelKey: "mastodonToken" },
    { name: "name", type: "text", required: false, labelKey: "accountName" },
  ],

  async connect(input, env = defaultEnv()): Promise<ConnectedAccount> {
    const parsed = z
      .object({
        instanceUrl: z.string().trim().min(1).max(2048),
        accessToken: z.string().trim().min(1).max(2000),
        name: z.string().trim().min(1).max(100).optional(),
        clientId: z.string().max(500).optional(),
      })
      .strict()
      .safeParse(input, { reportInput: true });
    if (!parsed.success) throw new ConnectInputError(parsed.error);
    const instanceUrl = normaliseInstanceUrl(parsed.data.instanceUrl, env.http);
    const instance = await readInstance(env, instanceUrl);
    const client = mastoClient(env, instanceUrl, parsed.data.accessToken);
    const me = await call(() => client.v1.accounts.verifyCredentials());
    const host = new URL(instanceUrl).host;
    return {
      displayName: parsed.data.name ?? (me.displayName || me.username),
      handle: `@${me.username}@${host}`,
      externalId: me.id,
      avatarUrl: me.avatar ?? null,
      credentials: {
        instanceUrl,
        accessToken: parsed.data.accessToken,
        ...(parsed.data.clientId ? { clientId: parsed.data.clientId } : {}),
      },
      settings: { instanceUrl, instanceTitle: instance.title, accountId: me.id, limits: instance.limits },
    };
  },

  async validateCredentials(account, env = defaultEnv()) {
    const client = clientFor(account, env);
    try {
      await client.v1.accounts.verifyCredentials();
    } catch (err) {
      const e = errorForThrown(err);
      if (e.kind === "auth_expired") return { ok: false as const, reason: e.networkMessage };
      throw e;
    }
    // The token works: read the instance's limits again (an admin may have changed them since the
    // connection). An instance that does not answer now keeps the limits stored before.
    try {
      const instance = await readInstance(env, credentialsOf(account).instanceUrl);
      return { ok: true as const, settings: { instanceTitle: instance.title, limits: instance.limits } };
    } catch {
      return { ok: true as const };
    }
  },

  async publish(account, request, env = defaultEnv()): Promise<PublishResult> {
    const creds = credentialsOf(account);
    const parts = planPublication(account, request);
    const o = optionsOf(request.options);
    const client = clientFor(account, env);
    const mediaIds: string[] = [];
    for (const m of request.media) mediaIds.push(await call(() => uploadMedia(client, m)));
    const chain: mastodon.v1.Status[] = [];
    let previous: mastodon.v1.Status | null = null;
    for (const [i, text] of parts.entries()) {
      const params = {
        status: text,
        ...(i === 0 && mediaIds.length ? { mediaIds } : {}),
        ...(previous ? { inReplyToId: previous.id } : {}),
        // Replies of a public thread stay out of the public timelines, as Mastodon's own clients do.
        ...(o.visibility ? { visibility: i > 0 && o.visibility === "public" ? "unlisted" : o.visibility } : {}),
        ...(o.spoilerText ? { spoilerText: o.spoilerText } : {}),
        ...(o.sensitive ? { sensitive: true } : {}),
        ...(o.language ? { language: o.language } : {}),
      };
      const status: mastodon.v1.Status = await call(() =>
        client.v1.statuses.create(params as mastodon.rest.v1.CreateStatusParams, {
          requestInit: { headers: { "Idempotency-Key": partKey(request.idempotencyKey, i) } },
        }),
      );
      chain.push(status);
      previous = status;
    }
    const head = chain[0] as mastodon.v1.Status;
    return {
      externalId: head.id,
      url: statusUrl(head, creds.instanceUrl),
      publishedAt: new Date(head.createdAt),
      ...(chain.length > 1 ? { threadExternalIds: chain.slice(1).map((s) => s.id) } : {}),
    };
  },

  async delete(account, externalId, env = defaultEnv()) {
    const client = clientFor(account, env);
    try {
      await client.v1.statuses.$select(externalId).remove();
    } catch (err) {
      const e = errorForThrown(err);
      // Already gone: the goal is reached.
      if (e.options.status === 404 || e.options.status === 410) return;
      throw e;
    }
  },

  /**
   * After a crash: Mastodon cannot be asked by idempotency key, so we look at the account's recent
   * statuses for one with exactly our (first part's) text, created after the publication was due. Only an
   * exact match counts; otherwise null and the user decides.
   */
  async lookup(account, request, env = defaultEnv()) {
    const creds = credentialsOf(account);
    const client = clientFor(account, env);
    const me = await call(() => client.v1.accounts.verifyCredentials());
    const parts = planPublication(account, request);
    const expected = (parts[0] ?? "").trim();
    const since = request.scheduledAt ? request.scheduledAt.getTime() - 60 * 60_000 : Date.now() - 24 * 60 * 60_000;
    const recent = await call(async () => await client.v1.accounts.$select(me.id).statuses.list({ limit: 40 }));
    const match = recent.find(
      (s) =>
        !s.reblog && new Date(s.createdAt).getTime() >= since && plainText(s.content) === expected && !s.inReplyToId,
    );
    return match
      ? { externalId: match.id, url: statusUrl(match, creds.instanceUrl), publishedAt: new Date(match.createdAt) }
      : null;
  },

  async readInteractions(account, options, env = defaultEnv()) {
    const client = clientFor(account, env);
    const me = typeof account.settings.accountId === "string" ? account.settings.accountId : null;
    const ownId = me ?? (await call(() => client.v1.accounts.verifyCredentials())).id;
    const params = {
      limit: Math.min(Math.max(options.limit, 1), 80),
      types: [...INTERACTION_TYPES],
      ...(options.cursor ? { maxId: options.cursor } : {}),
    };
    const res = await call(
      async () => await client.v1.notifications.list.$raw(params as mastodon.rest.v1.ListNotificationsParams),
    );
    const notifications = res.data;
    const own = new Set([ownId]);
    const items: FetchedInteraction[] = [];
    for (const n of notifications) {
      const kind = interactionKind(n, own);
      if (!kind) continue;
      const s = n.status ?? null;
      const subject =
        kind === "like" || kind === "repost"
          ? (s?.id ?? null)
          : kind === "reply"
            ? (s?.inReplyToId ?? null)
            : kind === "quote"
              ? ((s as { quote?: { quotedStatus?: { id?: string } } } | null)?.quote?.quotedStatus?.id ?? null)
              : null;
      items.push({
        externalId: n.id,
        kind,
        authorExternalId: n.account?.id ?? null,
        authorHandle: n.account?.acct ?? null,
        authorName: n.account?.displayName || null,
        authorAvatarUrl: n.account?.avatar ?? null,
        text: kind === "reply" || kind === "mention" || kind === "quote" ? plainText(s?.content ?? "") : null,
        url:
          kind === "follow"
            ? (n.account?.url ?? null)
            : kind === "reply" || kind === "mention" || kind === "quote"
              ? (s?.url ?? null)
              : null,
        occurredAt: new Date(n.createdAt),
        subjectExternalId: subject,
      });
    }
    return { items, cursor: notifications.length ? nextCursor(res.headers.get("link"), notifications) : null };
  },

  async readPostMetrics(account, externalIds, env = defaultEnv()) {
    const client = clientFor(account, env);
    const out = new Map<string, PostMetrics>();
    for (let i = 0; i < externalIds.length; i += 20) {
      const batch = externalIds.slice(i, i + 20);
      const statuses = await call(() => client.v1.statuses.fetch({ id: batch }));
      for (const s of statuses) {
        out.set(s.id, {
          likes: s.favouritesCount,
          reposts: s.reblogsCount,
          replies: s.repliesCount,
          quotes: (s as { quotesCount?: number }).quotesCount ?? null,
          impressions: null,
        });
      }
    }
    return out;
  },

  async readAccountMetrics(account, env = defaultEnv()): Promise<AccountMetrics> {
    const me = await call(() => clientFor(account, env).v1.accounts.verifyCredentials());
    return { followers: me.followersCount, following: me.followingCount, posts: me.statusesCount };
  },

  /** Keywords → /api/v2/search (statuses); a single #hashtag → the hashtag's timeline. */
  async search(account, query, env = defaultEnv()) {
    const client = clientFor(account, env);
    const limit = Math.min(Math.max(query.limit, 1), 40);
    const hashtag = /^#([\p{L}\p{N}_]+)$/u.exec(query.q.trim());
    let statuses: mastodon.v1.Status[];
    let cursor: string | null;
    if (hashtag) {
      const res = await call(
        async () =>
          await client.v1.timelines.tag.$select(hashtag[1]!).list.$raw({
            limit,
            ...(query.cursor ? { maxId: query.cursor } : {}),
          }),
      );
      statuses = res.data;
      cursor = statuses.length ? nextCursor(res.headers.get("link"), statuses) : null;
    } else {
      const offset = query.cursor ? Number(query.cursor) || 0 : 0;
      const res = await call(
        async () => await client.v2.search.list({ q: query.q, type: "statuses", limit, ...(offset ? { offset } : {}) }),
      );
      statuses = res.statuses;
      cursor = statuses.length === limit ? String(offset + limit) : null;
    }
    let items = statuses.map(toSearched);
    if (query.since) items = items.filter((s) => s.publishedAt >= query.since!);
    if (query.language) items = items.filter((s) => !s.language || s.language === query.language);
    return { items, cursor };
  },
};
