import type { AppContext } from "../../context.js";
import type { Locale, PostStatus } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as media from "../media/media.service.js";
import { localToInstant } from "../scheduler/local-time.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import { recordPostEvent } from "./post-events.repo.js";
import { isPlanned } from "./post-status.js";
import { checkTarget, effectiveContent, mediaMap, presentPosts } from "./post-view.js";
import * as repo from "./posts.repo.js";
import { deleteMessage } from "./publishing.messages.js";
import * as taxonomy from "./taxonomy.repo.js";

/** Statuses in which a post's content (text, media, accounts, variants) may still change. */
export const EDITABLE: readonly PostStatus[] = ["draft", "in_review", "changes_requested", "approved"];

export interface TargetInput {
  accountId: string;
  body?: string | null;
  mediaIds?: string[] | null;
  options?: Record<string, unknown>;
}

export interface PostInput {
  body?: string;
  /** Planned wall-clock time in the workspace zone (not scheduled); null clears it. */
  plannedLocal?: string | null;
  linkUrl?: string | null;
  mediaIds?: string[];
  campaignId?: string | null;
  tagIds?: string[];
  options?: Record<string, unknown>;
  targets?: TargetInput[];
}

const unknownRef = (resource: "account" | "campaign" | "tag", path: string) =>
  new AppError("unknown_reference", { resource }, [{ path, code: `unknown_${resource}`, message: resource }]);

/**
 * Checks that every id of the input belongs to the workspace: accounts, campaign, tags, media (through the
 * media domain, which answers unknown_media 400). Another workspace's id is as unknown as a made-up one.
 */
async function validateRefs(ctx: AppContext, workspaceId: string, input: PostInput): Promise<void> {
  if (input.targets?.length) {
    const found = await repo.findAccounts(
      ctx.db,
      workspaceId,
      input.targets.map((t) => t.accountId),
    );
    const ok = new Set(found.map((a) => a.id));
    const bad = input.targets.findIndex((t) => !ok.has(t.accountId));
    if (bad >= 0) throw unknownRef("account", `body.targets.${bad}.accountId`);
  }
  if (input.campaignId && !(await taxonomy.findCampaign(ctx.db, workspaceId, input.campaignId))) {
    throw unknownRef("campaign", "body.campaignId");
  }
  if (input.tagIds?.length) {
    const ok = await taxonomy.existingTagIds(ctx.db, workspaceId, input.tagIds);
    const bad = input.tagIds.findIndex((id) => !ok.has(id));
    if (bad >= 0) throw unknownRef("tag", `body.tagIds.${bad}`);
  }
  if (input.mediaIds?.length) await media.describeMedia(ctx, workspaceId, input.mediaIds, { path: "body.mediaIds" });
  for (const [i, t] of (input.targets ?? []).entries()) {
    if (t.mediaIds?.length) {
      await media.describeMedia(ctx, workspaceId, t.mediaIds, { path: `body.targets.${i}.mediaIds` });
    }
  }
}

type PlannedTime = { scheduled_at: Date | null; scheduled_local: string | null; scheduled_tz: string | null };

/**
 * A planned time entered on the workspace's wall clock. Unlike scheduling (which moves a DST-gap time past
 * the jump and says so), a planned time that does not exist is refused: nothing is being sent, so the
 * editor fixes it now rather than discovering a shifted time later. A repeated time takes its first
 * occurrence, as the scheduler does. A time already past is refused as for scheduling.
 */
async function plannedTime(ctx: AppContext, workspaceId: string, local: string | null): Promise<PlannedTime> {
  if (local === null) return { scheduled_at: null, scheduled_local: null, scheduled_tz: null };
  const settings = await workspaces.publishingSettings(ctx, workspaceId);
  if (!settings) throw notFound("workspace");
  const tz = settings.timezone;
  const { instant, adjusted } = localToInstant(local, tz);
  if (adjusted === "gap") {
    throw new AppError("planned_time_nonexistent", { local: local.replace("T", " "), zone: tz }, [
      { path: "body.plannedLocal", code: "dst_gap", message: local },
    ]);
  }
  if (instant.getTime() <= Date.now()) throw new AppError("schedule_in_past", { local: local.replace("T", " ") });
  return { scheduled_at: instant, scheduled_local: local, scheduled_tz: tz };
}

