import { z } from "zod";
import { parseLocal } from "../scheduler/local-time.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import { POST_STATUSES } from "./post-status.js";

/** Zod contracts of the publishing domain: campaigns, tags, posts and variants, comments, events, approvals. */

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .transform((c) => c.toLowerCase())
  .meta({ description: "Colour as #rrggbb", example: "#e8590c" });
const day = z.iso.date().meta({ description: "Calendar date YYYY-MM-DD" });
const nonEmptyPatch = { params: { i18n: "empty_patch" } };

export const campaignBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    color: color.optional(),
    description: z.string().max(5000).optional(),
    startsOn: day.nullable().optional(),
    endsOn: day.nullable().optional(),
  })
  .strict()
  .refine((c) => !c.startsOn || !c.endsOn || c.startsOn <= c.endsOn, {
    params: { i18n: "campaign_dates" },
    path: ["endsOn"],
  });

export const campaignPatch = z
  .object({
    name: z.string().trim().min(1).max(120),
    color,
    description: z.string().max(5000),
    startsOn: day.nullable(),
    endsOn: day.nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, nonEmptyPatch);

export const campaignSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    color: z.string(),
    description: z.string(),
    startsOn: z.string().nullable(),
    endsOn: z.string().nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Campaign" });

export const tagBody = z.object({ name: z.string().trim().min(1).max(60), color: color.optional() }).strict();
export const tagPatch = z
  .object({ name: z.string().trim().min(1).max(60), color })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, nonEmptyPatch);
export const tagSchema = z
  .object({ id: z.uuid(), name: z.string(), color: z.string(), createdAt: z.iso.datetime({ offset: true }) })
  .meta({ id: "Tag" });

export const campaignParams = workspaceIdParams.extend({ campaignId: z.uuid() });
export const tagParams = workspaceIdParams.extend({ tagId: z.uuid() });
export const postParams = workspaceIdParams.extend({ postId: z.uuid() });

const options = z
  .record(z.string().max(60), z.unknown())
  .refine((o) => JSON.stringify(o).length <= 10_000, { params: { i18n: "options_too_large" } })
  .meta({ description: "Network options (title, first comment, …): free-form, 10 kB at most" });
const mediaIds = z.array(z.uuid()).max(20);
const body = z.string().max(70_000).meta({ description: "Text (UTF-8; emoji and accents welcome)" });

export const targetInput = z
  .object({
    accountId: z.uuid(),
    body: body.nullable().optional().meta({ description: "Variant text; null or absent = the post's base text" }),
    mediaIds: mediaIds.nullable().optional().meta({ description: "Variant media; null or absent = the base media" }),
    options: options.optional(),
  })
  .strict();

/** A planned time: the wall clock of the workspace's zone, kept on a post that is not scheduled yet. */
const plannedLocal = z
  .string()
  .refine((s) => parseLocal(s) !== null, { params: { i18n: "local_datetime" } })
  .nullable()
  .meta({
    description:
      "Planned wall-clock time (YYYY-MM-DDTHH:mm, workspace zone) of a post not scheduled yet: it shows on the " +
      "calendar as planned and is proposed when scheduling; null clears it. A time that does not exist (DST gap) " +
      "is refused, one that exists twice takes the first occurrence.",
    example: "2026-03-29T09:30",
  });

const postFields = {
  body,
  plannedLocal,
  linkUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable(),
  mediaIds,
  campaignId: z.uuid().nullable(),
  tagIds: z.array(z.uuid()).max(30),
  options,
  targets: z
    .array(targetInput)
    .max(30)
    .refine((ts) => new Set(ts.map((x) => x.accountId)).size === ts.length, {
      params: { i18n: "duplicate_account" },
    })
    .meta({ description: "One entry per account the post goes to, with its variant" }),
};

/** Everything but the accounts may be left out of a new post; a patch may leave out anything but its version. */
const optionalOnCreate = {
  body: true,
  plannedLocal: true,
  linkUrl: true,
  mediaIds: true,
  campaignId: true,
  tagIds: true,
  options: true,
} as const;

export const createPostBody = z.object(postFields).partial(optionalOnCreate).strict();

export const updatePostBody = z
  .object({ ...postFields, version: z.number().int().min(1).meta({ description: "The version you edited" }) })
  .partial({ ...optionalOnCreate, targets: true })
  .strict();

export const checkDraftBody = z
  .object({ body, mediaIds, targets: postFields.targets })
  .partial({ body: true, mediaIds: true })
  .strict();

export const postListQuery = z.object({
  status: z.enum(POST_STATUSES).optional(),
  campaignId: z.uuid().optional(),
  tagId: z.uuid().optional(),
  accountId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const issueSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  mediaIndex: z.number().int().optional(),
  message: z.string().meta({ description: "In the caller's language" }),
});

export const checkSchema = z
  .object({ network: z.string(), length: z.number(), max: z.number(), ok: z.boolean(), issues: z.array(issueSchema) })
  .meta({ id: "DraftCheck" });

export const targetSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    accountName: z.string(),
    network: z.string(),
    body: z.string().nullable(),
    mediaIds: z.array(z.string()).nullable(),
    options: z.record(z.string(), z.unknown()),
    status: z.string(),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    externalUrl: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    removedAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .meta({ description: "When this published copy was deleted from the network from Relais" }),
    removable: z.boolean().meta({
      description: "Published, still online, and Relais can delete it from this network (remove-from-network)",
    }),
    check: checkSchema,
  })
  .meta({ id: "PostTarget" });

