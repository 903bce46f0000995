import { overrideConnector } from "../../src/connectors/registry.js";
import type {
  AccountMetrics,
  Connector,
  ConnectorEnv,
  ConnectorError,
  FetchedInteraction,
  PostMetrics,
} from "../../src/connectors/types.js";
import { PROFILES } from "../../src/shared/networks/profiles.js";
import type { TestApp } from "../helpers/app.js";

/**
 * A scriptable social network standing in for Bluesky: its notifications (newest first, paged by index
 * cursor), post counters and account counters are plain fields the test changes; every call is recorded.
 * `errors` are thrown by the next calls, one each; `rotateSession` makes the next read refresh the session
 * through env.persistCredentials, as the Bluesky adapter does when its access token expires.
 */
export class FakeSocial {
  /** Newest first. */
  notifications: FetchedInteraction[] = [];
  postMetrics = new Map<string, PostMetrics>();
  accountMetrics: AccountMetrics = { followers: 0, following: 0, posts: 0 };
  errors: ConnectorError[] = [];
  rotateSession: Record<string, unknown> | null = null;
  /** Thrown by the readInteractions call with this number (1 = the first call of this fake). */
  failOnCall: { call: number; error: ConnectorError } | null = null;
  delayMs = 0;
  readonly interactionCalls: { cursor: string | null; limit: number }[] = [];
  readonly metricCalls: string[][] = [];
  accountCalls = 0;
  readonly seenCredentials: Record<string, unknown>[] = [];
  private restore: () => void;

  constructor(network: "bluesky" | "mastodon" = "bluesky") {
    const self = this;
    const before = async (credentials: Record<string, unknown>, env?: ConnectorEnv) => {
      self.seenCredentials.push(credentials);
      if (self.delayMs) await new Promise((r) => setTimeout(r, self.delayMs));
      const err = self.errors.shift();
      if (err) throw err;
      if (self.rotateSession) {
        const next = self.rotateSession;
        self.rotateSession = null;
        await env?.persistCredentials?.(next);
      }
    };
    const connector: Connector = {
      network,
      profile: PROFILES[network],
      async connect() {
        throw new Error("not used");
      },
      async validateCredentials() {
        return { ok: true };
      },
      async publish() {
        throw new Error("not used");
      },
      async readInteractions(account, options, env) {
        self.interactionCalls.push(options);
        await before(account.credentials, env);
        if (self.failOnCall?.call === self.interactionCalls.length) throw self.failOnCall.error;
        // Like the networks' cursors, stable while newer items arrive: "after this notification".
        const start = options.cursor ? self.notifications.findIndex((n) => n.externalId === options.cursor) + 1 : 0;
        const items = self.notifications.slice(start, start + options.limit);
        const end = start + items.length;
        return { items, cursor: end < self.notifications.length ? (items.at(-1)?.externalId ?? null) : null };
      },
      async readPostMetrics(account, ids, env) {
        self.metricCalls.push(ids);
        await before(account.credentials, env);
        return new Map(ids.flatMap((id) => (self.postMetrics.has(id) ? [[id, self.postMetrics.get(id)!]] : [])));
      },
      async readAccountMetrics(account, env) {
        self.accountCalls++;
        await before(account.credentials, env);
        return { ...self.accountMetrics };
      },
    };
    this.restore = overrideConnector(connector);
  }

  /** Adds notifications on top (they are the newest). */
  push(...items: FetchedInteraction[]): void {
    this.notifications = [...items.reverse(), ...this.notifications];
  }

  close(): void {
    this.restore();
  }
}

let seq = 0;
export function interaction(partial: Partial<FetchedInteraction> = {}): FetchedInteraction {
  seq++;
  return {
    externalId: `at://did:plc:fan/notif/${seq}`,
    kind: "like",
    authorExternalId: "did:plc:fan",
    authorHandle: "fan.bsky.social",
    authorName: "Zoé Fan 🎨",
    authorAvatarUrl: null,
    text: null,
    url: null,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 12, 0, seq % 60, seq)),
    subjectExternalId: null,
    ...partial,
  };
}

/** A Bluesky account with encrypted credentials, as the accounts service stores them. */
export async function socialAccount(
  t: Pick<TestApp, "ctx">,
  workspaceId: string,
  options: { name?: string; network?: string; credentials?: Record<string, unknown> } = {},
): Promise<string> {
  const { id } = await t.ctx.db
    .insertInto("social_accounts")
    .values({
      workspace_id: workspaceId,
      network: options.network ?? "bluesky",
      display_name: options.name ?? "Musée — Bluesky",
      handle: "musee.bsky.social",
      settings: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const credentials_enc = t.ctx.secrets.encryptJson(
    options.credentials ?? { accessJwt: "access-1", refreshJwt: "refresh-1", did: "did:plc:musee" },
    id,
  );
  await t.ctx.db.updateTable("social_accounts").set({ credentials_enc }).where("id", "=", id).execute();
  return id;
}

/** A published target of the account (post + target inserted directly, as the scheduler leaves them). */
export async function publishedTarget(
  t: Pick<TestApp, "ctx">,
  workspaceId: string,
  accountId: string,
  options: { externalId: string; publishedAt?: Date; threadExternalIds?: string[]; body?: string },
): Promise<{ postId: string; targetId: string }> {
  const publishedAt = options.publishedAt ?? new Date();
  const post = await t.ctx.db
    .insertInto("posts")
    .values({
      workspace_id: workspaceId,
      status: "published",
      body: options.body ?? "Nouvelle expo : « Lumières du Rhône » ✨",
      scheduled_at: publishedAt,
      media_ids: "[]",
      options: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const target = await t.ctx.db
    .insertInto("post_targets")
    .values({
      workspace_id: workspaceId,
      post_id: post.id,
      account_id: accountId,
      status: "published",
      options: "{}",
      external_id: options.externalId,
      external_url: `https://bsky.app/profile/musee.bsky.social/post/${options.externalId.split("/").pop()}`,
      published_at: publishedAt,
      thread_external_ids: options.threadExternalIds ? JSON.stringify(options.threadExternalIds) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { postId: post.id, targetId: target.id };
}
