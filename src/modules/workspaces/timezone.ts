/**
 * True for IANA zone names the runtime knows (Europe/Paris, America/Argentina/Buenos_Aires, UTC).
 * Offsets ("+01:00") and abbreviations ("CET" aside, which IANA itself lists) are refused: a workspace
 * needs a real zone so daylight-saving rules apply.
 */
export function isIanaTimezone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz) || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
