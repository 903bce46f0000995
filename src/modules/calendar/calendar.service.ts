import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import type { AuthUser } from "../auth/auth.service.js";
import { isPlanned } from "../publishing/post-status.js";
import { instantToLocal, offsetMinutes } from "../scheduler/local-time.js";
import { explainPublishError } from "../scheduler/publish-errors.js";
import { authorize } from "../workspaces/workspaces.service.js";
import * as repo from "./calendar.repo.js";
import type { CalendarEntry, CalendarQuery, CalendarRange } from "./calendar.schema.js";
import { occurrencesBetween } from "./recurrence.js";

const EXCERPT = 140;
/** Whitespace that flattening changes: any but a plain space, two spaces in a row, or at either end. */
const RESHAPED_WHITESPACE = /[^\S ]| {2}|^ | $/;

/**
 * The first characters of a post's text, on one line, cut on a code point boundary. Only the head of a long
 * text is flattened (a month view shows ~800 excerpts of texts up to 63,206 characters): when the head alone
 * holds more than `max` code points the cut is the same as on the whole text.
 */
export function excerpt(text: string, max = EXCERPT): string {
  // Most posts are short, on one line, single-spaced: nothing to flatten or cut.
  if (text.length <= max && !RESHAPED_WHITESPACE.test(text)) return text;
  const headLength = max * 4;
  if (text.length > headLength) {
    const head = Array.from(text.slice(0, headLength).replace(/\s+/g, " ").trimStart());
    if (head.length > max) return `${head.slice(0, max - 1).join("")}…`;
  }
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat; // fewer UTF-16 units than max: fewer code points too
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * What a future occurrence will be: planned like its series while the series is still in review (not
 * created until the series is scheduled), otherwise scheduled.
 */
function occurrenceStatus(series: CalendarEntry["status"]): CalendarEntry["status"] {
  return series === "draft" || series === "in_review" || series === "changes_requested" || series === "approved"
    ? series
    : "scheduled";
}

/**
 * A zone's offset over each UTC day, or null for a day with a change (DST): what a zone does on a given day
 * never changes while the process runs, so it is kept across requests (a few hundred days per zone in
 * use; cleared if it ever grows past DAY_OFFSETS_MAX entries).
 */
const dayOffsets = new Map<string, Map<number, number | null>>();
let dayOffsetCount = 0;
const DAY_OFFSETS_MAX = 100_000;

function dayOffset(tz: string, day: number): number | null {
  let byDay = dayOffsets.get(tz);
  if (!byDay) {
    byDay = new Map();
    dayOffsets.set(tz, byDay);
  }
  let offset = byDay.get(day);
  if (offset === undefined) {
    const a = offsetMinutes(new Date(day * 86_400_000), tz);
    const b = offsetMinutes(new Date((day + 1) * 86_400_000 - 1000), tz);
    offset = a === b ? a : null;
    if (++dayOffsetCount > DAY_OFFSETS_MAX) {
      dayOffsets.clear();
      dayOffsetCount = 0;
    }
    byDay.set(day, offset);
  }
  return offset;
}

/**
 * instantToLocal for many instants of one zone: the zone's offset over each UTC day is looked up once
 * (dayOffset) and applied directly; days with a DST change take the exact path. A month of 800 posts costs
 * no Intl call once its days are known.
 */
export function localClock(tz: string): { tz: string; local(at: Date): string } {
  return {
    tz,
    local(at: Date) {
      const offset = dayOffset(tz, Math.floor(at.getTime() / 86_400_000));
      if (offset === null) return instantToLocal(at, tz);
      return new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 16);
    },
  };
}

/** Target statuses that need a human: their entry carries the reason. */
const NEEDS_ATTENTION = new Set(["failed", "missed", "unconfirmed"]);

function targetError(t: repo.RangeTarget, locale: Locale): CalendarTarget["error"] {
  if (!NEEDS_ATTENTION.has(t.status)) return undefined;
  return { code: t.error_code, explanation: explainPublishError(locale, t.error_code), message: t.error_message };
}

type CalendarTarget = CalendarEntry["targets"][number];

/** A target as the calendar shows it; fields without a value are left out (see calendarEntrySchema). */
function presentTarget(t: repo.RangeTarget, occurrence: boolean, locale: Locale): CalendarTarget {
  if (occurrence)
    return { id: t.id, accountId: t.account_id, status: t.status === "cancelled" ? "cancelled" : "scheduled" };
  const out: CalendarTarget = { id: t.id, accountId: t.account_id, status: t.status };
  if (t.external_url) out.externalUrl = t.external_url;
  if (t.published_at) out.publishedAt = t.published_at.toISOString();
  // Published targets carry their latest counters once measured.
  if (t.latest && t.status === "published") out.metrics = t.latest;
  const error = targetError(t, locale);
  if (error) out.error = error;
  return out;
}

