/**
 * Feed dates → ISO-8601 UTC. Handles RFC 822/1123 (with named zones: UT, GMT, the US zones, military
 * letters, and the European/Asian abbreviations feeds actually use), W3C-DTF / ISO 8601 (a date without a
 * zone is taken as UTC), French day and month names ("samedi 21 novembre 2026 10:00", "21 nov. 2026"),
 * and as a last resort Date.parse. Years outside 1970–2100 after parsing are refused (garbage in feeds).
 */

const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  IST: 60, // Irish Summer Time is the common meaning in feeds; India uses +0530 explicitly
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AEST: 600,
  AEDT: 660,
  ACST: 570,
  AWST: 480,
  NZST: 720,
  NZDT: 780,
};
// Military zones (RFC 822): A–I = -1…-9? No: RFC 822 got the signs backwards and RFC 1123 says to treat
// them as unknown (+0000). We follow RFC 1123 except for Z.

const MONTHS: Record<string, number> = {
  jan: 0,
  janv: 0,
  janvier: 0,
  january: 0,
  feb: 1,
  fev: 1,
  fevr: 1,
  fevrier: 1,
  february: 1,
  mar: 2,
  mars: 2,
  march: 2,
  apr: 3,
  avr: 3,
  avril: 3,
  april: 3,
  may: 4,
  mai: 4,
  jun: 5,
  juin: 5,
  june: 5,
  jul: 6,
  juil: 6,
  juillet: 6,
  july: 6,
  aug: 7,
  aou: 7,
  aout: 7,
  august: 7,
  sep: 8,
  sept: 8,
  septembre: 8,
  september: 8,
  oct: 9,
  octobre: 9,
  october: 9,
  nov: 10,
  novembre: 10,
  november: 10,
  dec: 11,
  decembre: 11,
  december: 11,
};

function fold(s: string): string {
  if (/^[a-z.]*$/i.test(s)) return s.toLowerCase(); // ASCII: nothing to fold
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function offsetMinutes(zone: string | undefined): number | null {
  if (!zone) return 0;
  const z = zone.trim();
  const num = /^(?:GMT|UTC|UT)?\s*([+-])(\d{1,2}):?(\d{2})?$/i.exec(z);
  if (num) {
    const sign = num[1] === "-" ? -1 : 1;
    return sign * (Number(num[2]) * 60 + Number(num[3] ?? 0));
  }
  const named = ZONES[z.toUpperCase()];
  if (named !== undefined) return named;
  if (/^[A-IK-Z]$/i.test(z)) return 0; // military letters: unknown per RFC 1123
  return null;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, off: number) {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - off * 60_000;
  return finish(t);
}

/** 2101-01-01T00:00:00Z: dates from 1970 to 2100 are accepted. */
const END_OF_2100 = Date.UTC(2101, 0, 1);

function finish(t: number): string | null {
  if (!Number.isFinite(t) || t < 0 || t >= END_OF_2100) return null;
  return Number.isInteger(t) ? isoString(t) : new Date(t).toISOString();
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/**
 * Date#toISOString() for 1970–2100 without a Date object (it was the costliest line of a small feed's parse):
 * days to a civil date by H. Hinnant's algorithm (checked against toISOString in test/veille/feed-xml.test.ts).
 */
function isoString(t: number): string {
  const ms = t % 1000;
  let rest = (t - ms) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  rest = (rest - min) / 60;
  const hour = rest % 24;
  const z = (rest - hour) / 24 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const d2 = TWO_DIGITS;
  return `${year}-${d2[month]}-${d2[day]}T${d2[hour]}:${d2[min]}:${d2[sec]}.${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
}

function year(s: string): number {
  const y = Number(s);
  if (s.length === 2) return y < 50 ? 2000 + y : 1900 + y;
  return y;
}

const ISO =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;
// RFC 822 and friends: [Day,] DD Mon YYYY HH:MM[:SS] [zone]; also tolerates "Mon DD YYYY" and missing parts.
const RFC822 =
  /^(?:[a-zé.]+,?\s+)?(\d{1,2})(?:er)?\s+([a-zéû.]+)\s+(\d{2,4})(?:\s*(?:,|à|at|-)?\s*(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(.*)$/i;
const US = /^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$/i;

// The two forms nearly every feed writes, read without the general path's clean-up and regular expressions
// (same results: the general path would parse them the same way).
const RFC822_STRICT =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UTC?|Z)$/;
const ISO_STRICT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const MONTH3: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

function strict(s: string): string | null | undefined {
  const c = s.charCodeAt(4);
  let m = c === 0x2d /* "2026-" */ ? null : RFC822_STRICT.exec(s);
  if (m) {
    const off = m[7] ? (m[7] === "-" ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) : 0;
    return build(
      Number(m[3]),
      MONTH3[m[2] as string] as number,
      Number(m[1]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
      0,
      off,
    );
  }
  m = c === 0x2d ? ISO_STRICT.exec(s) : null;
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    const off = m[8] ? (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
    return build(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms, off);
  }
  return undefined;
}

/** A feed date as ISO-8601 UTC, or null when unreadable. */
export function parseDate(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const quick = strict(raw);
  if (quick !== undefined) return quick;
  const s = String(raw).trim().replace(/\s+/g, " ");
  if (!s) return null;

  const iso = ISO.exec(s);
  if (iso) {
    const ms = iso[7] ? Math.round(Number(`0.${iso[7]}`) * 1000) : 0;
    const off = offsetMinutes(iso[8]);
    return build(
      Number(iso[1]),
      iso[2] ? Number(iso[2]) - 1 : 0,
      iso[3] ? Number(iso[3]) : 1,
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      ms,
      off ?? 0,
    );
  }

  const r = RFC822.exec(s);
  if (r) {
    const month = MONTHS[fold(r[2] as string).replace(/\.$/, "")];
    if (month !== undefined) {
      const off = offsetMinutes((r[7] ?? "").replace(/\s*\(.*\)$/, "") || undefined);
      if (off !== null)
        return build(
          year(r[3] as string),
          month,
          Number(r[1]),
          Number(r[4] ?? 0),
          Number(r[5] ?? 0),
          Number(r[6] ?? 0),
          0,
          off,
        );
    }
  }
  const us = US.exec(s);
  if (us) {
    const month = MONTHS[fold(us[1] as string)];
    const off = offsetMinutes(us[7] || undefined);
    if (month !== undefined && off !== null)
      return build(
        Number(us[3]),
        month,
        Number(us[2]),
        Number(us[4] ?? 0),
        Number(us[5] ?? 0),
        Number(us[6] ?? 0),
        0,
        off,
      );
  }
  return finish(Date.parse(s));
}
