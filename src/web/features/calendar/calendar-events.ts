import type { EventInput } from "@fullcalendar/core";
import { HEX, networkColor } from "../publishing/networks";
import type { CalendarEntry } from "../publishing/types";
import { instantToLocal } from "../publishing/zoned-time";

export type ColorBy = "network" | "campaign";

/** Statuses a drag may move (the server re-checks). */
const MOVABLE = new Set(["draft", "in_review", "changes_requested", "approved", "scheduled", "missed", "failed"]);

/**
 * Calendar entries as FullCalendar events. FullCalendar runs in UTC mode and receives the workspace's
 * wall-clock times as floating strings, so the grid shows the workspace zone whatever the browser's is.
 */
export function toEvents(entries: CalendarEntry[], timeZone: string, colorBy: ColorBy): EventInput[] {
  return entries.map((entry) => {
    const local = entry.timezone === timeZone ? entry.scheduledLocal : instantToLocal(entry.scheduledAt, timeZone);
    const networks = [...new Set(entry.targets.map((t) => t.network))];
    const color =
      colorBy === "campaign" ? (entry.campaign?.color ?? HEX.gray) : (HEX[networkColor(networks[0] ?? "")] ?? HEX.gray);
    return {
      id: entry.key,
      title: entry.excerpt || "…",
      start: `${local}:00`,
      allDay: false,
      backgroundColor: color,
      borderColor: color,
      editable: MOVABLE.has(entry.status) && entry.occurrence === null,
      extendedProps: { entry, networks },
    };
  });
}
