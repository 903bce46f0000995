import type { AppContext } from "../../context.js";
import type { AuthUser } from "../auth/auth.service.js";
import { instantToLocal } from "../scheduler/local-time.js";
import { authorize } from "../workspaces/workspaces.service.js";
import * as repo from "./calendar.repo.js";
import type { CalendarEntry, CalendarQuery } from "./calendar.schema.js";
import { occurrencesBetween } from "./recurrence.js";

const EXCERPT = 140;

/** The first characters of a post's text, on one line, cut on a code point boundary. */
export function excerpt(text: string, max = EXCERPT): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

function present(row: repo.RangeRow, tz: string, at: Date, occurrenceOf: string | null): CalendarEntry {
  return {
    postId: row.id,
    key: occurrenceOf ? `${occurrenceOf}@${at.toISOString()}` : row.id,
    status: occurrenceOf ? "scheduled" : row.status,
    excerpt: excerpt(row.body),
    linkUrl: row.link_url,
    scheduledAt: at.toISOString(),
    scheduledLocal: instantToLocal(at, tz),
    timezone: tz,
    campaign:
      row.campaign_id && row.campaign_name
        ? { id: row.campaign_id, name: row.campaign_name, color: row.campaign_color ?? "#228be6" }
        : null,
    tags: row.tags,
    targets: row.targets.map((t) => ({
      id: t.id,
      accountId: t.account_id,
      accountName: t.account_name,
      handle: t.handle,
      network: t.network,
      status: occurrenceOf ? (t.status === "cancelled" ? "cancelled" : "scheduled") : t.status,
      externalUrl: occurrenceOf ? null : t.external_url,
      publishedAt: occurrenceOf || !t.published_at ? null : new Date(t.published_at).toISOString(),
    })),
    recurrence: row.recurrence,
    evergreen: row.evergreen,
    version: row.version,
    occurrence: occurrenceOf ? { seriesId: occurrenceOf } : null,
    parentId: row.recurrence_parent_id,
  };
}

/** Series shown with their future occurrences: planned ones too (a draft series is shown as planned). */
const SERIES_CARRY_ON = new Set([
  "draft",
  "in_review",
  "changes_requested",
  "approved",
  "scheduled",
  "publishing",
  "published",
  "partially_published",
  "failed",
  "missed",
]);

/**
 * The calendar between two instants: every post with a time in [from, to) — drafts with a planned time
 * included — and the future occurrences of recurring series expanded in the range (marked as such,
 * skipping those already created as posts). Two queries for posts, one for materialised occurrences.
 */
export async function range(ctx: AppContext, user: AuthUser, workspaceId: string, q: CalendarQuery) {
  await authorize(ctx, user, workspaceId, "posts.read");
  const tz = await repo.workspaceZone(ctx.db, workspaceId);
  const from = new Date(q.from);
  const to = new Date(q.to);
  const filters: repo.RangeFilters = {
    accounts: q.accounts,
    networks: q.networks,
    campaigns: q.campaigns,
    tags: q.tags,
    statuses: q.statuses,
  };
  const entries = await entriesBetween(ctx, workspaceId, tz, from, to, filters);
  return { timezone: tz, from: from.toISOString(), to: to.toISOString(), entries };
}

/** The entries of [from, to) without authorization: for `range` and the iCal feed (a secret link). */
export async function entriesBetween(
  ctx: AppContext,
  workspaceId: string,
  tz: string,
  from: Date,
  to: Date,
  filters: repo.RangeFilters = {},
): Promise<CalendarEntry[]> {
  const rows = await repo.findInRange(ctx.db, workspaceId, from, to, filters);
  const entries = rows.map((r) => present(r, tz, r.scheduled_at, null));
  // Occurrences are "scheduled" by nature: a status filter that excludes it excludes them too.
  if (filters.statuses && !filters.statuses.includes("scheduled")) return entries;
  const { statuses: _ignored, ...seriesFilters } = filters;
  const series = (await repo.findInRange(ctx.db, workspaceId, from, to, seriesFilters, true)).filter((s) =>
    SERIES_CARRY_ON.has(s.status),
  );
  if (!series.length) return entries;
  const done = await repo.materialisedOccurrences(
    ctx.db,
    workspaceId,
    series.map((s) => s.id),
  );
  const now = new Date();
  for (const s of series) {
    const start = instantToLocal(s.scheduled_at, tz);
    for (const occ of occurrencesBetween(s.recurrence as string, start, tz, from, to)) {
      if (occ.instant.getTime() <= s.scheduled_at.getTime() || occ.instant <= now) continue;
      if (done.has(`${s.id}@${occ.instant.toISOString()}`)) continue;
      entries.push(present(s, tz, occ.instant, s.id));
    }
  }
  return entries.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt) || a.key.localeCompare(b.key));
}
