import type { mastodon } from "masto";
import { z } from "zod";
import { type HttpClient, HttpError } from "../../lib/http-client.js";
import { PROFILES } from "../../shared/networks/profiles.js";
import { ConnectInputError, type ConnectorEnv, ConnectorError } from "../types.js";
import { mastoClient } from "./masto-client.js";

/** The instance's limits Relais respects, stored in the account's settings at connect time. */
export interface InstanceLimits {
  maxCharacters: number;
  maxMediaAttachments: number;
  charactersReservedPerUrl: number;
  imageSizeLimit: number | null;
  videoSizeLimit: number | null;
  descriptionLimit: number | null;
  supportedMimeTypes: string[] | null;
}

export const DEFAULT_LIMITS: InstanceLimits = {
  maxCharacters: PROFILES.mastodon.text.max,
  maxMediaAttachments: PROFILES.mastodon.media.maxCount,
  charactersReservedPerUrl: PROFILES.mastodon.text.urlLength ?? 23,
  imageSizeLimit: PROFILES.mastodon.media.maxImageBytes,
  videoSizeLimit: PROFILES.mastodon.media.maxVideoBytes ?? null,
  descriptionLimit: PROFILES.mastodon.media.altTextMax ?? 1500,
  supportedMimeTypes: null,
};

function issue(path: string, key: string): ConnectInputError {
  return new ConnectInputError(
    new z.ZodError([{ code: "custom", path: [path], message: key, params: { i18n: key }, input: undefined }]),
  );
}

/**
 * An instance address as users type it ("mastodon.social", "https://Mastodon.Social/", "@me@host") →
 * "https://mastodon.social". https only; plain http only for loopback/private hosts when the deployment
 * allows private networks (tests, LAN installs). Bad input → ConnectInputError on `field`.
 */
export function normaliseInstanceUrl(raw: unknown, http: HttpClient, field = "instanceUrl"): string {
  if (typeof raw !== "string" || !raw.trim()) throw issue(field, "invalid_url");
  let text = raw.trim();
  const handle = /^@?[\w.]+@([\w.-]+\.[a-z]{2,})$/i.exec(text);
  if (handle) text = handle[1]!;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw issue(field, "invalid_url");
  }
  if (url.username || url.password || !url.hostname) throw issue(field, "invalid_url");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && http.allowPrivateNetwork)) {
    throw issue(field, "invalid_url");
  }
  try {
    http.checkUrl(url.origin);
  } catch (err) {
    throw issue(field, err instanceof HttpError && err.kind === "blocked_address" ? "private_address" : "invalid_url");
  }
  return url.origin.toLowerCase();
}

function positive(n: unknown): number | null {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : null;
}

/** The limits from /api/v2/instance (camelCased by masto), with Mastodon's defaults where absent. */
export function limitsOf(instance: mastodon.v2.Instance | Record<string, unknown>): InstanceLimits {
  const config = (instance as { configuration?: Record<string, Record<string, unknown>> }).configuration ?? {};
  const statuses = config.statuses ?? {};
  const media = config.mediaAttachments ?? {};
  const mimes = media.supportedMimeTypes;
  return {
    maxCharacters: positive(statuses.maxCharacters) ?? DEFAULT_LIMITS.maxCharacters,
    maxMediaAttachments: positive(statuses.maxMediaAttachments) ?? DEFAULT_LIMITS.maxMediaAttachments,
    charactersReservedPerUrl: positive(statuses.charactersReservedPerUrl) ?? DEFAULT_LIMITS.charactersReservedPerUrl,
    imageSizeLimit: positive(media.imageSizeLimit) ?? DEFAULT_LIMITS.imageSizeLimit,
    videoSizeLimit: positive(media.videoSizeLimit) ?? DEFAULT_LIMITS.videoSizeLimit,
    descriptionLimit: positive(media.descriptionLimit) ?? DEFAULT_LIMITS.descriptionLimit,
    supportedMimeTypes: Array.isArray(mimes) ? mimes.filter((m): m is string => typeof m === "string") : null,
  };
}

export function storedLimits(settings: Record<string, unknown>): InstanceLimits {
  const l = (settings.limits ?? {}) as Partial<InstanceLimits>;
  return {
    ...DEFAULT_LIMITS,
    ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined && v !== null)),
  };
}

/**
 * Reads the instance's description: /api/v2/instance (Mastodon ≥ 4.0), else /api/v1/instance. An answer
 * that is not a Mastodon instance description → ConnectInputError "not_mastodon" on `field`.
 */
export async function readInstance(
  env: ConnectorEnv,
  instanceUrl: string,
  field = "instanceUrl",
): Promise<{ title: string; domain: string; limits: InstanceLimits }> {
  const client = mastoClient(env, instanceUrl);
  let instance: Record<string, unknown> | undefined;
  for (const read of [() => client.v2.instance.fetch(), () => client.v1.instance.fetch()]) {
    try {
      instance = (await read()) as unknown as Record<string, unknown>;
      break;
    } catch (err) {
      if (err instanceof ConnectorError && err.retryable) throw err;
      // 404 on v2 (old instance) → try v1; anything else non-JSON → not Mastodon.
    }
  }
  const looksRight =
    instance &&
    typeof instance === "object" &&
    (typeof instance.domain === "string" || typeof instance.uri === "string") &&
    typeof instance.version === "string";
  if (!looksRight) throw issue(field, "not_mastodon");
  const i = instance as { title?: unknown; domain?: unknown; uri?: unknown; configuration?: unknown };
  return {
    title: typeof i.title === "string" ? i.title : new URL(instanceUrl).host,
    domain: String(i.domain ?? i.uri),
    limits: limitsOf(instance as Record<string, unknown>),
  };
}
