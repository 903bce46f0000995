import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mastodonSpec, type Operation } from "./spec.js";

/**
 * A fake Mastodon instance on loopback, built from the published API description: every request is
 * validated against it (unknown route, unknown query parameter, body not matching the schema → recorded in
 * `violations`, answered 422), and every JSON answer is validated against the response schema (a wrong
 * answer is a violation too). Tests assert `violations` is empty.
 *
 * State is in memory: one local user (`relais`, the account Relais connects) and a few others who reply,
 * favourite, boost and follow. Faults are injected per request (status, headers, or a dropped connection
 * after the request was handled, as when an answer is lost).
 */

type Json = Record<string, unknown>;

interface AccountState {
  id: string;
  username: string;
  displayName: string;
  followers: number;
  following: number;
}

interface StatusState {
  id: string;
  accountId: string;
  text: string;
  createdAt: Date;
  visibility: "public" | "unlisted" | "private" | "direct";
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  inReplyToId: string | null;
  mediaIds: string[];
  favourites: number;
  reblogs: number;
  replies: number;
  deleted: boolean;
  idempotencyKey: string | null;
}

interface MediaState {
  id: string;
  type: "image" | "video" | "gifv" | "audio" | "unknown";
  description: string | null;
  focus: string | null;
  pollsLeft: number;
  bytes: number;
  mimeType: string;
}

interface NotificationState {
  id: string;
  type: string;
  accountId: string;
  statusId: string | null;
  createdAt: Date;
}

export interface Fault {
  method?: string;
  path?: RegExp;
  status?: number;
  body?: Json;
  headers?: Record<string, string>;
  /** Handle the request normally, then destroy the socket before answering (the answer is lost). */
  dropAfterHandling?: boolean;
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface FakeMastodonOptions {
  title?: string;
  maxCharacters?: number;
  maxMediaAttachments?: number;
  charactersReservedPerUrl?: number;
  /** GET /api/v1/media/:id answers 206 this many times before the media is processed. */
  mediaProcessingPolls?: number;
  rateLimit?: number;
}

const API_HOST_NAME = "fake.mastodon.test";

export class FakeMastodon {
  readonly spec = mastodonSpec();
  readonly violations: string[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly accounts = new Map<string, AccountState>();
  readonly statuses = new Map<string, StatusState>();
  readonly media = new Map<string, MediaState>();
  readonly notifications: NotificationState[] = [];
  readonly apps = new Map<string, { secret: string; redirectUris: string[]; scopes: string; name: string }>();
  readonly tokens = new Map<string, string>();
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; accountId: string }>();
  private readonly idempotency = new Map<string, string>();
  private faults: Fault[] = [];
  private seq = 110_000_000_000_000_000n;
  private server: http.Server | null = null;
  url = "";
  options: Required<FakeMastodonOptions>;
  /** The local user Relais connects as. */
  readonly me: AccountState;
  rate = { limit: 300, remaining: 300, resetAt: new Date(Date.now() + 300_000) };
  /** Set to make /oauth/authorize answer as if the user clicked "Deny". */
  denyAuthorization = false;

  constructor(options: FakeMastodonOptions = {}) {
    this.options = {
      title: "Fake Mastodon",
      maxCharacters: 500,
      maxMediaAttachments: 4,
      charactersReservedPerUrl: 23,
      mediaProcessingPolls: 1,
      rateLimit: 300,
      ...options,
    };
    this.rate = {
      limit: this.options.rateLimit,
      remaining: this.options.rateLimit,
      resetAt: new Date(Date.now() + 300_000),
    };
    this.me = this.addAccount("relais", "Relais Démo 🌿");
  }

  nextId(): string {
    this.seq += 1n;
    return this.seq.toString();
  }

  addAccount(username: string, displayName: string): AccountState {
    const a: AccountState = { id: this.nextId(), username, displayName, followers: 12, following: 3 };
    this.accounts.set(a.id, a);
    return a;
  }

  /** A token for the local user, as if it had been pasted from the instance's settings. */
  issueToken(accountId = this.me.id): string {
    const token = `tok_${randomBytes(12).toString("hex")}`;
    this.tokens.set(token, accountId);
    return token;
  }

