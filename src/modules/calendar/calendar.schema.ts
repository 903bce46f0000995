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

const targetSchema = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  handle: z.string().nullable(),
  network: z.string(),
  status: z.string(),
  externalUrl: z.string().nullable(),
  publishedAt: z.string().nullable(),
  /** The latest metric snapshot of a published target (docs/SOCIAL-SYNC.md); absent or null otherwise. */
  metrics: z
    .object({
      takenAt: z.string(),
      likes: z.number().int().nullable(),
      reposts: z.number().int().nullable(),
      replies: z.number().int().nullable(),
      quotes: z.number().int().nullable(),
    })
    .nullable()
    .optional(),
  /** Why a failed, missed or unconfirmed target is so: our explanation and the network's own words. */
  error: z
    .object({
      code: z.string().nullable(),
      explanation: z.string().nullable().meta({ description: "In the caller's language" }),
      message: z.string().nullable().meta({ description: "The network's own words, as received" }),
    })
    .nullable(),
});

export const calendarEntrySchema = z
  .object({
    /** The post id; for an occurrence not yet materialised, the series' id. */
    postId: z.uuid(),
    /** Stable per entry: the post id, or "<seriesId>@<instant>" for a future occurrence. */
    key: z.string(),
    status: z.enum(POST_STATUSES),
    /** A post not scheduled yet (draft, in review, changes requested, approved) shown at its planned time. */
    planned: z.boolean(),
    excerpt: z.string(),
    linkUrl: z.string().nullable(),
    scheduledAt: z.iso.datetime({ offset: true }),
    /** The wall clock in the workspace's zone, "YYYY-MM-DDTHH:mm". */
    scheduledLocal: z.string(),
    timezone: z.string(),
    campaign: z.object({ id: z.uuid(), name: z.string(), color: z.string() }).nullable(),
    tags: z.array(z.object({ id: z.uuid(), name: z.string(), color: z.string() })),
    targets: z.array(targetSchema),
    recurrence: z.string().nullable(),
    evergreen: z.boolean(),
    version: z.number().int(),
    /** Set on future occurrences of a recurring series (expanded, not yet created as posts). */
    occurrence: z.object({ seriesId: z.uuid() }).nullable(),
    /** Set on a post that was materialised from a series or recycled from an evergreen post. */
    parentId: z.uuid().nullable(),
  })
  .meta({ id: "CalendarEntry" });
export type CalendarEntry = z.infer<typeof calendarEntrySchema>;

export const calendarResponse = z
  .object({ timezone: z.string(), from: z.string(), to: z.string(), entries: z.array(calendarEntrySchema) })
  .meta({ id: "CalendarRange" });

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
