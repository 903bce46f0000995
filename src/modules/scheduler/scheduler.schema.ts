import { z } from "zod";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";

const TARGET_STATUSES = [
  "pending",
  "scheduled",
  "publishing",
  "published",
  "failed",
  "unconfirmed",
  "missed",
  "cancelled",
] as const;

export const targetParams = workspaceIdParams.extend({ postId: z.uuid(), targetId: z.uuid() });

export const confirmPublishedBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullable()
      .optional()
      .meta({ description: "Where the post can be seen on the network, if you have it" }),
  })
  .strict();

export const targetSchema = z
  .object({
    id: z.uuid(),
    postId: z.uuid(),
    accountId: z.uuid(),
    accountName: z.string(),
    status: z.enum(TARGET_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
    publishedAt: z.iso.datetime({ offset: true }).nullable(),
    externalId: z.string().nullable(),
    externalUrl: z.string().nullable(),
    errorCode: z.string().nullable().meta({ description: "Why it failed, was missed or is unconfirmed" }),
    errorMessage: z.string().nullable().meta({ description: "The network's own words" }),
    explanation: z.string().nullable().meta({ description: "Our explanation of errorCode, in your language" }),
    removedAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .meta({ description: "When the published copy was deleted from the network from Relais" }),
  })
  .meta({ id: "PostTargetDelivery" });

export const crisisBody = z
  .object({
    paused: z.boolean().meta({ description: "true pauses every publication of the workspace; false resumes" }),
    reason: z.string().trim().max(500).nullable().optional(),
  })
  .strict();

export const crisisSchema = z
  .object({
    paused: z.boolean(),
    pausedAt: z.iso.datetime({ offset: true }).nullable(),
    pausedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    reason: z.string().nullable(),
    scheduledTargets: z.number().int().meta({ description: "Posts × accounts waiting to be published" }),
    publishingTargets: z.number().int().meta({ description: "Being sent right now (a pause does not stop them)" }),
    resumed: z
      .object({ requeued: z.number().int(), missed: z.number().int() })
      .nullable()
      .optional()
      .meta({ description: "On resume: sent now (within the grace period) and marked missed" }),
  })
  .meta({ id: "CrisisSwitch" });
