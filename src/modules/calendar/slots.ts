import { instantToLocal, localToInstant } from "../scheduler/local-time.js";
import type { Slot } from "./slots.repo.js";

/** How far ahead "add to queue" looks for a free slot. */
export const QUEUE_HORIZON_DAYS = 56;

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date "YYYY-MM-DD". */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Sorts and removes duplicate slots (same weekday and time). */
export function dedupeSlots(slots: Slot[]): Slot[] {
  const seen = new Map<string, Slot>();
  for (const s of slots) seen.set(`${s.weekday}|${s.time}`, { weekday: s.weekday, time: s.time });
  return [...seen.values()].sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time));
}

/**
 * The slot instants after `after`, in order, for `days` days, from a weekly grid of wall-clock times in
 * `tz`. Slots are wall-clock times, so a 09:00 slot is 09:00 local on both sides of a DST change; a slot
 * that does not exist that day (inside the spring-forward gap) is skipped, and one that exists twice
 * (fall back) is taken at its first occurrence.
 */
export function* slotInstants(
  slots: Slot[],
  tz: string,
  after: Date,
  days = QUEUE_HORIZON_DAYS,
): Generator<{ local: string; instant: Date }> {
  if (!slots.length) return;
  const byDay = new Map<number, string[]>();
  for (const s of dedupeSlots(slots)) byDay.set(s.weekday, [...(byDay.get(s.weekday) ?? []), s.time]);
  const startDate = instantToLocal(after, tz).slice(0, 10);
  const start = Date.parse(`${startDate}T00:00:00Z`);
  for (let i = 0; i <= days; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    for (const time of byDay.get(isoWeekday(date)) ?? []) {
      const local = `${date}T${time}`;
      const { instant, adjusted } = localToInstant(local, tz);
      if (adjusted === "gap") continue;
      if (instant.getTime() > after.getTime()) yield { local, instant };
    }
  }
}

/** The first slot instant after `after` that is not in `taken` (epoch milliseconds), or null. */
export function firstFreeSlot(
  slots: Slot[],
  tz: string,
  after: Date,
  taken: Set<number>,
): { local: string; instant: Date } | null {
  for (const s of slotInstants(slots, tz, after)) if (!taken.has(s.instant.getTime())) return s;
  return null;
}
