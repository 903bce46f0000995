import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../../context.js";

/**
 * Signed, expiring public URLs for media files: networks and webhook receivers fetch media by URL and
 * have no session. The HMAC key is derived from the secret box (HKDF, own purpose), never the raw AES key.
 */

/** What a signed URL may serve: the original, the thumbnail or a preset's rendition. */
export const VARIANTS = ["original", "thumbnail", "1x1", "4x5", "1.91x1", "9x16"] as const;
export type Variant = (typeof VARIANTS)[number];

const keys = new WeakMap<object, Buffer>();

function key(ctx: Pick<AppContext, "secrets">): Buffer {
  let k = keys.get(ctx.secrets);
  if (!k) {
    k = ctx.secrets.deriveKey("media-url-signing");
    keys.set(ctx.secrets, k);
  }
  return k;
}

function mac(ctx: Pick<AppContext, "secrets">, mediaId: string, variant: string, exp: number): string {
  return createHmac("sha256", key(ctx)).update(`${mediaId}\n${variant}\n${exp}`).digest("base64url");
}

/** exp and sig for a media variant, valid `ttlSeconds` from now. */
export function sign(ctx: Pick<AppContext, "secrets">, mediaId: string, variant: Variant, ttlSeconds: number) {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  return { exp, sig: mac(ctx, mediaId, variant, exp) };
}

/** True when the signature matches (constant-time) and has not expired. */
export function verify(
  ctx: Pick<AppContext, "secrets">,
  mediaId: string,
  variant: string,
  exp: number,
  sig: string,
  now = Date.now(),
): boolean {
  if (!Number.isSafeInteger(exp) || exp * 1000 < now) return false;
  const expected = Buffer.from(mac(ctx, mediaId, variant, exp));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The absolute public URL of a media variant, signed for `ttlSeconds` (default 7 days). */
export function signedUrl(
  ctx: Pick<AppContext, "secrets" | "config">,
  mediaId: string,
  variant: Variant,
  ttlSeconds = 7 * 24 * 3600,
): string {
  const { exp, sig } = sign(ctx, mediaId, variant, ttlSeconds);
  return `${ctx.config.publicUrl}/api/media/${mediaId}/${variant}?exp=${exp}&sig=${sig}`;
}

/** Preset name ("1.91:1") ↔ URL variant ("1.91x1"): colons are awkward in paths. */
export const presetVariant = (preset: string) => preset.replace(":", "x") as Variant;
export const variantPreset = (variant: string) => variant.replace("x", ":");
