import type { PostStatus, TargetStatus } from "../../db/schema.js";

/** Every post status, in workflow order (the database's enum; the API's filters validate against it). */
export const POST_STATUSES = [
  "draft",
  "in_review",
  "changes_requested",
  "approved",
  "scheduled",
  "publishing",
  "published",
  "partially_published",
  "failed",
  "unconfirmed",
  "missed",
  "cancelled",
] as const satisfies readonly PostStatus[];

/** Statuses a post reaches through its targets (the scheduler's side); the rest are the review workflow's. */
export const DELIVERY_STATUSES: readonly PostStatus[] = [
  "scheduled",
  "publishing",
  "published",
  "partially_published",
  "failed",
  "unconfirmed",
  "missed",
];

/**
 * A scheduled post's status from its targets' statuses: the truth shown in the calendar. Anything still
 * in flight wins, then anything that needs a human (unconfirmed), then the outcome.
 */
export function deliveryStatus(targets: readonly TargetStatus[]): PostStatus {
  const live = targets.filter((s) => s !== "cancelled");
  if (live.length === 0) return "cancelled";
  if (live.includes("publishing")) return "publishing";
  if (live.includes("unconfirmed")) return "unconfirmed";
  if (live.includes("scheduled") || live.includes("pending")) return "scheduled";
  const published = live.filter((s) => s === "published").length;
  if (published === live.length) return "published";
  if (published > 0) return "partially_published";
  return live.every((s) => s === "missed") ? "missed" : "failed";
}

/**
 * Statuses before scheduling. A post in one of them may carry a *planned* time (`scheduled_at` set, no
 * publish job): shown on the calendar as planned, moved by drag-and-drop, proposed when scheduling.
 */
export const PLANNED_STATUSES: readonly PostStatus[] = ["draft", "in_review", "changes_requested", "approved"];

/** Whether a post with this status and a time is planned (not scheduled). */
export function isPlanned(status: string): boolean {
  return (PLANNED_STATUSES as readonly string[]).includes(status);
}