  revokeAllTokens(): void {
    this.tokens.clear();
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  liveStatuses(accountId = this.me.id): StatusState[] {
    return [...this.statuses.values()].filter((s) => s.accountId === accountId && !s.deleted);
  }

  /** Someone else posts (a reply to one of ours when inReplyToId is given; mentions notify the local user). */
  post(author: AccountState, text: string, o: { inReplyToId?: string; mention?: boolean } = {}): StatusState {
    const s = this.createStatus(author.id, { status: text, in_reply_to_id: o.inReplyToId ?? null }, null);
    if (o.inReplyToId) {
      const parent = this.statuses.get(o.inReplyToId);
      if (parent) parent.replies += 1;
    }
    if (o.mention || o.inReplyToId) this.notify("mention", author.id, s.id);
    return s;
  }

  favourite(by: AccountState, statusId: string): void {
    const s = this.statuses.get(statusId);
    if (s) s.favourites += 1;
    this.notify("favourite", by.id, statusId);
  }

  reblog(by: AccountState, statusId: string): void {
    const s = this.statuses.get(statusId);
    if (s) s.reblogs += 1;
    this.notify("reblog", by.id, statusId);
  }

  follow(by: AccountState): void {
    this.me.followers += 1;
    this.notify("follow", by.id, null);
  }

  notify(type: string, accountId: string, statusId: string | null): NotificationState {
    const n = { id: this.nextId(), type, accountId, statusId, createdAt: new Date() };
    this.notifications.push(n);
    return n;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.violations.push(`fake crashed: ${(err as Error).stack ?? err}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "fake crashed" }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  // ---------------------------------------------------------------- entities

  accountEntity(a: AccountState): Json {
    return {
      id: a.id,
      username: a.username,
      acct: a.username,
      url: `${this.url}/@${a.username}`,
      uri: `${this.url}/users/${a.username}`,
      display_name: a.displayName,
      note: "",
      avatar: `${this.url}/avatars/${a.id}.png`,
      avatar_static: `${this.url}/avatars/${a.id}.png`,
      header: `${this.url}/headers/missing.png`,
      header_static: `${this.url}/headers/missing.png`,
      locked: false,
      bot: false,
      group: false,
      discoverable: true,
      indexable: true,
      created_at: "2024-01-01T00:00:00.000Z",
      last_status_at: null,
      statuses_count: this.liveStatuses(a.id).length,
      followers_count: a.followers,
      following_count: a.following,
      emojis: [],
      fields: [],
    };
  }

  credentialAccountEntity(a: AccountState): Json {
    return {
      ...this.accountEntity(a),
      source: {
        indexable: true,
        privacy: "public",
        sensitive: false,
        language: "fr",
        note: "",
        fields: [],
        follow_requests_count: 0,
      },
      role: { id: "-99", name: "", permissions: "0", color: "", highlighted: false },
    };
  }

  mediaEntity(m: MediaState): Json {
    const processed = m.pollsLeft <= 0;
    const [x, y] = (m.focus ?? "0,0").split(",").map(Number);
    return {
      id: m.id,
      type: m.type,
      url: processed ? `${this.url}/media/${m.id}.bin` : null,
      preview_url: processed ? `${this.url}/media/${m.id}-small.bin` : null,
      remote_url: null,
      description: m.description,
      blurhash: null,
      meta: { focus: { x: x ?? 0, y: y ?? 0 } },
    };
  }

  statusEntity(s: StatusState, withSource = false): Json {
    const account = this.accounts.get(s.accountId)!;
    const parent = s.inReplyToId ? this.statuses.get(s.inReplyToId) : undefined;
    const tags = [...s.text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => ({
      name: m[1]!.toLowerCase(),
      url: `${this.url}/tags/${encodeURIComponent(m[1]!.toLowerCase())}`,
    }));
    const escaped = s.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    return {
      id: s.id,
      uri: `${this.url}/users/${account.username}/statuses/${s.id}`,
      url: `${this.url}/@${account.username}/${s.id}`,
      created_at: s.createdAt.toISOString(),
      edited_at: null,
      account: this.accountEntity(account),
      content: `<p>${escaped.replace(/\n/g, "<br />")}</p>`,
      visibility: s.visibility,
      sensitive: s.sensitive,
      spoiler_text: s.spoilerText,
      media_attachments: s.mediaIds.map((id) => this.mediaEntity(this.media.get(id)!)),
      application: { name: "Relais", website: null },
      mentions: [],
      tags,
      emojis: [],
      reblogs_count: s.reblogs,
      favourites_count: s.favourites,
      replies_count: s.replies,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: parent?.accountId ?? null,
      reblog: null,
      poll: null,
      card: null,
      language: s.language,
      ...(withSource ? { text: s.text } : {}),
    };
  }

  notificationEntity(n: NotificationState): Json {
    return {
      id: n.id,
      type: n.type,
      group_key: `ungrouped-${n.id}`,
      created_at: n.createdAt.toISOString(),
      account: this.accountEntity(this.accounts.get(n.accountId)!),
      ...(n.statusId && this.statuses.get(n.statusId)
        ? { status: this.statusEntity(this.statuses.get(n.statusId)!) }
        : {}),
    };
  }

  instanceEntity(): Json {
    const host = new URL(this.url).host;
    return {
      domain: host,
      title: this.options.title,
      version: "4.5.0",
      source_url: "https://github.com/mastodon/mastodon",
      description: "Une instance de test pour Relais.",
      usage: { users: { active_month: 3 } },
      thumbnail: { url: `${this.url}/thumbnail.png` },
      icon: [],
      languages: ["fr", "en"],
      configuration: {
        urls: { streaming: `ws://${host}`, status: null },
        vapid: {
          public_key: "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
        },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: {
          max_characters: this.options.maxCharacters,
          max_media_attachments: this.options.maxMediaAttachments,
          characters_reserved_per_url: this.options.charactersReservedPerUrl,
        },
        media_attachments: {
          supported_mime_types: ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"],
          description_limit: 1500,
          image_size_limit: 16_777_216,
          image_matrix_limit: 33_177_600,
          video_size_limit: 103_809_024,
          video_frame_rate_limit: 120,
          video_matrix_limit: 8_294_400,
        },
        polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2_629_746 },
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null },
      api_versions: { mastodon: 7 },
      contact: { email: "admin@example.org", account: null },
      rules: [],
    };
  }

