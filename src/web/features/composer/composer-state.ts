import type { PostInput } from "../publishing/publishing-api";
import type { Post } from "../publishing/types";

/** What the composer edits: the base version, the targets and their overrides, and the time. */
export interface ComposerState {
  body: string;
  linkUrl: string;
  mediaIds: string[];
  accountIds: string[];
  /** Per account: null fields follow the base version. */
  variants: Record<string, { body: string | null; mediaIds: string[] | null; options?: Record<string, unknown> }>;
  campaignId: string | null;
  tagIds: string[];
  scheduledLocal: string;
  /**
   * Whether `scheduledLocal` is saved with the post as its planned time: true when the composer was opened
   * from a calendar slot, the post already has one, or the date was changed by hand. The default proposal
   * (the next quarter hour) is only a suggestion for scheduling and is not saved.
   */
  planTime: boolean;
}

/** Statuses whose time is a planned one (not scheduled yet): saved with the post. */
export const PLANNABLE: readonly string[] = ["draft", "in_review", "changes_requested", "approved"];

export function emptyState(scheduledLocal = "", planTime = false): ComposerState {
  return {
    body: "",
    linkUrl: "",
    mediaIds: [],
    accountIds: [],
    variants: {},
    campaignId: null,
    tagIds: [],
    scheduledLocal,
    planTime,
  };
}

export function stateFromPost(post: Post, local: string | null): ComposerState {
  const live = post.targets.filter((t) => t.status !== "cancelled");
  return {
    body: post.body,
    linkUrl: post.linkUrl ?? "",
    mediaIds: post.mediaIds ?? [],
    accountIds: live.map((t) => t.accountId),
    // Target options (title, first comment, image format…) are kept: a save must not drop them.
    variants: Object.fromEntries(
      live.map((t) => [t.accountId, { body: t.body, mediaIds: t.mediaIds, options: t.options }]),
    ),
    campaignId: post.campaign?.id ?? null,
    tagIds: post.tags.map((t) => t.id),
    scheduledLocal: local ?? "",
    planTime: post.planned != null,
  };
}

/** The body of a create/update; `plannable`: the post is not scheduled yet, so its time is a planned one. */
export function inputOf(s: ComposerState, plannable = true): PostInput {
  return {
    ...(plannable && s.planTime ? { plannedLocal: s.scheduledLocal || null } : {}),
    body: s.body,
    linkUrl: s.linkUrl.trim() || null,
    mediaIds: s.mediaIds,
    campaignId: s.campaignId,
    tagIds: s.tagIds,
    targets: s.accountIds.map((accountId) => ({
      accountId,
      body: s.variants[accountId]?.body ?? null,
      mediaIds: s.variants[accountId]?.mediaIds ?? null,
      ...(s.variants[accountId]?.options ? { options: s.variants[accountId]?.options } : {}),
    })),
  };
}

/** The text and media one account will publish. */
export function effective(s: ComposerState, accountId: string) {
  const v = s.variants[accountId];
  return {
    body: v?.body ?? s.body,
    mediaIds: v?.mediaIds ?? s.mediaIds,
    overridden: v?.body != null || v?.mediaIds != null,
  };
}