export const postSchema = z
  .object({
    id: z.uuid(),
    status: z.string(),
    body: z.string(),
    linkUrl: z.string().nullable(),
    mediaIds: z.array(z.string()),
    options: z.record(z.string(), z.unknown()),
    campaign: z.object({ id: z.string(), name: z.string(), color: z.string() }).nullable(),
    tags: z.array(z.object({ id: z.string(), name: z.string(), color: z.string() })),
    scheduledAt: z.string().nullable(),
    scheduledLocal: z.string().nullable(),
    scheduledTz: z.string().nullable(),
    planned: z
      .object({ at: z.string(), local: z.string() })
      .nullable()
      .meta({
        description:
          "The planned time of a post not scheduled yet (draft, in review, changes requested, approved), in the " +
          "workspace's zone; null when it has none or is scheduled (then scheduledAt is its time)",
      }),
    version: z.number(),
    recurrence: z.string().nullable().meta({ description: "RRULE of a recurring series (the series' first post)" }),
    recurrenceParentId: z.string().nullable().meta({ description: "The series this post is an occurrence of" }),
    evergreen: z.boolean(),
    evergreenMinGapDays: z.number().nullable(),
    lastPublishedAt: z.string().nullable(),
    createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    commentsCount: z.number(),
    targets: z.array(targetSchema),
  })
  .meta({ id: "Post" });

export const postListSchema = z.object({ items: z.array(postSchema), total: z.number() });

export const checkResultSchema = z.object({
  ok: z.boolean(),
  targets: z.array(checkSchema.extend({ accountId: z.string(), accountName: z.string() })),
});

export const deletePostSchema = z.object({
  id: z.uuid(),
  publishedOn: z.array(z.object({ accountName: z.string(), externalUrl: z.string().nullable() })),
  message: z.string().meta({ description: "What the deletion did (and did not do), in the caller's language" }),
});

export const commentBody = z.object({ body: z.string().trim().min(1).max(10_000) }).strict();
export const commentSchema = z
  .object({
    id: z.uuid(),
    authorName: z.string(),
    authorUserId: z.string().nullable(),
    body: z.string(),
    kind: z.enum(["comment", "approval", "changes_requested"]),
    createdAt: z.string(),
  })
  .meta({ id: "PostComment" });

export const eventSchema = z
  .object({
    id: z.uuid(),
    targetId: z.string().nullable(),
    actorUserId: z.string().nullable(),
    actorLabel: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string(),
    detail: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "PostEvent" });

export const approveBody = z.object({ comment: z.string().trim().min(1).max(10_000).optional() }).strict();
export const requestChangesBody = z.object({ comment: z.string().trim().min(1).max(10_000) }).strict();

export const scheduleBody = z
  .object({
    local: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
      .meta({ description: "Wall-clock time in the workspace's time zone", example: "2026-03-29T09:30" }),
    at: z.iso.datetime({ offset: true }).meta({ description: "Or an exact instant" }),
  })
  .partial()
  .strict()
  .refine((v) => (v.local === undefined) !== (v.at === undefined), { params: { i18n: "local_or_at" } });

export const approvalLinkBody = z
  .object({
    reviewerName: z.string().trim().min(1).max(120).optional(),
    expiresInDays: z.number().int().min(1).max(30),
  })
  .strict();
export const approvalLinkSchema = z.object({ id: z.uuid(), url: z.string(), expiresAt: z.string() });

export const tokenParams = z.object({ token: z.string().min(20).max(200) });
const reviewerName = z.string().trim().min(1).max(120);
export const linkApproveBody = z
  .object({ name: reviewerName.optional(), comment: z.string().trim().min(1).max(10_000).optional() })
  .strict();
export const linkChangesBody = z
  .object({ name: reviewerName.optional(), comment: z.string().trim().min(1).max(10_000) })
  .strict();
export const linkCommentBody = z.object({ name: reviewerName, body: z.string().trim().min(1).max(10_000) }).strict();

export const approvalViewSchema = z
  .object({
    workspaceName: z.string(),
    timezone: z.string(),
    reviewerName: z.string().nullable(),
    expiresAt: z.string(),
    post: z.object({
      id: z.uuid(),
      status: z.string(),
      body: z.string(),
      linkUrl: z.string().nullable(),
      scheduledAt: z.string().nullable(),
      scheduledLocal: z.string().nullable().meta({ description: "In the workspace's time zone" }),
      media: z.array(z.object({ id: z.string(), kind: z.string(), altText: z.string(), url: z.string() })),
      targets: z.array(
        z.object({
          accountName: z.string(),
          network: z.string(),
          body: z.string(),
          mediaIds: z.array(z.string()),
        }),
      ),
    }),
    comments: z.array(commentSchema),
  })
  .meta({ id: "ApprovalView" });

export const decisionSchema = z.object({
  postId: z.uuid(),
  status: z.enum(["approved", "changes_requested"]),
  decidedBy: z.string(),
  decidedAt: z.iso.datetime({ offset: true }),
});

export const scheduleResultSchema = z.object({
  post: postSchema,
  adjusted: z.enum(["none", "gap", "overlap"]).meta({ description: "How a wall-clock time was moved on a DST day" }),
  warning: z.string().nullable(),
});

export const approvalLinkParams = postParams.extend({ linkId: z.uuid() });
export const approvalLinkStateSchema = z.object({
  id: z.uuid(),
  reviewerName: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  state: z.enum(["active", "used", "expired", "revoked"]),
});
