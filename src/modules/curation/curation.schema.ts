import { z } from "zod";
import { parseLocal } from "../scheduler/local-time.js";

export const workspaceParams = z.object({ workspaceId: z.uuid() });
export const topicParams = z.object({ workspaceId: z.uuid(), topicId: z.uuid() });
export const entryParams = z.object({ workspaceId: z.uuid(), topicId: z.uuid(), entryId: z.uuid() });
export const reviewParams = z.object({ workspaceId: z.uuid(), reviewId: z.uuid() });
/** Public URLs carry a 32-byte random token (base64url, 43 characters). */
export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/^https?:\/\/[^/]*@/.test(u), { params: { i18n: "invalid_url" } });
const tag = z.string().trim().min(1).max(60);
const nonEmpty = (o: object) => Object.values(o).some((v) => v !== undefined);

export const topicBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(2000).default(""),
    isPublic: z.boolean().default(false),
  })
  .strict();
export const topicPatch = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().max(2000).optional(),
    isPublic: z.boolean().optional(),
  })
  .strict()
  .refine(nonEmpty, { params: { i18n: "empty_patch" } });

export const topicView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    isPublic: z.boolean(),
    publicUrl: z.string().nullable().meta({ description: "The public page while the topic is public" }),
    feedUrls: z.object({ rss: z.string(), json: z.string() }).nullable(),
    entryCount: z.number().int(),
    lastSavedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "CurationTopic" });

export const entryBody = z
  .object({
    url: httpUrl.optional().meta({ description: "The link to save (or give feedItemId)" }),
    feedItemId: z
      .uuid()
      .optional()
      .meta({ description: "A veille item: its title, link, summary and image are copied" }),
    insight: z.string().max(5000).default("").meta({ description: "The CM's own comment" }),
    tags: z.array(tag).max(20).default([]),
    title: z.string().trim().min(1).max(300).optional().meta({ description: "Given: no fetch of the page" }),
    description: z.string().max(2000).optional(),
    imageUrl: httpUrl.nullable().optional(),
    sourceName: z
      .string()
      .trim()
      .max(120)
      .optional()
      .meta({ description: "The site's name (default: fetched or the host)" }),
  })
  .strict()
  .refine((b) => (b.url === undefined) !== (b.feedItemId === undefined), {
    path: ["url"],
    params: { i18n: "url_or_item" },
  });

export const entryPatch = z
  .object({
    url: httpUrl.optional(),
    title: z.string().trim().min(1).max(300).optional(),
    description: z.string().max(2000).optional(),
    imageUrl: httpUrl.nullable().optional(),
    insight: z.string().max(5000).optional(),
    tags: z.array(tag).max(20).optional(),
    sourceName: z.string().max(120).optional(),
  })
  .strict()
  .refine(nonEmpty, { params: { i18n: "empty_patch" } });

export const orderBody = z.object({ entryIds: z.array(z.uuid()).min(1).max(5000) }).strict();

export const entryView = z
  .object({
    id: z.uuid(),
    topicId: z.uuid(),
    feedItemId: z.uuid().nullable(),
    url: z.string(),
    title: z.string(),
    description: z.string(),
    imageUrl: z.string().nullable(),
    sourceName: z.string(),
    insight: z.string(),
    tags: z.array(z.string()),
    position: z.number().int(),
    publishedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "CurationEntry" });

export const previewBody = z.object({ url: httpUrl }).strict();
export const previewView = z
  .object({
    url: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    imageUrl: z.string().nullable(),
    siteName: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: "LinkPreview" });

// ---- press reviews ----

const instant = z.iso.datetime({ offset: true });
const recipients = z.array(z.email().max(254)).min(1).max(200);

export const reviewCreate = z
  .object({
    topicId: z.uuid(),
    from: instant,
    to: instant,
    title: z.string().trim().min(1).max(200).optional(),
    intro: z.string().max(10_000).default(""),
  })
  .strict()
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { path: ["to"], params: { i18n: "range_order" } })
  .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= 366 * 86_400_000, {
    path: ["to"],
    params: { i18n: "range_too_long" },
  });

export const reviewItem = z
  .object({
    entryId: z.uuid().nullable(),
    url: z.string(),
    title: z.string(),
    description: z.string(),
    imageUrl: z.string().nullable(),
    source: z.string(),
    comment: z.string(),
  })
  .meta({ id: "PressReviewItem" });

export const reviewPatch = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    intro: z.string().max(10_000).optional(),
    items: z
      .array(z.object({ entryId: z.uuid(), comment: z.string().max(5000) }).strict())
      .max(200)
      .optional()
      .meta({ description: "The review's items in order: drop one to remove it; entries of the topic only" }),
  })
  .strict()
  .refine(nonEmpty, { params: { i18n: "empty_patch" } });

export const sendBody = z
  .object({ recipients, test: z.boolean().default(false).meta({ description: "A test: the review stays a draft" }) })
  .strict();

export const reviewView = z
  .object({
    id: z.uuid(),
    topicId: z.uuid().nullable(),
    topicName: z.string().nullable(),
    scheduled: z.boolean(),
    title: z.string(),
    intro: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    items: z.array(reviewItem),
    status: z.enum(["draft", "sending", "sent", "failed"]),
    recipients: z.array(z.string()),
    sentAt: z.string().nullable(),
    sendError: z.string().nullable(),
    publicUrl: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "PressReview" });

export const reviewSummary = reviewView.omit({ items: true, intro: true }).extend({ itemCount: z.number().int() });

export const renderedView = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), markdown: z.string() })
  .meta({ id: "PressReviewRendered" });

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
export const scheduleBody = z
  .object({
    weekday: z.number().int().min(1).max(7).meta({ description: "ISO weekday: 1 = Monday … 7 = Sunday" }),
    time: localTime.meta({ description: "HH:MM in the workspace's time zone" }),
    recipients,
    title: z.string().trim().min(1).max(200),
    intro: z.string().max(10_000).default(""),
    enabled: z.boolean().default(true),
  })
  .strict();

export const scheduleView = z
  .object({
    topicId: z.uuid(),
    weekday: z.number().int(),
    time: z.string(),
    timezone: z.string(),
    recipients: z.array(z.string()),
    title: z.string(),
    intro: z.string(),
    enabled: z.boolean(),
    nextRunAt: z.string().meta({ description: "The next send; its review covers the 7 days before it" }),
    lastRunAt: z.string().nullable(),
  })
  .meta({ id: "PressReviewSchedule" });

export function isLocalTime(s: string): boolean {
  return parseLocal(`2000-01-01T${s}`) !== null;
}
