import { z } from "zod";
import { localeSchema } from "../auth/auth.schema.js";
import { ROLES } from "./roles.js";
import { isIanaTimezone } from "./timezone.js";

const MARKDOWN_MAX = 50_000;

export const roleSchema = z.enum(ROLES as [string, ...string[]]).meta({
  id: "Role",
  description: "owner > manager > editor > reviewer (the client: comments and approves) > viewer",
}) as z.ZodEnum<{ owner: "owner"; manager: "manager"; editor: "editor"; reviewer: "reviewer"; viewer: "viewer" }>;

export const timezoneSchema = z
  .string()
  .refine(isIanaTimezone, { params: { i18n: "invalid_timezone" } })
  .meta({ description: "IANA time zone, e.g. Europe/Paris", example: "Europe/Paris" });

const markdown = z.string().max(MARKDOWN_MAX).meta({ description: "Markdown" });

export const workspaceIdParams = z.object({ workspaceId: z.uuid() });

export const brandBookFields = {
  description: markdown,
  values: z.array(z.string().trim().min(1).max(80)).max(30).meta({ description: "Brand values" }),
  toneOfVoice: markdown,
  speakingCharter: markdown.meta({ description: "Charte de prise de parole (Markdown)" }),
  moderationCharter: markdown.meta({ description: "Charte de modération (Markdown)" }),
};

export const createWorkspaceBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    timezone: timezoneSchema,
    locale: localeSchema,
    ...brandBookFields,
  })
  .partial({ description: true, values: true, toneOfVoice: true, speakingCharter: true, moderationCharter: true })
  .strict();

export const updateWorkspaceBody = createWorkspaceBody
  .extend({
    approvalRequired: z.boolean().meta({ description: "Posts must be approved before they can be scheduled" }),
    missedGraceMinutes: z
      .number()
      .int()
      .min(0)
      .max(10_080)
      .meta({ description: "After downtime, publish late within this many minutes; past it, mark missed" }),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { params: { i18n: "empty_patch" } });

export const workspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timezone: z.string(),
    locale: localeSchema,
    description: z.string(),
    values: z.array(z.string()),
    toneOfVoice: z.string(),
    speakingCharter: z.string(),
    moderationCharter: z.string(),
    role: roleSchema.meta({ description: "The caller's role in this workspace" }),
    approvalRequired: z.boolean(),
    missedGraceMinutes: z.number().int(),
    crisis: z
      .object({ pausedAt: z.iso.datetime({ offset: true }), reason: z.string().nullable() })
      .nullable()
      .meta({ description: "Set while the crisis switch pauses every scheduled post" }),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Workspace" });

export const NETWORKS = [
  "bluesky",
  "mastodon",
  "x",
  "facebook",
  "instagram",
  "linkedin",
  "youtube",
  "tiktok",
  "pinterest",
  "threads",
  "other",
] as const;

export const competitorBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    website: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .nullable()
      .optional(),
    handles: z
      .array(z.object({ network: z.enum(NETWORKS), handle: z.string().trim().min(1).max(200) }).strict())
      .max(20)
      .optional(),
    notes: z.string().max(10_000).optional(),
  })
  .strict();

export const competitorPatch = competitorBody
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { params: { i18n: "empty_patch" } });

export const competitorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    website: z.string().nullable(),
    handles: z.array(z.object({ network: z.string(), handle: z.string() })),
    notes: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Competitor" });

export const competitorParams = workspaceIdParams.extend({ competitorId: z.uuid() });
