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
}

/**
 * What the process lends an adapter for a call: the outbound HTTP client configured for this deployment
 * (SSRF guard on or off). Optional so tests' fake connectors can ignore it; a connector bound with
 * bindConnector() (what the accounts service hands out) always passes it.
 */
export interface ConnectorEnv {
  http: HttpClient;
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
  /** Checks stored credentials still work; may return refreshed credentials to store. */
  validateCredentials(
    account: AccountSecrets,
    env?: ConnectorEnv,
  ): Promise<{ ok: true; refreshed?: Record<string, unknown> } | { ok: false; reason: string }>;
  publish(account: AccountSecrets, request: PublishRequest, env?: ConnectorEnv): Promise<PublishResult>;
  delete?(account: AccountSecrets, externalId: string, env?: ConnectorEnv): Promise<void>;
  /**
   * After a crash mid-publish: asks the network whether the post with this idempotency key exists.
   * Absent when the network cannot tell; then the user decides ("unconfirmed").
   */
  lookup?(account: AccountSecrets, request: PublishRequest, env?: ConnectorEnv): Promise<PublishResult | null>;
}
