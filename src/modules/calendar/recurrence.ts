import { createRequire } from "node:module";
import { instantToLocal, localToInstant } from "../scheduler/local-time.js";

// rrule 2.8's ESM build cannot be imported by name under Node, and bundlers (vitest) pick that build
// while Node picks the CommonJS one: requiring it gives the same module everywhere.
const { RRule } = createRequire(import.meta.url)("rrule") as typeof import("rrule");

/** Frequencies a post may repeat at: more often than daily is spam, not an editorial calendar. */
const ALLOWED_FREQ = new Set([RRule.DAILY, RRule.WEEKLY, RRule.MONTHLY, RRule.YEARLY]);
/** Occurrences generated per series and call, whatever the rule says (COUNT-less DAILY over a range). */
const MAX_OCCURRENCES = 400;

export type RecurrenceProblem = "syntax" | "frequency" | "time_parts" | "dtstart";

/**
 * Checks an RRULE as stored on a post: "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261231T000000Z" (an optional
 * "RRULE:" prefix is dropped). The start and the time of day are the post's own scheduled wall-clock
 * time, so DTSTART, TZID and BYHOUR/BYMINUTE/BYSECOND are refused. Returns the normalised rule or a problem.
 */
export function normaliseRule(input: string): { rule: string } | { problem: RecurrenceProblem } {
  const text = input.trim().replace(/^RRULE:/i, "");
  if (!text || /[\r\n]/.test(text) || text.length > 500) return { problem: "syntax" };
  if (/(^|;)\s*(DTSTART|TZID)\b/i.test(text)) return { problem: "dtstart" };
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(text);
    // parseString is lenient: building the rule and one step proves it is usable.
    new RRule({ ...options, dtstart: new Date(Date.UTC(2026, 0, 1)) }).after(new Date(Date.UTC(2026, 0, 1)), true);
  } catch {
    return { problem: "syntax" };
  }
  if (options.freq === undefined || !ALLOWED_FREQ.has(options.freq)) return { problem: "frequency" };
  if (options.byhour != null || options.byminute != null || options.bysecond != null) return { problem: "time_parts" };
  return { rule: RRule.optionsToString(options).replace(/^RRULE:/, "") };
}

/** A wall-clock "YYYY-MM-DDTHH:mm" as a floating Date (its UTC fields are the wall clock). */
function floating(local: string): Date {
  return new Date(`${local}:00Z`);
}

/**
 * The occurrences of a series whose instants fall in [from, to), computed on the WALL CLOCK of `tz` and
 * only then converted: "every Monday at 09:00" stays 09:00 local across DST changes. The rule runs in
 * floating time (UTC fields = wall clock, no DST there); each wall-clock result goes through
 * localToInstant, which moves a time inside a DST gap past the jump and takes the first of a repeated hour.
 * The first occurrence is the series' own start (the post itself).
 */
export function occurrencesBetween(
  rule: string,
  startLocal: string,
  tz: string,
  from: Date,
  to: Date,
): { local: string; instant: Date }[] {
  const dtstart = floating(startLocal);
  const r = new RRule({ ...RRule.parseString(rule), dtstart });
  // A day of margin either side covers every UTC offset; exact filtering is done on instants below.
  const fromWall = new Date(floating(instantToLocal(from, tz)).getTime() - 86_400_000);
  const toWall = new Date(floating(instantToLocal(to, tz)).getTime() + 86_400_000);
  const out: { local: string; instant: Date }[] = [];
  r.between(fromWall, toWall, true, (d) => {
    const local = d.toISOString().slice(0, 16);
    const { instant } = localToInstant(local, tz);
    if (instant >= from && instant < to) out.push({ local, instant });
    return out.length < MAX_OCCURRENCES;
  });
  return out;
}

/** The first occurrence strictly after `after` (an instant), or null when the series has ended. */
export function nextOccurrence(
  rule: string,
  startLocal: string,
  tz: string,
  after: Date,
): { local: string; instant: Date } | null {
  const r = new RRule({ ...RRule.parseString(rule), dtstart: floating(startLocal) });
  // Start a day early in wall-clock terms, then walk until the instant is really after `after`.
  let cursor = new Date(floating(instantToLocal(after, tz)).getTime() - 86_400_000);
  for (let i = 0; i < 50; i++) {
    const d = r.after(cursor, false);
    if (!d) return null;
    const local = d.toISOString().slice(0, 16);
    const { instant } = localToInstant(local, tz);
    if (instant > after) return { local, instant };
    cursor = d;
  }
  return null;
}
