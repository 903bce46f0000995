import { z } from "zod";

export const interactionKindSchema = z
  .enum(["reply", "mention", "quote", "repost", "like", "follow"])
  .meta({ id: "InteractionKind" });

export const interactionSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    accountName: z.string(),
    network: z.string(),
    kind: interactionKindSchema,
    externalId: z.string(),
    author: z.object({
      externalId: z.string().nullable(),
      handle: z.string().nullable(),
      name: z.string().nullable(),
      avatarUrl: z.string().nullable(),
    }),
    text: z.string().nullable(),
    url: z.string().nullable().meta({ description: "The interaction on the network" }),
    occurredAt: z.iso.datetime({ offset: true }),
    postTargetId: z.uuid().nullable().meta({ description: "Our published target it concerns, when known" }),
    postId: z.uuid().nullable(),
    postUrl: z.string().nullable().meta({ description: "Our post on the network" }),
    readAt: z.iso.datetime({ offset: true }).nullable(),
    handledAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "Interaction", description: "A reply, mention, quote, repost, like or follow read from a network" });

export const interactionsQuery = z.object({
  accountId: z.uuid().optional(),
  kind: interactionKindSchema.optional(),
  postId: z.uuid().optional(),
  postTargetId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: "Only interactions from this moment" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{10,200}$/)
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});

export const interactionsPage = z.object({
  items: z.array(interactionSchema),
  nextCursor: z.string().nullable(),
});

export const syncStatusSchema = z
  .object({
    accountId: z.uuid(),
    status: z.enum(["active", "reconnect_needed", "disabled"]),
    statusReason: z.string().nullable(),
    canSync: z.boolean().meta({ description: "The network's adapter can read interactions" }),
    lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
    lastSyncError: z.string().nullable(),
    lastSyncErrorAt: z.iso.datetime({ offset: true }).nullable(),
    nextSyncNotBefore: z.iso.datetime({ offset: true }).nullable().meta({ description: "After a rate limit" }),
    backfillPending: z.boolean().meta({ description: "Older interactions are still being fetched" }),
    interactionCount: z.number().int(),
  })
  .meta({ id: "AccountSyncStatus" });

export const syncNowResponse = z.object({
  result: z.object({
    status: z.enum([
      "ok",
      "skipped_inactive",
      "skipped_busy",
      "skipped_waiting",
      "unsupported",
      "auth_expired",
      "rate_limited",
      "failed",
    ]),
    inserted: z.number().int(),
    snapshots: z.number().int(),
  }),
  sync: syncStatusSchema,
});
