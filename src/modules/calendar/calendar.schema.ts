import { z } from "zod";
import { NETWORK_IDS } from "../../shared/networks/profiles.js";
import { POST_STATUSES } from "../publishing/post-status.js";
import { parseLocal } from "../scheduler/local-time.js";

/** The longest range one calendar query may cover: two months, enough for a month view with its edges. */
export const MAX_RANGE_DAYS = 62;

export { POST_STATUSES } from "../publishing/post-status.js";

/** A comma-separated list in a query string ("a,b,c"), each item validated by `item`; at most 50 items. */
function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .max(4000)
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50))
    .optional();
}

export const workspaceParams = z.object({ workspaceId: z.uuid() });
export const postParams = z.object({ workspaceId: z.uuid(), postId: z.uuid() });
export const accountParams = z.object({ workspaceId: z.uuid(), accountId: z.uuid() });

export const calendarQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    accounts: commaList(z.uuid()),
    networks: commaList(z.enum(NETWORK_IDS)),
    campaigns: commaList(z.uuid()),
    tags: commaList(z.uuid()),
    statuses: commaList(z.enum(POST_STATUSES)),
  })
  .superRefine((q, ctx) => {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(from < to)) ctx.addIssue({ code: "custom", path: ["to"], params: { i18n: "range_order" } });
    else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["to"], params: { i18n: "range_too_long" } });
    }
  });
export type CalendarQuery = z.infer<typeof calendarQuery>;

// A month view holds ~1,000 entries: fields without a value (null, false, empty) are left out rather than
// sent a thousand times. Absent means: no link, no campaign, no tags, not recurring, not evergreen…
const targetSchema = z.object({
  id: z.uuid(),
  /** The account (its name, handle and network are in the response's `accounts`). */
  accountId: z.uuid(),
  status: z.string(),
  /** The published copy's address (absent before publishing and once taken down). */
  externalUrl: z.string().optional(),
  publishedAt: z.string().optional(),
  /** The latest metric snapshot of a published target (docs/SOCIAL-SYNC.md); absent before the first one. */
  metrics: z
    .object({
      takenAt: z.string(),
      likes: z.number().int().nullable(),
      reposts: z.number().int().nullable(),
      replies: z.number().int().nullable(),
      quotes: z.number().int().nullable(),
    })
    .optional(),
  /** Why a failed, missed or unconfirmed target is so: our explanation and the network's own words. */
  error: z
    .object({
      code: z.string().nullable(),
      explanation: z.string().nullable().meta({ description: "In the caller's language" }),
      message: z.string().nullable().meta({ description: "The network's own words, as received" }),
    })
    .optional(),
});

export const calendarEntrySchema = z
  .object({
    /** The post id; for an occurrence not yet materialised, the series' id. */
    postId: z.uuid(),
    /** Stable per entry: the post id, or "<seriesId>@<instant>" for a future occurrence. */
    key: z.string(),
    status: z.enum(POST_STATUSES),
    /** A post not scheduled yet (draft, in review, changes requested, approved) shown at its planned time. */
    planned: z.literal(true).optional(),
    excerpt: z.string(),
    linkUrl: z.string().optional(),
    scheduledAt: z.iso.datetime({ offset: true }),
    /** The wall clock in the workspace's zone (the response's `timezone`), "YYYY-MM-DDTHH:mm". */
    scheduledLocal: z.string(),
    /** The campaign (name and colour in the response's `campaigns`). */
    campaignId: z.uuid().optional(),
    /** The tags, ordered by name (names and colours in the response's `tags`); absent when none. */
    tagIds: z.array(z.uuid()).optional(),
    /** Ordered by account name. */
    targets: z.array(targetSchema),
    recurrence: z.string().optional(),
    evergreen: z.literal(true).optional(),
    version: z.number().int(),
    /** Set on future occurrences of a recurring series (expanded, not yet created as posts). */
    occurrence: z.object({ seriesId: z.uuid() }).optional(),
    /** Set on a post that was materialised from a series or recycled from an evergreen post. */
    parentId: z.uuid().optional(),
  })
  .meta({ id: "CalendarEntry" });
export type CalendarEntry = z.infer<typeof calendarEntrySchema>;

const named = z.object({ name: z.string(), color: z.string() });

/**
 * A month view holds hundreds of entries on a few accounts, tags and campaigns: each is described once, by id,
 * next to the entries (those the entries refer to), not repeated in every entry.
 */
export const calendarResponse = z
  .object({
    /** The workspace's IANA zone: every entry's `scheduledLocal` is in it. */
    timezone: z.string(),
    from: z.string(),
    to: z.string(),
    accounts: z.record(
      z.uuid(),
      z
        .object({ name: z.string(), handle: z.string().nullable(), network: z.string() })
        .meta({ id: "CalendarAccount" }),
    ),
    campaigns: z.record(z.uuid(), named.meta({ id: "CalendarCampaign" })),
    tags: z.record(z.uuid(), named.meta({ id: "CalendarTag" })),
    entries: z.array(calendarEntrySchema),
  })
  .meta({ id: "CalendarRange" });
export type CalendarRange = z.infer<typeof calendarResponse>;

/** "YYYY-MM-DDTHH:mm", a real calendar date and time. */
export const localDateTime = z
  .string()
  .refine((s) => parseLocal(s) !== null, { params: { i18n: "local_datetime" } })
  .meta({ example: "2026-03-29T09:00" });

export const moveBody = z.object({ local: localDateTime, version: z.number().int().min(1) });

export const moveResult = z
  .object({
    postId: z.uuid(),
    version: z.number().int(),
    previous: z.object({ scheduledAt: z.string().nullable(), local: z.string().nullable() }),
    current: z.object({ scheduledAt: z.string(), local: z.string() }),
    /** "gap" when the time did not exist (moved past the DST jump), "overlap" when it existed twice. */
    adjusted: z.enum(["none", "gap", "overlap"]),
  })
  .meta({ id: "MoveResult" });

export const slotSchema = z.object({
  weekday: z.number().int().min(1).max(7).meta({ description: "ISO weekday: 1 = Monday … 7 = Sunday" }),
  time: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/),
});
export const slotsBody = z.object({ slots: z.array(slotSchema).max(200) });
export const slotsResponse = z
  .object({ accountId: z.uuid(), timezone: z.string(), slots: z.array(slotSchema) })
  .meta({ id: "PostingSlots" });
