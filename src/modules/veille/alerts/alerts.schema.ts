import { z } from "zod";

export const workspaceParams = z.object({ workspaceId: z.uuid() });
export const alertParams = z.object({ workspaceId: z.uuid(), alertId: z.uuid() });

const query = z.string().max(1000).meta({
  description: 'Alert query (docs/ALERTS.md): words, "phrases", AND/OR/NOT, -word, (), title:, source:, lang:',
});
const emailMode = z.enum(["none", "immediate", "daily", "weekly"]);
const time = z.string().refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { params: { i18n: "hh_mm" } });
const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/^https?:\/\/[^/]*@/.test(u), { params: { i18n: "invalid_url" } });
const nonEmpty = (o: object) => Object.values(o).some((v) => v !== undefined);

const fields = {
  name: z.string().trim().min(1).max(120),
  query,
  enabled: z.boolean(),
  searchFeeds: z.boolean(),
  searchNetworks: z.boolean(),
  notifyInApp: z.boolean(),
  emailMode,
  emailRecipients: z.array(z.string().trim().pipe(z.email().max(320))).max(50),
  digestTime: time.meta({ description: "HH:MM in the workspace's time zone (daily and weekly digests)" }),
  digestWeekday: z.number().int().min(1).max(7).meta({ description: "1 = Monday … 7 = Sunday (weekly digest)" }),
  webhookUrl: webhookUrl.nullable().meta({ description: "Receives signed POSTs of new matches" }),
};

export const alertBody = z
  .object({
    name: fields.name,
    query: fields.query,
    enabled: fields.enabled.default(true),
    searchFeeds: fields.searchFeeds.default(true),
    searchNetworks: fields.searchNetworks.default(false),
    notifyInApp: fields.notifyInApp.default(true),
    emailMode: fields.emailMode.default("none"),
    emailRecipients: fields.emailRecipients.default([]),
    digestTime: fields.digestTime.default("08:00"),
    digestWeekday: fields.digestWeekday.default(1),
    webhookUrl: fields.webhookUrl.default(null),
    preset: z.enum(["brand", "competitor"]).nullable().default(null),
    competitorId: z.uuid().nullable().default(null),
  })
  .strict();

export const alertPatch = z
  .object({
    name: fields.name.optional(),
    query: fields.query.optional(),
    enabled: fields.enabled.optional(),
    searchFeeds: fields.searchFeeds.optional(),
    searchNetworks: fields.searchNetworks.optional(),
    notifyInApp: fields.notifyInApp.optional(),
    emailMode: fields.emailMode.optional(),
    emailRecipients: fields.emailRecipients.optional(),
    digestTime: fields.digestTime.optional(),
    digestWeekday: fields.digestWeekday.optional(),
    webhookUrl: fields.webhookUrl.optional(),
    rotateWebhookSecret: z.literal(true).optional(),
  })
  .strict()
  .refine(nonEmpty, { params: { i18n: "empty_patch" } });

export const alertView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    query: z.string(),
    enabled: z.boolean(),
    searchFeeds: z.boolean(),
    searchNetworks: z.boolean(),
    notifyInApp: z.boolean(),
    emailMode,
    emailRecipients: z.array(z.string()),
    digestTime: z.string(),
    digestWeekday: z.number().int(),
    nextDigestAt: z.string().nullable(),
    webhookUrl: z.string().nullable(),
    preset: z.string().nullable(),
    competitorId: z.uuid().nullable(),
    unseenCount: z.number().int(),
    lastError: z.string().nullable().meta({
      description: "A delivery (e-mail, webhook, digest) that failed for good, in the workspace's language",
    }),
    lastErrorAt: z.string().nullable(),
    networkError: z.string().nullable().meta({
      description: "The last network search's error (rate limit, expired credentials); null after a successful one",
    }),
    networkErrorAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Alert" });

export const alertSaved = z
  .object({
    alert: alertView,
    webhookSecret: z.string().nullable().meta({
      description: "Shown once, when a webhook is set or its secret rotated: verify X-Relais-Signature with it",
    }),
  })
  .meta({ id: "AlertSaved" });

export const previewBody = z
  .object({
    query,
    limit: z.number().int().min(1).max(2000).default(500).meta({ description: "How many recent items to test" }),
  })
  .strict();

export const previewView = z
  .object({
    scanned: z.number().int(),
    matches: z.array(
      z.object({
        itemId: z.uuid(),
        title: z.string(),
        excerpt: z.string(),
        url: z.string().nullable(),
        source: z.string(),
        language: z.string().nullable(),
        publishedAt: z.string(),
      }),
    ),
  })
  .meta({ id: "AlertPreview" });

export const matchView = z
  .object({
    id: z.uuid(),
    alertId: z.uuid(),
    alertName: z.string(),
    kind: z.enum(["feed_item", "network_post"]),
    feedItemId: z.uuid().nullable(),
    network: z.string().nullable(),
    title: z.string(),
    excerpt: z.string(),
    url: z.string().nullable(),
    source: z.string(),
    author: z.string().nullable(),
    language: z.string().nullable(),
    publishedAt: z.string(),
    matchedAt: z.string(),
    seen: z.boolean(),
  })
  .meta({ id: "AlertMatch" });

export const matchesQuery = z.object({
  alertId: z.uuid().optional(),
  seen: z.enum(["true", "false"]).optional(),
  kind: z.enum(["feed_item", "network_post"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[0-9a-f-]{36}$/)
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});

export const matchesPage = z.object({ items: z.array(matchView), nextCursor: z.string().nullable() });

export const seenBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(500).optional(),
    all: z.literal(true).optional(),
    alertId: z.uuid().optional().meta({ description: "With all: only this alert's matches" }),
    seen: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.ids !== undefined) !== (b.all !== undefined), { path: ["ids"], params: { i18n: "ids_or_all" } });

export const presetView = z
  .object({
    preset: z.enum(["brand", "competitor"]),
    competitorId: z.uuid().nullable(),
    name: z.string(),
    query: z.string(),
    exists: z.boolean().meta({ description: "An alert already uses this preset" }),
  })
  .meta({ id: "AlertPreset" });
