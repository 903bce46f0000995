import { type NetworkId, type NetworkProfile, PROFILES } from "./profiles.js";

/**
 * An account's own limits, where its server publishes them (a Mastodon instance's configuration, read by
 * the connector at connect time and stored in the account's `settings.limits`). A limit that is absent or
 * null is not known: the network's profile applies.
 */
export interface AccountLimits {
  /** Characters per post (Mastodon `statuses.max_characters`). */
  maxCharacters?: number | null;
  /** What every URL counts in a text (Mastodon `statuses.characters_reserved_per_url`). */
  charactersReservedPerUrl?: number | null;
  /** Media per post (Mastodon `statuses.max_media_attachments`). */
  maxMediaAttachments?: number | null;
  /** Bytes per image (Mastodon `media_attachments.image_size_limit`). */
  imageSizeLimit?: number | null;
  /** Bytes per video (Mastodon `media_attachments.video_size_limit`). */
  videoSizeLimit?: number | null;
  /** Characters of alt text per media item (Mastodon `media_attachments.description_limit`). */
  descriptionLimit?: number | null;
}

/** The same, every key present (null: not known, the network's default applies) — as the API presents it. */
export type KnownAccountLimits = { [K in keyof AccountLimits]-?: number | null };

export const ACCOUNT_LIMIT_KEYS = [
  "maxCharacters",
  "charactersReservedPerUrl",
  "maxMediaAttachments",
  "imageSizeLimit",
  "videoSizeLimit",
  "descriptionLimit",
] as const satisfies ReadonlyArray<keyof AccountLimits>;

/** Networks whose accounts carry limits of their own (the instance's, on Mastodon). */
export const NETWORKS_WITH_ACCOUNT_LIMITS: readonly NetworkId[] = ["mastodon"];

/** A usable limit: a positive whole number (as the connector keeps them when reading the instance). */
function usable(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const n = Math.floor(value);
  return n > 0 ? n : null;
}

/**
 * The limits stored for an account (`settings.limits`), cleaned: only positive whole numbers are kept,
 * anything else is null. Null for a network whose accounts have no limits of their own.
 */
export function accountLimitsOf(network: string, stored: unknown): KnownAccountLimits | null {
  if (!(NETWORKS_WITH_ACCOUNT_LIMITS as readonly string[]).includes(network)) return null;
  const raw = stored && typeof stored === "object" ? (stored as Record<string, unknown>) : {};
  const out = {} as KnownAccountLimits;
  for (const key of ACCOUNT_LIMIT_KEYS) out[key] = usable(raw[key]);
  return out;
}

/**
 * An account's effective profile: the network's, with each limit the account knows in place of the
 * network's default (text length, what a URL counts, media count, image and video bytes, alt-text length).
 * Limits that are absent, null or not a usable number leave the default; no limits → the profile itself.
 */
export function profileForAccount(network: NetworkId | NetworkProfile, limits?: AccountLimits | null): NetworkProfile {
  const base = typeof network === "string" ? PROFILES[network] : network;
  if (!limits) return base;
  const max = usable(limits.maxCharacters);
  const urlLength = usable(limits.charactersReservedPerUrl);
  const maxCount = usable(limits.maxMediaAttachments);
  const maxImageBytes = usable(limits.imageSizeLimit);
  const maxVideoBytes = usable(limits.videoSizeLimit);
  const altTextMax = usable(limits.descriptionLimit);
  return {
    ...base,
    text: {
      ...base.text,
      ...(max === null ? {} : { max }),
      ...(urlLength === null ? {} : { urlLength }),
    },
    media: {
      ...base.media,
      ...(maxCount === null ? {} : { maxCount }),
      ...(maxImageBytes === null ? {} : { maxImageBytes }),
      ...(maxVideoBytes === null ? {} : { maxVideoBytes }),
      ...(altTextMax === null ? {} : { altTextMax }),
    },
  };
}
