/**
 * The composer's simple repeat picker, as data, and its RRULE. The server accepts any RRULE without
 * DTSTART/TZID/BYHOUR…; the start and the time of day are the post's own scheduled wall-clock time.
 */
export type RepeatFreq = "none" | "daily" | "weekly" | "monthly";
export type RepeatEnd = "never" | "until" | "count";
/** RRULE weekday codes, Monday first (ISO order). */
export const RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type RruleDay = (typeof RRULE_DAYS)[number];

export interface RepeatSpec {
  freq: RepeatFreq;
  /** Weekly only; empty means "the post's own weekday". */
  weekdays: RruleDay[];
  end: RepeatEnd;
  /** "YYYY-MM-DD", the last day an occurrence may fall on (inclusive). */
  until: string;
  count: number;
  /** A rule the picker cannot show (set through the API or an import): kept untouched unless changed. */
  custom: string | null;
}

export const emptyRepeat: RepeatSpec = { freq: "none", weekdays: [], end: "never", until: "", count: 10, custom: null };

/** The RRULE for a spec, or null for "does not repeat". */
export function buildRule(spec: RepeatSpec): string | null {
  if (spec.freq === "none") return null;
  const parts = [`FREQ=${spec.freq.toUpperCase()}`];
  if (spec.freq === "weekly" && spec.weekdays.length > 0) {
    parts.push(`BYDAY=${RRULE_DAYS.filter((d) => spec.weekdays.includes(d)).join(",")}`);
  }
  if (spec.end === "until" && /^\d{4}-\d{2}-\d{2}$/.test(spec.until)) {
    // Occurrences are floating wall-clock times: the end of that local day includes any time on it.
    parts.push(`UNTIL=${spec.until.replaceAll("-", "")}T235959Z`);
  } else if (spec.end === "count" && Number.isInteger(spec.count) && spec.count > 0) {
    parts.push(`COUNT=${spec.count}`);
  }
  return parts.join(";");
}

/** Reads a stored RRULE back into the picker; a rule it cannot represent comes back as `custom`. */
export function parseRule(rule: string | null | undefined): RepeatSpec {
  if (!rule) return { ...emptyRepeat };
  const fields = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, "").split(";")) {
    const [k, v] = part.split("=");
    if (k && v !== undefined) fields.set(k.trim().toUpperCase(), v.trim().toUpperCase());
  }
  const custom = { ...emptyRepeat, custom: rule };
  const freq = fields.get("FREQ");
  const known = new Set(["FREQ", "BYDAY", "UNTIL", "COUNT", "INTERVAL", "WKST"]);
  if ([...fields.keys()].some((k) => !known.has(k))) return custom;
  if ((fields.get("INTERVAL") ?? "1") !== "1") return custom;
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") return custom;
  const spec: RepeatSpec = { ...emptyRepeat, freq: freq.toLowerCase() as RepeatFreq };
  const byday = fields.get("BYDAY");
  if (byday) {
    if (freq !== "WEEKLY") return custom;
    const days = byday.split(",");
    if (!days.every((d) => (RRULE_DAYS as readonly string[]).includes(d))) return custom;
    spec.weekdays = days as RruleDay[];
  }
  const until = fields.get("UNTIL")?.match(/^(\d{4})(\d{2})(\d{2})/);
  const count = fields.get("COUNT");
  if (until) spec.end = "until";
  if (until) spec.until = `${until[1]}-${until[2]}-${until[3]}`;
  else if (count && /^\d+$/.test(count)) {
    spec.end = "count";
    spec.count = Number(count);
  }
  return spec;
}
