/**
 * Wall-clock times in the workspace's zone. The calendar and the composer work in "YYYY-MM-DDTHH:mm"
 * local strings of the workspace zone (what the API stores as `scheduledLocal`); the server converts
 * to instants and reports DST gaps and overlaps.
 */

const partsFormatter = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatter.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    partsFormatter.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone, as "YYYY-MM-DDTHH:mm". */
export function instantToLocal(instant: string | Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(typeof instant === "string" ? new Date(instant) : instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** A calendar "floating" date (FullCalendar in UTC mode) back to a local string. */
export function floatingToLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** The next round quarter-hour from now, in the zone. */
export function nextQuarterLocal(timeZone: string, now = new Date()): string {
  const next = new Date(Math.ceil((now.getTime() + 60_000) / 900_000) * 900_000);
  return instantToLocal(next, timeZone);
}

/** "YYYY-MM-DDTHH:mm" shown in the UI language, e.g. "mar. 24 nov. 2026, 09:30". */
export function formatLocal(local: string | null | undefined, language: string): string {
  if (!local) return "—";
  const d = new Date(`${local}:00Z`);
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "fr-FR", {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

/** The post's wall-clock time in the workspace zone (its stored local time when entered in that zone). */
export function postLocal(
  post: { scheduledAt: string | null; scheduledLocal: string | null; scheduledTz: string | null },
  timeZone: string,
): string | null {
  if (post.scheduledLocal && (!post.scheduledTz || post.scheduledTz === timeZone)) return post.scheduledLocal;
  return post.scheduledAt ? instantToLocal(post.scheduledAt, timeZone) : post.scheduledLocal;
}

function offsetMs(instantMs: number, timeZone: string): number {
  return Date.parse(`${instantToLocal(new Date(instantMs), timeZone)}:00Z`) - Math.floor(instantMs / 60_000) * 60_000;
}

/**
 * Whether a wall-clock time falls in a DST gap (does not exist) or overlap (exists twice) in the zone,
 * checked live in the composer; the server applies the rule and reports it again when scheduling.
 */
export function dstStatus(local: string, timeZone: string): "none" | "gap" | "overlap" {
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc)) return "none";
  const offsets = new Set([offsetMs(asUtc - 86_400_000, timeZone), offsetMs(asUtc + 86_400_000, timeZone)]);
  const matches = [...offsets].filter((o) => instantToLocal(new Date(asUtc - o), timeZone) === local);
  if (matches.length === 0) return "gap";
  return matches.length > 1 ? "overlap" : "none";
}
