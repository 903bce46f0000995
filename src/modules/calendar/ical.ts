/**
 * A minimal RFC 5545 writer: what a calendar feed of posts needs (VCALENDAR + VEVENT), nothing more.
 * Hand-written because ical-generator 11 needs Node 22 and the format is small; the rules that matter
 * are here: CRLF line ends, TEXT escaping (backslash, semicolon, comma, newline) and folding of content
 * lines at 75 octets without splitting a UTF-8 character.
 */

export interface IcalEvent {
  uid: string;
  start: Date;
  durationMinutes: number;
  stamp: Date;
  summary: string;
  description: string;
  url?: string | null;
  status?: "CONFIRMED" | "TENTATIVE" | "CANCELLED";
  categories?: string[];
}

/** TEXT value escaping (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** Folds one content line into 75-octet pieces; continuation lines start with a space (§3.1). */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Never cut inside a multi-byte character: back up to the start of one (bytes 10xxxxxx continue).
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
    limit = 74; // the leading space of a continuation line is one of its 75 octets
  }
  return parts.join("\r\n ");
}

/** UTC date-time form: 20260329T070000Z. */
export function icalDate(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** The whole calendar as text/calendar content. */
export function renderCalendar(name: string, events: IcalEvent[]): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Relais//Calendrier editorial//FR",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(name)}`,
  ];
  for (const e of events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${e.uid}`,
      `DTSTAMP:${icalDate(e.stamp)}`,
      `DTSTART:${icalDate(e.start)}`,
      `DURATION:PT${e.durationMinutes}M`,
      `SUMMARY:${escapeText(e.summary)}`,
      `DESCRIPTION:${escapeText(e.description)}`,
    );
    if (e.url) lines.push(`URL:${e.url.replace(/[\r\n]/g, "")}`);
    if (e.status) lines.push(`STATUS:${e.status}`);
    if (e.categories?.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(",")}`);
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
