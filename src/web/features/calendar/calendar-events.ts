import type { EventInput } from "@fullcalendar/core";
import { HEX, networkColor } from "../publishing/networks";
import type { CalendarEntry, CalendarRange } from "../publishing/types";
import { instantToLocal } from "../publishing/zoned-time";

export type ColorBy = "network" | "campaign";

/** What each calendar event carries: the entry, its networks and the accounts of the range (by id). */
export interface EventProps {
  entry: CalendarEntry;
  networks: string[];
  accounts: CalendarRange["accounts"];
}

/** Statuses a drag may move (the server re-checks). */
const MOVABLE = new Set(["draft", "in_review", "changes_requested", "approved", "scheduled", "missed", "failed"]);

/**
 * Calendar entries as FullCalendar events. FullCalendar runs in UTC mode and receives the workspace's
 * wall-clock times as floating strings, so the grid shows the workspace zone whatever the browser's is.
 * The range describes its accounts and campaigns once, by id: networks and colours come from there.
 */
export function toEvents(range: CalendarRange | undefined, timeZone: string, colorBy: ColorBy): EventInput[] {
  if (!range) return [];
  const sameZone = range.timezone === timeZone;
  return range.entries.map((entry) => {
    const local = sameZone ? entry.scheduledLocal : instantToLocal(entry.scheduledAt, timeZone);
    const networks = [...new Set(entry.targets.map((t) => range.accounts[t.accountId]?.network ?? ""))].filter(Boolean);
    const campaign = entry.campaignId ? range.campaigns[entry.campaignId] : undefined;
    const color =
      colorBy === "campaign" ? (campaign?.color ?? HEX.gray) : (HEX[networkColor(networks[0] ?? "")] ?? HEX.gray);
    const extendedProps: EventProps = { entry, networks, accounts: range.accounts };
    return {
      id: entry.key,
      title: entry.excerpt || "…",
      start: `${local}:00`,
      allDay: false,
      backgroundColor: color,
      borderColor: color,
      editable: MOVABLE.has(entry.status) && !entry.occurrence,
      extendedProps,
    };
  });
}
