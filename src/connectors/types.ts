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

export interface Connector {
  readonly network: NetworkId;
  readonly profile: NetworkProfile;
  /** Validates the user's input (URL, handle + app password, token…) against the network and returns the account. */
  connect(input: Record<string, unknown>): Promise<ConnectedAccount>;
  /** Checks stored credentials still work; may return refreshed credentials to store. */
  validateCredentials(
    account: AccountSecrets,
  ): Promise<{ ok: true; refreshed?: Record<string, unknown> } | { ok: false; reason: string }>;
  publish(account: AccountSecrets, request: PublishRequest): Promise<PublishResult>;
  delete?(account: AccountSecrets, externalId: string): Promise<void>;
  /**
   * After a crash mid-publish: asks the network whether the post with this idempotency key exists.
   * Absent when the network cannot tell; then the user decides ("unconfirmed").
   */
  lookup?(account: AccountSecrets, request: PublishRequest): Promise<PublishResult | null>;
}
