/**
 * Wall-clock time ↔ instant in an IANA zone, with the runtime's Intl (ICU tz data) only.
 *
 * A post is entered as "YYYY-MM-DDTHH:mm" in a zone and stored as that text plus the instant, so a
 * daylight-saving change never moves it. The two awkward cases follow docs/PUBLISHING.md:
 * - a time that does not exist (spring forward: 02:30 on 2026-03-29 in Paris) keeps the offset in force
 *   before the gap, i.e. it moves forward by the gap's length (03:30 CEST) — adjusted "gap";
 * - a time that exists twice (fall back: 02:30 on 2026-10-25 in Paris) takes the first occurrence
 *   (CEST, 00:30Z) — adjusted "overlap".
 */

export type LocalAdjustment = "none" | "gap" | "overlap";

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const MINUTE = 60_000;
// Transitions are found by looking this far either side; zones change offset at most once in that span
// (Pacific/Apia's skipped day in 2011 included).
const PROBE_MS = 36 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    // Throws RangeError for an unknown zone: callers validate zones at the edge (isIanaTimezone).
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock at `ms` in `tz`, as the UTC milliseconds of the same calendar fields. */
function wallClockMs(ms: number, tz: string): number {
  const n = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type in n) n[p.type as keyof typeof n] = Number(p.value);
  }
  return Date.UTC(n.year, n.month - 1, n.day, n.hour, n.minute, n.second);
}

/** The zone's offset from UTC at an instant, in minutes (Paris in summer: 120; Lord Howe: 630 or 660). */
export function offsetMinutes(instant: Date, tz: string): number {
  const ms = Math.floor(instant.getTime() / 1000) * 1000; // Intl drops milliseconds
  return Math.round((wallClockMs(ms, tz) - ms) / MINUTE);
}

/** Parses "YYYY-MM-DDTHH:mm" strictly (real calendar date, 00:00–23:59); null when it is not one. */
export function parseLocal(local: string): { ms: number } | null {
  const m = LOCAL_RE.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  // Date.UTC rolls 2026-02-30 over to March: a round trip catches impossible dates.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return { ms };
}

/**
 * The instant at which the wall clock of `tz` shows `local`. Throws RangeError for a malformed local
 * time or an unknown zone (validate input first).
 */
export function localToInstant(local: string, tz: string): { instant: Date; adjusted: LocalAdjustment } {
  const parsed = parseLocal(local);
  if (!parsed) throw new RangeError(`Invalid local time "${local}" (expected YYYY-MM-DDTHH:mm)`);
  const wall = parsed.ms;
  const before = offsetMinutes(new Date(wall - PROBE_MS), tz);
  const after = offsetMinutes(new Date(wall + PROBE_MS), tz);
  const candidates = [...new Set([before, after, offsetMinutes(new Date(wall), tz)])];
  const valid = candidates
    .map((offset) => wall - offset * MINUTE)
    .filter((ms) => wallClockMs(ms, tz) === wall)
    .sort((a, b) => a - b);
  if (valid.length === 1) return { instant: new Date(valid[0] as number), adjusted: "none" };
  if (valid.length > 1) return { instant: new Date(valid[0] as number), adjusted: "overlap" };
  // In the gap: keep the offset of before the jump, which lands as far past the gap as we were into it.
  return { instant: new Date(wall - before * MINUTE), adjusted: "gap" };
}

/** The wall clock of `tz` at `instant`, as "YYYY-MM-DDTHH:mm" (seconds dropped). */
export function instantToLocal(instant: Date, tz: string): string {
  return new Date(wallClockMs(instant.getTime(), tz)).toISOString().slice(0, 16);
}