const toTargetFields = (t: TargetInput): repo.TargetFields => ({
  account_id: t.accountId,
  body: t.body ?? null,
  media_ids: t.mediaIds ?? null,
  options: t.options ?? {},
});

/** One post as its workspace members see it, or 404. */
export async function getPost(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, locale: Locale) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  return viewPost(ctx, workspaceId, postId, locale);
}

/** Presents a post without authorizing (callers have). */
export async function viewPost(ctx: AppContext, workspaceId: string, postId: string, locale: Locale) {
  const row = await repo.findPost(ctx.db, workspaceId, postId);
  if (!row) throw notFound("post");
  const [view] = await presentPosts(ctx, workspaceId, [row], locale);
  return view as NonNullable<typeof view>;
}

export async function listPosts(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  filter: repo.PostFilter,
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  const { rows, total } = await repo.listPosts(ctx.db, workspaceId, filter);
  return { items: await presentPosts(ctx, workspaceId, rows, locale), total };
}

/** Creates a draft with its targets (variants) and tags; the trail starts with "created". */
export async function createPost(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: PostInput & { targets: TargetInput[] },
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  await validateRefs(ctx, workspaceId, input);
  const planned = input.plannedLocal ? await plannedTime(ctx, workspaceId, input.plannedLocal) : null;
  const id = await ctx.db.transaction().execute(async (trx) => {
    const postId = await repo.insertPost(
      trx,
      workspaceId,
      {
        body: input.body ?? "",
        link_url: input.linkUrl ?? null,
        media_ids: input.mediaIds ?? [],
        options: input.options ?? {},
        campaign_id: input.campaignId ?? null,
        ...planned,
      },
      user.id,
    );
    await repo.replaceTargets(trx, workspaceId, postId, input.targets.map(toTargetFields));
    await repo.setPostTags(trx, workspaceId, postId, input.tagIds ?? []);
    await recordPostEvent(trx, {
      workspaceId,
      postId,
      actorUserId: user.id,
      actorLabel: user.name,
      fromStatus: null,
      toStatus: "draft",
      detail: { action: "created", ...(planned ? { plannedLocal: planned.scheduled_local } : {}) },
    });
    return postId;
  });
  return viewPost(ctx, workspaceId, id, locale);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The content fields a patch really changes (a form sent back unchanged changes nothing). */
async function changedContent(
  ctx: AppContext,
  workspaceId: string,
  post: repo.PostRow,
  patch: PostInput,
): Promise<string[]> {
  const changed: string[] = [];
  if (patch.body !== undefined && patch.body !== post.body) changed.push("body");
  if (patch.linkUrl !== undefined && patch.linkUrl !== post.link_url) changed.push("linkUrl");
  if (patch.mediaIds !== undefined && !same(patch.mediaIds, post.media_ids)) changed.push("mediaIds");
  if (patch.options !== undefined && !same(patch.options, post.options)) changed.push("options");
  if (patch.targets !== undefined) {
    const current = await repo.listTargets(ctx.db, workspaceId, [post.id]);
    const norm = (ts: repo.TargetFields[]) =>
      JSON.stringify([...ts].sort((a, b) => a.account_id.localeCompare(b.account_id)));
    const before = current.map((t) => ({
      account_id: t.account_id,
      body: t.body,
      media_ids: t.media_ids,
      options: t.options,
    }));
    if (norm(before) !== norm(patch.targets.map(toTargetFields))) changed.push("targets");
  }
  return changed;
}

/**
 * Edits a post at the version the editor loaded (409 `post_stale` otherwise). Content changes only
 * before scheduling; campaign and tags any time. When the workspace requires approval, changing an
 * approved post's content sends it back to draft: the client approved the old text, not the new one.
 */
export async function updatePost(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  patch: PostInput & { version: number },
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await repo.findPost(ctx.db, workspaceId, postId);
  if (!post) throw notFound("post");
  if (post.version !== patch.version) {
    throw new AppError("post_stale", { version: post.version }, { currentVersion: post.version });
  }
  const changed = await changedContent(ctx, workspaceId, post, patch);
  if (changed.length && !EDITABLE.includes(post.status)) throw new AppError("post_locked");
  await validateRefs(ctx, workspaceId, patch);
  const settings = await workspaces.publishingSettings(ctx, workspaceId);
  const backToDraft = changed.length > 0 && post.status === "approved" && Boolean(settings?.approvalRequired);
  // The planned time is not content: changing it never sends an approved post back to review. A post
  // already scheduled (or further) moves through the calendar or the schedule action, not here.
  const replan = patch.plannedLocal !== undefined && patch.plannedLocal !== post.scheduled_local;
  if (replan && !isPlanned(post.status)) throw new AppError("planned_time_locked");
  const planned = replan ? await plannedTime(ctx, workspaceId, patch.plannedLocal ?? null) : null;
  await ctx.db.transaction().execute(async (trx) => {
    const fields: Partial<repo.PostFields> & { status?: PostStatus } = { ...planned };
    if (patch.body !== undefined) fields.body = patch.body;
    if (patch.linkUrl !== undefined) fields.link_url = patch.linkUrl;
    if (patch.mediaIds !== undefined) fields.media_ids = patch.mediaIds;
    if (patch.options !== undefined) fields.options = patch.options;
    if (patch.campaignId !== undefined) fields.campaign_id = patch.campaignId;
    if (backToDraft) fields.status = "draft";
    if (!(await repo.updatePost(trx, workspaceId, postId, patch.version, fields, user.id))) {
      throw new AppError("post_stale", { version: patch.version + 1 }, { currentVersion: null });
    }
    if (patch.targets !== undefined && changed.includes("targets")) {
      await repo.replaceTargets(trx, workspaceId, postId, patch.targets.map(toTargetFields));
    }
    if (patch.tagIds !== undefined) await repo.setPostTags(trx, workspaceId, postId, patch.tagIds);
    await recordPostEvent(trx, {
      workspaceId,
      postId,
      actorUserId: user.id,
      actorLabel: user.name,
      fromStatus: post.status,
      toStatus: backToDraft ? "draft" : post.status,
      detail: {
        action: "edited",
        changed: planned ? [...changed, "plannedLocal"] : changed,
        ...(planned ? { fromLocal: post.scheduled_local, toLocal: planned.scheduled_local } : {}),
        ...(backToDraft ? { reason: "approved_content_changed" } : {}),
      },
    });
  });
  return viewPost(ctx, workspaceId, postId, locale);
}

/**
 * Deletes a post from Relais. Copies already published stay on the networks: the answer says so and
 * lists them. A post being published right now cannot be deleted (409).
 */
export async function deletePost(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, locale: Locale) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await repo.findPost(ctx.db, workspaceId, postId);
  if (!post) throw notFound("post");
  const targets = await repo.listTargets(ctx.db, workspaceId, [postId]);
  if (post.status === "publishing" || targets.some((t) => t.status === "publishing")) {
    throw new AppError("post_publishing");
  }
  const published = targets
    .filter((t) => t.status === "published" || t.status === "unconfirmed")
    .map((t) => ({ accountName: t.account_name, externalUrl: t.external_url }));
  await ctx.db.transaction().execute(async (trx) => {
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "post.deleted",
        targetType: "post",
        targetId: postId,
        data: { status: post.status, excerpt: post.body.slice(0, 80), publishedOn: published },
      },
    );
    await repo.deletePost(trx, workspaceId, postId);
  });
  return { id: postId, publishedOn: published, message: deleteMessage(locale, published.length) };
}

/** Checks an unsaved draft per target, exactly as a saved post is checked (for API clients). */
export async function checkUnsaved(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { body?: string; mediaIds?: string[]; targets: TargetInput[] },
  locale: Locale,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  await validateRefs(ctx, workspaceId, input);
  const accounts = new Map(
    (
      await repo.findAccounts(
        ctx.db,
        workspaceId,
        input.targets.map((t) => t.accountId),
      )
    ).map((a) => [a.id, a]),
  );
  const post = { body: input.body ?? "", media_ids: input.mediaIds ?? [], options: {} };
  const targets = input.targets.map(toTargetFields);
  const mediaById = await mediaMap(ctx, workspaceId, [post], targets);
  const results = targets.map((t) => {
    const account = accounts.get(t.account_id);
    return {
      accountId: t.account_id,
      accountName: account?.display_name ?? "",
      ...checkTarget(locale, account?.network ?? "webhook", effectiveContent(post, t), mediaById, account?.limits),
    };
  });
  return { ok: results.every((r) => r.ok), targets: results };
}
