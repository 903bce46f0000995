import { z } from "zod";
import { WEBHOOK_FORMATS } from "../../connectors/webhook/payload.js";
import { NETWORK_IDS } from "../../shared/networks/profiles.js";

export const accountStatusSchema = z.enum(["active", "reconnect_needed", "disabled"]).meta({
  id: "AccountStatus",
  description: "reconnect_needed: the network refused the stored credentials; reconnect to publish again",
});

export const networkIdSchema = z.enum(NETWORK_IDS).meta({ id: "NetworkId" });

const limit = (description: string) => z.number().int().positive().nullable().meta({ description });

export const accountLimitsSchema = z
  .object({
    maxCharacters: limit("Characters per post (Mastodon: statuses.max_characters)"),
    charactersReservedPerUrl: limit("What every URL counts in a text (Mastodon: characters_reserved_per_url)"),
    maxMediaAttachments: limit("Media per post (Mastodon: statuses.max_media_attachments)"),
    imageSizeLimit: limit("Bytes per image (Mastodon: media_attachments.image_size_limit)"),
    videoSizeLimit: limit("Bytes per video (Mastodon: media_attachments.video_size_limit)"),
    descriptionLimit: limit("Characters of alt text per media item (Mastodon: media_attachments.description_limit)"),
  })
  .meta({
    id: "AccountLimits",
    description:
      "The account's own limits as its server publishes them (a Mastodon instance's, read when the account is " +
      "connected, reconnected or checked). The composer's checks and scheduling use them in place of the " +
      "network's defaults; a null field is not known, and the network's default applies.",
  });

export const accountSchema = z
  .object({
    id: z.uuid(),
    network: z.string(),
    displayName: z.string(),
    handle: z.string().nullable(),
    externalId: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()).meta({ description: "Non-secret settings (webhook: format)" }),
    limits: accountLimitsSchema
      .nullable()
      .meta({ description: "null for networks whose accounts have no limits of their own (all but Mastodon)" }),
    status: accountStatusSchema,
    statusReason: z.string().nullable(),
    statusChangedAt: z.iso.datetime({ offset: true }).nullable(),
    lastCheckedAt: z.iso.datetime({ offset: true }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "SocialAccount", description: "A connected account. Credentials are never returned." });

export const accountIdParams = z.object({ workspaceId: z.uuid(), accountId: z.uuid() });

/** Fields every network's connect form may carry; the rest is validated by the network's connector. */
const connectFields = {
  name: z.string().trim().min(1).max(100).optional().meta({ description: "Display name in Relais" }),
  url: z.string().max(2048).optional().meta({ description: "Webhook: the receiver's URL (https)" }),
  format: z
    .enum(WEBHOOK_FORMATS)
    .optional()
    .meta({ description: "Webhook: body format; auto detects Slack, Discord and Mattermost from the URL" }),
  testPing: z.boolean().optional().meta({ description: "Webhook: send a test message first (default true)" }),
};

export const connectBody = z
  .looseObject({ network: networkIdSchema, ...connectFields })
  .meta({ description: "The network and its connect form (see GET /api/networks for each network's fields)" });

export const reconnectBody = z
  .looseObject(connectFields)
  .meta({ description: "New connect input for the account's network; the account keeps its id and posts" });

export const connectResponse = z.object({
  account: accountSchema,
  reveal: z
    .record(z.string(), z.string())
    .meta({ description: "Shown once, never again (webhook: signingSecret to verify X-Relais-Signature)" }),
});

export const updateAccountBody = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    settings: z
      .object({ format: z.enum(WEBHOOK_FORMATS).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { params: { i18n: "empty_patch" } });

export const checkResponse = z.object({
  account: accountSchema,
  check: z.object({
    ok: z.boolean(),
    /** The network's words when not ok. */
    reason: z.string().nullable(),
    temporary: z.boolean().meta({ description: "The network could not be reached: nothing was changed" }),
  }),
});

const connectFieldSchema = z.object({
  name: z.string(),
  type: z.enum(["url", "text", "password", "boolean"]),
  required: z.boolean(),
  labelKey: z.string(),
  placeholder: z.string().optional(),
});

export const networkSchema = z
  .object({
    id: networkIdSchema,
    label: z.string(),
    connectable: z.boolean().meta({ description: "Relais has a connector: accounts can be connected" }),
    connectFields: z.array(connectFieldSchema),
    publishable: z.boolean(),
    text: z.object({
      max: z.number(),
      counting: z.string(),
      required: z.boolean(),
      urlLength: z.number().optional().meta({ description: "What every URL counts, where the network sets it" }),
    }),
    title: z.object({ max: z.number(), required: z.boolean() }).optional(),
    hashtagsMax: z.number().optional(),
    media: z.record(z.string(), z.unknown()),
    threads: z.boolean(),
    firstComment: z.boolean(),
    linkCards: z.boolean(),
    altText: z.boolean(),
  })
  .meta({ id: "Network" });
