import type { z } from "zod";
import type { HttpClient } from "../lib/http-client.js";
import type { NetworkId, NetworkProfile } from "../shared/networks/profiles.js";

/**
 * The one interface every network adapter implements. Capabilities and limits come from the network's
 * profile (src/shared/networks/profiles.ts); behaviour is here. Adapters never touch the database: the
 * accounts service stores what connect() returns (credentials encrypted), the scheduler calls publish().
 */

/** What a failed network call means for the scheduler: retry, wait, ask the user to reconnect, or give up. */
export type ConnectorErrorKind =
  | "auth_expired" // credentials refused: the account needs reconnecting; do not retry
  | "rate_limited" // retry after retryAfterSeconds
  | "content_rejected" // the network refused this content (reason from the network); do not retry
  | "transient" // network error, timeout, 5xx: retry with backoff
  | "permanent"; // anything else that will not succeed by retrying

export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorErrorKind,
    /** The network's own words (shown to the user beside our explanation). */
    readonly networkMessage: string,
    readonly options: { retryAfterSeconds?: number; status?: number; code?: string } = {},
  ) {
    super(`${kind}: ${networkMessage}`);
    this.name = "ConnectorError";
  }
  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "rate_limited";
  }
}

/** Credentials and settings as the adapter needs them; stored encrypted (credentials) or plain (settings). */
export interface AccountSecrets {
  credentials: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface ConnectedAccount extends AccountSecrets {
  displayName: string;
  handle: string | null;
  externalId: string | null;
  avatarUrl: string | null;
  /**
   * Values the user must see once, at connect time, and never again (e.g. the webhook signing secret).
   * They are also part of `credentials`, so they are stored encrypted and never returned afterwards.
   */
  reveal?: Record<string, string>;
}

/** One media item ready to send: bytes are read lazily from storage. */
export interface PublishMedia {
  id: string;
  kind: "image" | "video" | "gif";
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  altText: string;
  /** Public URL of the file (for networks and webhooks that fetch by URL). */
  url: string;
  read(): Promise<Buffer>;
}

export interface PublishRequest {
  /** Stable for the target across retries: the network (or receiver) must not create a second post. */
  idempotencyKey: string;
  postId: string;
  targetId: string;
  workspaceId: string;
  text: string;
  title?: string;
  linkUrl: string | null;
  media: PublishMedia[];
  options: Record<string, unknown>;
  scheduledAt: Date | null;
}

export interface PublishResult {
  externalId: string;
  url: string | null;
  publishedAt: Date;
  /**
   * A post sent as a thread: the external ids of the parts after the first (externalId), in order. Stored on
   * the target so interactions on any part link to it (docs/SOCIAL-SYNC.md). Optional.
   */
  threadExternalIds?: string[];
}

/**
 * What the process lends an adapter for a call: the outbound HTTP client configured for this deployment
 * (SSRF guard on or off). Optional so tests' fake connectors can ignore it; a connector bound with
 * bindConnector() (what the accounts service hands out) always passes it.
 */
export interface ConnectorEnv {
  http: HttpClient;
  /**
   * Called by an adapter whose session was refreshed during a call (e.g. Bluesky's refresh JWT rotating):
   * the caller stores the new credentials encrypted before the call returns. Absent in tests that do not
   * care; adapters must then keep working with the credentials they were given.
   */
  persistCredentials?: (credentials: Record<string, unknown>) => Promise<void>;
}

/** What an interaction on the network is, from the account's point of view. */
export type InteractionKind = "reply" | "mention" | "quote" | "repost" | "like" | "follow";

/** One interaction read from the network (a notification, in Bluesky's and Mastodon's terms). */
export interface FetchedInteraction {
  /** Unique per account and kind on the network (notification URI or id): the dedup key. */
  externalId: string;
  kind: InteractionKind;
  authorExternalId: string | null;
  authorHandle: string | null;
  authorName: string | null;
  authorAvatarUrl: string | null;
  /** The text of the reply / mention / quote (plain text); null for likes, reposts, follows. */
  text: string | null;
  /** Link to the interaction on the network (the reply itself, or the author's profile for a follow). */
  url: string | null;
  occurredAt: Date;
  /**
   * The externalId (PublishResult.externalId) of the account's own post this interaction concerns: the
   * liked / reposted / quoted / replied-to post. Null for follows and for mentions in a fresh post.
   */
  subjectExternalId: string | null;
}

/** A page of interactions, newest first. `cursor` goes back to readInteractions for the next (older) page. */
export interface InteractionPage {
  items: FetchedInteraction[];
  cursor: string | null;
}

/** Counters of one published post at one moment (what the network tells; null when it does not). */
export interface PostMetrics {
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
}

export interface AccountMetrics {
  followers: number | null;
  following: number | null;
  posts: number | null;
}

/** A public post found by search (listening, alerts). */
export interface SearchedPost {
  externalId: string;
  url: string | null;
  text: string;
  authorHandle: string | null;
  authorName: string | null;
  language: string | null;
  publishedAt: Date;
  metrics: PostMetrics | null;
}

export interface SearchQuery {
  /** Keywords as the network's search understands them (the alerts module translates its own syntax). */
  q: string;
  /** Only posts published after this moment, when the network can filter. */
  since?: Date;
  language?: string;
  limit: number;
  cursor?: string | null;
}

/** One field of the connect form the UI draws for a network (labels are translated in the UI by key). */
export interface ConnectField {
  name: string;
  type: "url" | "text" | "password" | "boolean";
  required: boolean;
  /** i18n key for the label and help text in the web UI. */
  labelKey: string;
  placeholder?: string;
}

/**
 * The user's connect input was wrong: the accounts service answers 400 validation_failed with these issues,
 * localised like any request validation (paths relative to the body, e.g. "body.url"). Refinements use
 * `params: { i18n: key }` with keys known to src/http/errors.ts.
 */
export class ConnectInputError extends Error {
  constructor(readonly error: z.ZodError) {
    super(`invalid connect input: ${error.issues.map((i) => i.path.join(".")).join(", ")}`);
    this.name = "ConnectInputError";
  }
}

export interface Connector {
  readonly network: NetworkId;
  readonly profile: NetworkProfile;
  /** The connect form: what connect() expects in its input. */
  readonly connectFields?: readonly ConnectField[];
  /**
   * Validates the user's input (URL, handle + app password, token…) against the network and returns the
   * account. Bad input → ConnectInputError; the network refusing → ConnectorError.
   */
  connect(input: Record<string, unknown>, env?: ConnectorEnv): Promise<ConnectedAccount>;
  /**
   * Checks stored credentials still work; may return refreshed credentials to store, and `settings` read
   * again from the network (Mastodon: the instance's title and limits) to merge into the stored settings.
   */
  validateCredentials(
    account: AccountSecrets,
    env?: ConnectorEnv,
  ): Promise<
    | { ok: true; refreshed?: Record<string, unknown>; settings?: Record<string, unknown> }
    | { ok: false; reason: string }
  >;
  publish(account: AccountSecrets, request: PublishRequest, env?: ConnectorEnv): Promise<PublishResult>;
  delete?(account: AccountSecrets, externalId: string, env?: ConnectorEnv): Promise<void>;
  /**
   * After a crash mid-publish: asks the network whether the post with this idempotency key exists.
   * Absent when the network cannot tell; then the user decides ("unconfirmed").
   */
  lookup?(account: AccountSecrets, request: PublishRequest, env?: ConnectorEnv): Promise<PublishResult | null>;
  /**
   * Interactions on the account, newest first, one page at a time. `cursor` null = the newest page; the
   * caller stops paging once it meets interactions it already has (incremental sync).
   */
  readInteractions?(
    account: AccountSecrets,
    options: { cursor: string | null; limit: number },
    env?: ConnectorEnv,
  ): Promise<InteractionPage>;
  /** Current counters of the given published posts (by PublishResult.externalId); missing ids are omitted. */
  readPostMetrics?(
    account: AccountSecrets,
    externalIds: string[],
    env?: ConnectorEnv,
  ): Promise<Map<string, PostMetrics>>;
  readAccountMetrics?(account: AccountSecrets, env?: ConnectorEnv): Promise<AccountMetrics>;
  /** Keyword search of public posts on the network. */
  search?(
    account: AccountSecrets,
    query: SearchQuery,
    env?: ConnectorEnv,
  ): Promise<{ items: SearchedPost[]; cursor: string | null }>;
}