  // ---------------------------------------------------------------- requests

  private createStatus(accountId: string, body: Json, idempotencyKey: string | null): StatusState {
    const s: StatusState = {
      id: this.nextId(),
      accountId,
      text: String(body.status ?? ""),
      createdAt: new Date(),
      visibility: (body.visibility as StatusState["visibility"]) ?? "public",
      spoilerText: String(body.spoiler_text ?? ""),
      sensitive: Boolean(body.sensitive) || Boolean(body.spoiler_text),
      language: (body.language as string | undefined) ?? null,
      inReplyToId: (body.in_reply_to_id as string | null | undefined) ?? null,
      mediaIds: (body.media_ids as string[] | undefined) ?? [],
      favourites: 0,
      reblogs: 0,
      replies: 0,
      deleted: false,
      idempotencyKey,
    };
    this.statuses.set(s.id, s);
    return s;
  }

  /** Mastodon's counting: URLs count as characters_reserved_per_url, @user@domain as @user. */
  countCharacters(text: string): number {
    const replaced = text
      .replace(/https?:\/\/[^\s]+/g, "x".repeat(this.options.charactersReservedPerUrl))
      .replace(/@([\w]+)@[\w.-]+/g, "@$1");
    return [...new Intl.Segmenter().segment(replaced)].length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = key.endsWith("[]") ? all : (all.at(-1) ?? "");
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const raw = await readBody(req);
    const contentType = headers["content-type"] ?? null;
    let body: unknown;
    if (raw.length) {
      if (contentType?.startsWith("application/json")) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          return this.send(res, null, 400, { error: "Malformed JSON" });
        }
      } else if (
        contentType?.startsWith("multipart/form-data") ||
        contentType?.startsWith("application/x-www-form-urlencoded")
      ) {
        const form = await new Request(url, {
          method: "POST",
          headers: { "content-type": contentType },
          body: new Uint8Array(raw),
        }).formData();
        const fields: Json = {};
        for (const [k, v] of form.entries()) {
          const value = typeof v === "string" ? v : { file: true, name: v.name, type: v.type, size: v.size };
          if (k.endsWith("[]")) {
            const name = k.slice(0, -2);
            fields[name] = [...((fields[name] as unknown[] | undefined) ?? []), value];
          } else fields[k] = value;
        }
        body = fields;
      } else {
        body = raw.toString("utf8");
      }
    }
    this.requests.push({ method, path: url.pathname, query, headers, body });

    const op = this.spec.find(method, url.pathname);
    if (!op) {
      this.violations.push(`undocumented route ${method} ${url.pathname}`);
      return this.send(res, null, 404, { error: "Record not found" });
    }
    // The description types files as strings (format: binary): validate the form with placeholders.
    const forValidation =
      body && typeof body === "object"
        ? Object.fromEntries(
            Object.entries(body as Json).map(([k, v]) => [
              k,
              v && typeof v === "object" && (v as Json).file ? "(binary)" : v,
            ]),
          )
        : body;
    const problems = this.spec.validateRequest(op, { query, headers, body: forValidation, contentType });
    if (problems.length) {
      this.violations.push(...problems.map((p) => `${method} ${url.pathname}: ${p}`));
      return this.send(res, op, 422, { error: `Validation failed: ${problems.join("; ")}` });
    }

    const fault = this.faults.find((f) => (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (!fault.dropAfterHandling) {
        return this.send(res, op, fault.status ?? 500, fault.body ?? { error: "Injected fault" }, fault.headers);
      }
    }

    const isPublic =
      url.pathname.startsWith("/oauth/") ||
      url.pathname === "/api/v1/apps" ||
      url.pathname === "/api/v2/instance" ||
      url.pathname === "/api/v1/instance";
    let accountId: string | null = null;
    if (!isPublic) {
      const auth = headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      accountId = this.tokens.get(token) ?? null;
      if (!accountId) return this.send(res, op, 401, { error: "The access token is invalid" });
      // Rate limit per token, as Mastodon does for authenticated calls (300 per 5 minutes by default).
      if (this.rate.resetAt.getTime() <= Date.now()) {
        this.rate.remaining = this.rate.limit;
        this.rate.resetAt = new Date(Date.now() + 300_000);
      }
      if (this.rate.remaining <= 0) return this.send(res, op, 429, { error: "Too many requests" });
      this.rate.remaining -= 1;
    }

    const answer = this.route(op, method, url, query, headers, body as Json | undefined, accountId);
    if (fault?.dropAfterHandling) {
      req.socket.destroy();
      return;
    }
    if ("redirect" in answer) {
      res.writeHead(302, { location: answer.redirect });
      res.end();
      return;
    }
    return this.send(res, op, answer.status, answer.body, answer.headers);
  }

  private route(
    op: Operation & { params: Record<string, string> },
    method: string,
    url: URL,
    query: Record<string, string | string[]>,
    headers: Record<string, string | undefined>,
    body: Json | undefined,
    accountId: string | null,
  ): { status: number; body: unknown; headers?: Record<string, string> } | { redirect: string } {
    const key = `${method} ${op.template}`;
    const me = accountId ? this.accounts.get(accountId)! : null;
    switch (key) {
      case "POST /api/v1/apps": {
        const clientId = randomBytes(16).toString("hex");
        const secret = randomBytes(16).toString("hex");
        const redirectUris = (body?.redirect_uris as string[] | string | undefined) ?? [];
        const uris = Array.isArray(redirectUris) ? redirectUris : String(redirectUris).split(/\s+/);
        const scopes = String(body?.scopes ?? "read");
        this.apps.set(clientId, { secret, redirectUris: uris, scopes, name: String(body?.client_name) });
        return {
          status: 200,
          body: {
            id: this.nextId(),
            name: String(body?.client_name),
            website: (body?.website as string | undefined) ?? null,
            scopes: scopes.split(" "),
            redirect_uri: uris.join("\n"),
            redirect_uris: uris,
            client_id: clientId,
            client_secret: secret,
            client_secret_expires_at: 0,
            vapid_key: "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
          },
        };
      }
      case "GET /oauth/authorize": {
        const app = this.apps.get(String(query.client_id));
        const redirectUri = String(query.redirect_uri ?? "");
        if (!app || !app.redirectUris.includes(redirectUri) || query.response_type !== "code") {
          return {
            status: 400,
            body: { error: "invalid_request", error_description: "Unknown client or redirect URI" },
          };
        }
        const target = new URL(redirectUri);
        if (query.state) target.searchParams.set("state", String(query.state));
        if (this.denyAuthorization) {
          target.searchParams.set("error", "access_denied");
          target.searchParams.set(
            "error_description",
            "The resource owner or authorization server denied the request.",
          );
          return { redirect: target.toString() };
        }
        const code = randomBytes(16).toString("hex");
        this.codes.set(code, { clientId: String(query.client_id), redirectUri, accountId: this.me.id });
        target.searchParams.set("code", code);
        return { redirect: target.toString() };
      }
      case "POST /oauth/token": {
        const grant = this.codes.get(String(body?.code));
        const app = this.apps.get(String(body?.client_id));
        if (
          body?.grant_type !== "authorization_code" ||
          !grant ||
          !app ||
          app.secret !== body?.client_secret ||
          grant.clientId !== body?.client_id ||
          grant.redirectUri !== body?.redirect_uri
        ) {
          return {
            status: 400,
            body: {
              error: "invalid_grant",
              error_description:
                "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            },
          };
        }
        this.codes.delete(String(body.code));
        const token = this.issueToken(grant.accountId);
        return {
          status: 200,
          body: {
            access_token: token,
            token_type: "Bearer",
            scope: app.scopes,
            created_at: Math.floor(Date.now() / 1000),
          },
        };
      }
      case "GET /api/v2/instance":
        return { status: 200, body: this.instanceEntity() };
      case "GET /api/v1/accounts/verify_credentials":
        return { status: 200, body: this.credentialAccountEntity(me!) };
      case "POST /api/v2/media": {
        const file = body?.file as { type?: string; size?: number } | undefined;
        const mime = file?.type ?? "application/octet-stream";
        const type = mime.startsWith("image/gif")
          ? "gifv"
          : mime.startsWith("image/")
            ? "image"
            : mime.startsWith("video/")
              ? "video"
              : "unknown";
        const m: MediaState = {
          id: this.nextId(),
          type,
          description: (body?.description as string | undefined) ?? null,
          focus: (body?.focus as string | undefined) ?? null,
          pollsLeft: this.options.mediaProcessingPolls,
          bytes: file?.size ?? 0,
          mimeType: mime,
        };
        this.media.set(m.id, m);
        return { status: m.pollsLeft > 0 ? 202 : 200, body: this.mediaEntity(m) };
      }
      case "GET /api/v1/media/{id}": {
        const m = this.media.get(op.params.id!);
        if (!m) return { status: 404, body: { error: "Record not found" } };
        if (m.pollsLeft > 0) {
          m.pollsLeft -= 1;
          return { status: 206, body: this.mediaEntity(m) };
        }
        return { status: 200, body: this.mediaEntity(m) };
      }
      case "POST /api/v1/statuses": {
        const idem = headers["idempotency-key"] ?? null;
        const replayKey = idem ? `${accountId}:${idem}` : null;
        const existing = replayKey ? this.idempotency.get(replayKey) : undefined;
        if (existing) return { status: 200, body: this.statusEntity(this.statuses.get(existing)!) };
        const text = String(body?.status ?? "");
        const mediaIds = (body?.media_ids as string[] | undefined) ?? [];
        if (!text.trim() && !mediaIds.length)
          return { status: 422, body: { error: "Validation failed: Text can't be blank" } };
        if (this.countCharacters(text) > this.options.maxCharacters) {
          return {
            status: 422,
            body: { error: `Validation failed: Text character limit of ${this.options.maxCharacters} exceeded` },
          };
        }
        if (mediaIds.length > this.options.maxMediaAttachments) {
          return { status: 422, body: { error: "Validation failed: Too many attachments" } };
        }
        for (const id of mediaIds) {
          const m = this.media.get(id);
          if (!m) return { status: 422, body: { error: "Validation failed: Media attachment not found" } };
          if (m.pollsLeft > 0)
            return {
              status: 422,
              body: { error: "Cannot attach files that have not finished processing. Try again in a moment!" },
            };
        }
        if (body?.in_reply_to_id && !this.statuses.get(String(body.in_reply_to_id))) {
          return { status: 404, body: { error: "Record not found" } };
        }
        const s = this.createStatus(accountId!, body ?? {}, idem);
        if (s.inReplyToId) this.statuses.get(s.inReplyToId)!.replies += 1;
        if (replayKey) this.idempotency.set(replayKey, s.id);
        return { status: 200, body: this.statusEntity(s) };
      }
      case "GET /api/v1/statuses": {
        const ids = ([] as string[]).concat(query["id[]"] ?? query.id ?? []);
        const found = ids.map((id) => this.statuses.get(id)).filter((s): s is StatusState => !!s && !s.deleted);
        return { status: 200, body: found.map((s) => this.statusEntity(s)) };
      }
      case "GET /api/v1/statuses/{id}": {
        const s = this.statuses.get(op.params.id!);
        if (!s || s.deleted) return { status: 404, body: { error: "Record not found" } };
        return { status: 200, body: this.statusEntity(s) };
      }
      case "DELETE /api/v1/statuses/{id}": {
        const s = this.statuses.get(op.params.id!);
        if (!s || s.deleted) return { status: 404, body: { error: "Record not found" } };
        if (s.accountId !== accountId) return { status: 403, body: { error: "This action is not allowed" } };
        s.deleted = true;
        return { status: 200, body: this.statusEntity(s, true) };
      }
      case "GET /api/v1/accounts/{id}/statuses": {
        const list = this.liveStatuses(op.params.id!).sort(byIdDesc);
        return this.page(url, query, list, (s) => this.statusEntity(s), 20, 40);
      }
      case "GET /api/v1/notifications": {
        const types = ([] as string[]).concat(query["types[]"] ?? []);
        const exclude = ([] as string[]).concat(query["exclude_types[]"] ?? []);
        const list = this.notifications
          .filter((n) => (!types.length || types.includes(n.type)) && !exclude.includes(n.type))
          .sort(byIdDesc);
        return this.page(url, query, list, (n) => this.notificationEntity(n), 40, 80);
      }
      case "GET /api/v2/search": {
        const q = String(query.q ?? "").toLowerCase();
        const limit = Math.min(Number(query.limit ?? 20), 40);
        const offset = Number(query.offset ?? 0);
        const statuses =
          !query.type || query.type === "statuses"
            ? [...this.statuses.values()]
                .filter((s) => !s.deleted && s.visibility === "public" && s.text.toLowerCase().includes(q))
                .sort(byIdDesc)
                .slice(offset, offset + limit)
                .map((s) => this.statusEntity(s))
            : [];
        return { status: 200, body: { accounts: [], statuses, hashtags: [] } };
      }
      case "GET /api/v1/timelines/tag/{hashtag}": {
        const tag = op.params.hashtag!.toLowerCase();
        const list = [...this.statuses.values()]
          .filter((s) => !s.deleted && s.visibility === "public" && s.text.toLowerCase().includes(`#${tag}`))
          .sort(byIdDesc);
        return this.page(url, query, list, (s) => this.statusEntity(s), 20, 40);
      }
      default:
        this.violations.push(`fake does not implement ${key}`);
        return { status: 404, body: { error: "Record not found" } };
    }
  }

  /** max_id / since_id / min_id paging, newest first, with Mastodon's Link header. */
  private page<T extends { id: string }>(
    url: URL,
    query: Record<string, string | string[]>,
    list: T[],
    present: (x: T) => unknown,
    defaultLimit: number,
    maxLimit: number,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const limit = Math.min(Number(query.limit ?? defaultLimit) || defaultLimit, maxLimit);
    let items = list;
    if (query.max_id) items = items.filter((x) => cmpId(x.id, String(query.max_id)) < 0);
    if (query.since_id) items = items.filter((x) => cmpId(x.id, String(query.since_id)) > 0);
    if (query.min_id) items = items.filter((x) => cmpId(x.id, String(query.min_id)) > 0).slice(-limit);
    items = items.slice(0, limit);
    const headers: Record<string, string> = {};
    if (items.length) {
      const base = new URL(url.toString());
      for (const k of ["max_id", "min_id", "since_id"]) base.searchParams.delete(k);
      const next = new URL(base);
      next.searchParams.set("max_id", items.at(-1)!.id);
      const prev = new URL(base);
      prev.searchParams.set("min_id", items[0]!.id);
      headers.link = `<${next}>; rel="next", <${prev}>; rel="prev"`;
    }
    return { status: 200, body: items.map(present), headers };
  }

  private send(
    res: http.ServerResponse,
    op: Operation | null,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ): void {
    if (op) this.violations.push(...this.spec.validateResponse(op, status, body));
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "x-ratelimit-limit": String(this.rate.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.rate.remaining)),
      "x-ratelimit-reset": this.rate.resetAt.toISOString(),
      ...extra,
    };
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  }
}

function cmpId(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function byIdDesc(a: { id: string }, b: { id: string }): number {
  return cmpId(b.id, a.id);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export { API_HOST_NAME };