function present(
  row: repo.RangeRow,
  clock: ReturnType<typeof localClock>,
  at: Date,
  occurrenceOf: string | null,
  locale: Locale,
): CalendarEntry {
  const status = occurrenceOf ? occurrenceStatus(row.status) : row.status;
  const scheduledAt = at.toISOString();
  const entry: CalendarEntry = {
    postId: row.id,
    key: occurrenceOf ? `${occurrenceOf}@${scheduledAt}` : row.id,
    status,
    excerpt: excerpt(row.body),
    scheduledAt,
    scheduledLocal: clock.local(at),
    targets: row.targets.map((t) => presentTarget(t, occurrenceOf !== null, locale)),
    version: row.version,
  };
  if (isPlanned(status)) entry.planned = true;
  if (row.link_url) entry.linkUrl = row.link_url;
  if (row.campaign_id) entry.campaignId = row.campaign_id;
  if (row.tag_ids.length) entry.tagIds = row.tag_ids;
  if (row.recurrence) entry.recurrence = row.recurrence;
  if (row.evergreen) entry.evergreen = true;
  if (occurrenceOf) entry.occurrence = { seriesId: occurrenceOf };
  if (row.recurrence_parent_id) entry.parentId = row.recurrence_parent_id;
  return entry;
}

/** The accounts, campaigns and tags the entries refer to, described once each (see calendarResponse). */
export function referenced(
  entries: CalendarEntry[],
  look: repo.Lookups,
): Pick<CalendarRange, "accounts" | "campaigns" | "tags"> {
  const accounts: CalendarRange["accounts"] = {};
  const campaigns: CalendarRange["campaigns"] = {};
  const tags: CalendarRange["tags"] = {};
  for (const e of entries) {
    for (const t of e.targets) {
      if (accounts[t.accountId]) continue;
      const a = look.accounts.get(t.accountId);
      accounts[t.accountId] = { name: a?.name ?? "", handle: a?.handle ?? null, network: a?.network ?? "" };
    }
    if (e.campaignId && !campaigns[e.campaignId]) {
      const c = look.campaigns.get(e.campaignId);
      if (c) campaigns[e.campaignId] = c;
    }
    for (const id of e.tagIds ?? []) {
      if (tags[id]) continue;
      const g = look.tags.get(id);
      if (g) tags[id] = g;
    }
  }
  return { accounts, campaigns, tags };
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
export async function range(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  q: CalendarQuery,
  locale: Locale = "fr",
): Promise<CalendarRange> {
  await authorize(ctx, user, workspaceId, "posts.read");
  const from = new Date(q.from);
  const to = new Date(q.to);
  const filters: repo.RangeFilters = {
    accounts: q.accounts,
    networks: q.networks,
    campaigns: q.campaigns,
    tags: q.tags,
    statuses: q.statuses,
  };
  const { entries, lookups: look } = await entriesBetween(ctx, workspaceId, from, to, filters, locale);
  return {
    timezone: look.timezone,
    from: from.toISOString(),
    to: to.toISOString(),
    ...referenced(entries, look),
    entries,
  };
}

/**
 * The entries of [from, to) without authorization, for `range` and the iCal feed (a secret link), with the
 * workspace's lookups (zone, accounts, tags, campaigns) they were presented with.
 */
export async function entriesBetween(
  ctx: AppContext,
  workspaceId: string,
  from: Date,
  to: Date,
  filters: repo.RangeFilters = {},
  locale: Locale = "fr",
): Promise<{ entries: CalendarEntry[]; lookups: repo.Lookups }> {
  // The three reads are independent: on PostgreSQL they run side by side on the pool's connections.
  const { statuses: _ignored, ...seriesFilters } = filters;
  const [look, rows, allSeries] = await Promise.all([
    repo.lookups(ctx.db, workspaceId),
    repo.findInRange(ctx.db, workspaceId, from, to, filters, false, true),
    repo.findInRange(ctx.db, workspaceId, from, to, seriesFilters, true),
  ]);
  const tz = look.timezone;
  const local = localClock(tz);
  const entries = repo.orderByName(rows, look).map((r) => present(r, local, r.scheduled_at, null, locale));
  // Occurrences have the status they will be created with (see occurrenceStatus): filtered on that.
  const wanted = filters.statuses ? new Set(filters.statuses) : null;
  const series = repo.orderByName(
    allSeries.filter((s) => SERIES_CARRY_ON.has(s.status)),
    look,
  );
  if (!series.length) return { entries, lookups: look };
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
      if (wanted && !wanted.has(occurrenceStatus(s.status))) continue;
      entries.push(present(s, local, occ.instant, s.id, locale));
    }
  }
  // ISO instants and keys compare as plain strings (localeCompare would build a collator per call).
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  entries.sort((a, b) => order(a.scheduledAt, b.scheduledAt) || order(a.key, b.key));
  return { entries, lookups: look };
}
