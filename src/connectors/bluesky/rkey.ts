import { createHash } from "node:crypto";

/**
 * Record keys chosen by Relais, so that a retried publish writes to the same key and the PDS answers
 * "already exists" instead of creating a second post.
 *
 * app.bsky.feed.post records are keyed by TIDs: 13 characters of base32-sortable encoding a 64-bit number
 * whose top bit is 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit "clock id". Ours
 * are derived from SHA-256 of the idempotency key: 49 bits of the hash give a timestamp between
 * 2023-01-01 and 2040 (a valid time, as the TID syntax wants), 5 more bits fill the top of the clock id and
 * its low 5 bits are the thread part's index (0 = the first post). 54 bits of hash: for one account with a
 * million posts the chance that two keys collide is about 3·10⁻⁵.
 */

const S32 = "234567abcdefghijklmnopqrstuvwxyz";
const BASE_US = 1_672_531_200_000_000n; // 2023-01-01T00:00:00Z
const TID_RE = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
export const MAX_PARTS = 32;

export function encodeTid(timestampUs: bigint, clockId: number): string {
  let n = (timestampUs << 10n) | BigInt(clockId & 0x3ff);
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = S32[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

export function decodeTid(tid: string): { timestampUs: bigint; clockId: number } | null {
  if (!TID_RE.test(tid)) return null;
  let n = 0n;
  for (const ch of tid) n = (n << 5n) | BigInt(S32.indexOf(ch));
  return { timestampUs: n >> 10n, clockId: Number(n & 0x3ffn) };
}

export function isTid(value: string): boolean {
  return TID_RE.test(value);
}

/** The record key of part `part` (0-based) of the post published with `idempotencyKey`. */
export function rkeyFor(idempotencyKey: string, part = 0): string {
  if (!Number.isInteger(part) || part < 0 || part >= MAX_PARTS)
    throw new RangeError(`thread part ${part} out of range`);
  const h = createHash("sha256").update(`relais:bluesky:rkey:v1:${idempotencyKey}`).digest();
  const ts = h.readBigUInt64BE(0) >> 15n; // 49 bits
  const clockHigh = h[8]! >> 3; // 5 bits
  return encodeTid(BASE_US + ts, (clockHigh << 5) | part);
}

/** The record key of part `part` of the thread whose first post has `firstRkey` (null: not one of ours). */
export function partRkey(firstRkey: string, part: number): string | null {
  const t = decodeTid(firstRkey);
  if (!t || (t.clockId & 31) !== 0 || part < 0 || part >= MAX_PARTS) return null;
  return encodeTid(t.timestampUs, (t.clockId & ~31) | part);
}

/** Whether `rkey` is part `n` of the same thread as `firstRkey` (same hash bits, different part index). */
export function sameThread(firstRkey: string, rkey: string): boolean {
  const a = decodeTid(firstRkey);
  const b = decodeTid(rkey);
  return Boolean(a && b && a.timestampUs === b.timestampUs && a.clockId >> 5 === b.clockId >> 5);
}
