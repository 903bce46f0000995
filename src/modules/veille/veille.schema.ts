import { z } from "zod";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";

const datetime = z.iso.datetime({ offset: true });

export const feedParams = workspaceIdParams.extend({ feedId: z.uuid() });
export const folderParams = workspaceIdParams.extend({ folderId: z.uuid() });
export const itemParams = workspaceIdParams.extend({ itemId: z.uuid() });

export const feedSchema = z
  .object({
    id: z.uuid(),
    folderId: z.uuid().nullable(),
    url: z.string(),
    siteUrl: z.string().nullable(),
    title: z.string(),
    description: z.string(),
    language: z.string().nullable(),
    format: z.string().nullable(),
    fetchFullText: z.boolean(),
    lastFetchedAt: datetime.nullable(),
    lastNewItemAt: datetime.nullable(),
    nextFetchAt: datetime.nullable().meta({ description: "null when the feed is gone (410) and no longer polled" }),
    intervalSeconds: z.number().int(),
    errorCount: z.number().int(),
    lastError: z
      .object({
        code: z.string().meta({
          description:
            "dns, refused, reset, tls, timeout, too_large, blocked, invalid_url, too_many_redirects, http_status, not_a_feed, unreadable, empty, network, gone, internal",
        }),
        message: z.string().meta({ description: "Translated explanation" }),
        detail: z.string().nullable().meta({ description: "Technical detail (English), e.g. HTTP 503" }),
        at: datetime,
      })
      .nullable(),
    goneAt: datetime.nullable(),
    unread: z.number().int(),
    createdAt: datetime,
  })
  .meta({ id: "Feed" });

export const folderSchema = z
  .object({ id: z.uuid(), name: z.string(), position: z.number().int(), unread: z.number().int() })
  .meta({ id: "FeedFolder" });

export const feedListSchema = z
  .object({ folders: z.array(folderSchema), feeds: z.array(feedSchema), unread: z.number().int() })
  .meta({ id: "FeedList" });

const feedUrl = z.string().trim().min(3).max(2000);

export const subscribeBody = z
  .object({
    url: feedUrl.meta({ description: "A feed URL, or a site URL (its feeds are discovered)" }),
    folderId: z.uuid().nullish(),
    fetchFullText: z.boolean().optional(),
  })
  .meta({ id: "SubscribeRequest" });

export const choiceSchema = z.object({
  url: z.string(),
  title: z.string().nullable(),
  type: z.string().meta({ description: "rss, atom, json or rdf" }),
});

export const subscribeResponse = z
  .object({ status: z.literal("subscribed"), feed: feedSchema, newItems: z.number().int() })
  .meta({ id: "Subscribed" });

export const chooseResponse = z
  .object({
    status: z.literal("choose"),
    choices: z
      .array(choiceSchema)
      .meta({ description: "The page announces several feeds: subscribe to one by its url" }),
  })
  .meta({ id: "ChooseFeed" });

export const updateFeedBody = z
  .object({
    title: z.string().trim().min(1).max(300).optional(),
    folderId: z.uuid().nullable().optional(),
    fetchFullText: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change" })
  .meta({ id: "FeedUpdate" });

export const fetchNowResponse = z
  .object({
    outcome: z.enum(["ok", "not_modified", "gone", "error", "failed"]),
    newItems: z.number().int(),
    feed: feedSchema,
  })
  .meta({ id: "FeedFetchOutcome" });

export const folderBody = z.object({ name: z.string().trim().min(1).max(120) }).meta({ id: "FolderCreate" });
export const folderPatch = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change" })
  .meta({ id: "FolderUpdate" });

export const opmlImportBody = z
  .object({ opml: z.string().min(1).max(2_000_000).meta({ description: "The OPML document (text)" }) })
  .meta({ id: "OpmlImport" });

export const opmlImportResponse = z
  .object({
    feedsCreated: z.number().int(),
    feedsExisting: z.number().int(),
    foldersCreated: z.number().int(),
    invalid: z.array(z.object({ text: z.string(), url: z.string() })),
  })
  .meta({ id: "OpmlImportResult" });

export const settingsSchema = z
  .object({ retentionDays: z.number().int().min(1).max(3650) })
  .meta({ id: "VeilleSettings" });

// ---- items ----

const bool = z.enum(["true", "false"]).transform((v) => v === "true");

export const itemListQuery = z.object({
  feedId: z.uuid().optional(),
  folderId: z.uuid().optional(),
  storyId: z.uuid().optional(),
  language: z
    .string()
    .regex(/^[a-z]{2}$/)
    .optional(),
  since: datetime.optional(),
  until: datetime.optional(),
  unread: bool.optional(),
  starred: bool.optional(),
  q: z.string().trim().min(1).max(300).optional(),
  group: bool.optional().meta({ description: "One entry per story (default true; not with feedId)" }),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{10,200}$/)
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});

export const sourceSchema = z.object({
  itemId: z.uuid(),
  feedId: z.uuid(),
  feedTitle: z.string(),
  title: z.string(),
  link: z.string().nullable(),
  publishedAt: datetime,
});

export const itemSummarySchema = z
  .object({
    id: z.uuid(),
    feedId: z.uuid(),
    feedTitle: z.string(),
    title: z.string(),
    link: z.string().nullable(),
    excerpt: z.string().meta({ description: "Plain text, at most 300 characters" }),
    imageUrl: z.string().nullable(),
    author: z.string().nullable(),
    language: z.string().nullable(),
    publishedAt: datetime,
    read: z.boolean(),
    starred: z.boolean(),
    hasFullText: z.boolean(),
    story: z
      .object({ id: z.uuid(), count: z.number().int(), sources: z.array(sourceSchema) })
      .nullable()
      .meta({ description: "The same news from other sources" }),
  })
  .meta({ id: "FeedItemSummary" });

export const itemListSchema = z
  .object({ items: z.array(itemSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: "FeedItemList" });

export const itemDetailSchema = itemSummarySchema
  .extend({
    summaryHtml: z.string().meta({ description: "Sanitized HTML" }),
    contentHtml: z.string().meta({ description: "Sanitized HTML (the feed's content, else its summary)" }),
    fullTextHtml: z.string().nullable().meta({ description: "Sanitized HTML extracted from the page" }),
    categories: z.array(z.string()),
    enclosures: z.array(z.object({ url: z.string(), type: z.string().nullable(), length: z.number().nullable() })),
  })
  .meta({ id: "FeedItem" });

export const readBody = z.object({ read: z.boolean() }).meta({ id: "ItemRead" });
export const starBody = z.object({ starred: z.boolean() }).meta({ id: "ItemStar" });
export const itemStateSchema = z
  .object({ id: z.uuid(), read: z.boolean(), starred: z.boolean() })
  .meta({ id: "FeedItemState" });

export const markAllReadBody = z
  .object({
    before: datetime.meta({ description: "Items published up to this instant (the newest one the reader showed)" }),
    feedId: z.uuid().optional(),
    folderId: z.uuid().optional(),
  })
  .meta({ id: "MarkAllRead" });

export const markAllReadResponse = z.object({ marked: z.number().int() }).meta({ id: "MarkAllReadResult" });
