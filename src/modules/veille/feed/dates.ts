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

// The two forms nearly every feed writes, "Sat, 21 Nov 2026 09:00:00 +0100" and "2026-11-21T09:00:00+01:00"
// (".123" and "Z" allowed), read character by character without the general path's clean-up and regular
// expressions; anything else (or any doubt) goes to the general path, which reads these forms the same way
// (checked in test/veille/feed-xml.test.ts).
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
const WEEKDAYS = new Set(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);

/** The number written by `count` ASCII digits at `at`, or -1. */
function digitsAt(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // NaN past the end too
    n = n * 10 + c;
  }
  return n;
}

function isoStrict(s: string): string | null | undefined {
  const len = s.length;
  if (
    len < 20 ||
    s.charCodeAt(4) !== 0x2d ||
    s.charCodeAt(7) !== 0x2d ||
    s.charCodeAt(10) !== 0x54 /* T */ ||
    s.charCodeAt(13) !== 0x3a ||
    s.charCodeAt(16) !== 0x3a
  )
    return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 0x2e /* . */) {
    let j = i + 1;
    while (j < len && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === i + 1 || j - i - 1 > 9) return undefined;
    ms = Math.round(Number(`0.${s.slice(i + 1, j)}`) * 1000);
    i = j;
  }
  let off = 0;
  const z = s.charCodeAt(i);
  if (z === 0x5a /* Z */ && i + 1 === len) off = 0;
  else if ((z === 0x2b || z === 0x2d) && i + 6 === len && s.charCodeAt(i + 3) === 0x3a) {
    const oh = digitsAt(s, i + 1, 2);
    const om = digitsAt(s, i + 4, 2);
    if (oh < 0 || om < 0) return undefined;
    off = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
  } else return undefined;
  return build(y, mo - 1, d, h, mi, sec, ms, off);
}

function rfc822Strict(s: string): string | null | undefined {
  let i = 0;
  if (s.charCodeAt(3) === 0x2c /* , */ && s.charCodeAt(4) === 0x20 && WEEKDAYS.has(s.slice(0, 3))) i = 5;
  const oneDigitDay = s.charCodeAt(i + 1) === 0x20;
  const d = digitsAt(s, i, oneDigitDay ? 1 : 2);
  i += oneDigitDay ? 1 : 2;
  if (d < 0 || s.charCodeAt(i) !== 0x20) return undefined;
  const mo = MONTH3[s.slice(i + 1, i + 4)];
  i += 4;
  if (mo === undefined || s.charCodeAt(i) !== 0x20) return undefined;
  const y = digitsAt(s, i + 1, 4);
  i += 5;
  if (y < 0 || s.charCodeAt(i) !== 0x20) return undefined;
  const h = digitsAt(s, i + 1, 2);
  const mi = digitsAt(s, i + 4, 2);
  const sec = digitsAt(s, i + 7, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 3) !== 0x3a || s.charCodeAt(i + 6) !== 0x3a) return undefined;
  i += 9;
  if (s.charCodeAt(i) !== 0x20) return undefined;
  const zone = s.slice(i + 1);
  let off: number;
  if (zone === "GMT" || zone === "UT" || zone === "UTC" || zone === "Z") off = 0;
  else if (zone.length === 5 && (zone[0] === "+" || zone[0] === "-")) {
    const oh = digitsAt(zone, 1, 2);
    const om = digitsAt(zone, 3, 2);
    if (oh < 0 || om < 0) return undefined;
    off = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  } else return undefined;
  return build(y, mo, d, h, mi, sec, 0, off);
}

function strict(s: string): string | null | undefined {
  return s.charCodeAt(4) === 0x2d /* "2026-" */ ? isoStrict(s) : rfc822Strict(s);
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
