import { instantToLocal, localToInstant } from "../scheduler/local-time.js";

const DAY = 86_400_000;

/** ISO weekday (1 = Monday … 7 = Sunday) of a "YYYY-MM-DD" calendar date. */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * The first instant strictly after `after` at which the wall clock of `tz` shows `time` on `weekday`.
 * Wall-clock arithmetic, so a weekly 08:00 stays 08:00 across daylight-saving changes (a time that does
 * not exist that day moves forward by the gap, as for posts).
 */
export function nextWeekly(weekday: number, time: string, tz: string, after: Date): Date {
  const today = instantToLocal(after, tz).slice(0, 10);
  for (let i = 0; i <= 8; i++) {
    const date = addDays(today, i);
    if (isoWeekday(date) !== weekday) continue;
    const { instant } = localToInstant(`${date}T${time}`, tz);
    if (instant.getTime() > after.getTime()) return instant;
  }
  throw new Error("unreachable: a weekday recurs within 8 days");
}

/** The week a scheduled review covers: the same wall-clock time seven days before its send time, up to it. */
export function weekBefore(sendAt: Date, tz: string): { start: Date; end: Date } {
  const local = instantToLocal(sendAt, tz);
  const start = localToInstant(`${addDays(local.slice(0, 10), -7)}T${local.slice(11)}`, tz).instant;
  return { start, end: sendAt };
}
