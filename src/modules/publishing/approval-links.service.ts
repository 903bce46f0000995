import type { AppContext } from "../../context.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as media from "../media/media.service.js";
import { instantToLocal } from "../scheduler/local-time.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./approval-links.repo.js";
import { effectiveContent } from "./post-view.js";
import * as posts from "./posts.repo.js";
import { text } from "./publishing.messages.js";
import { type Actor, decide, presentComment, submitPost } from "./workflow.service.js";

/**
 * Signed approval links: the client approves, asks for changes or comments without an account. The
 * token is random (256 bits), shown once, stored as SHA-256; a link dies when it expires, is revoked, or
 * after one decision (410).
 */

/** Creates a link for a post; a draft (or a post with changes requested) is submitted for review first. */
export async function createLink(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  input: { reviewerName?: string; expiresInDays: number },
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const post = await posts.findPost(ctx.db, workspaceId, postId);
  if (!post) throw notFound("post");
  if (post.status === "draft" || post.status === "changes_requested") {
    await submitPost(ctx, workspaceId, post, { userId: user.id, label: user.name, via: "app" });
  } else if (post.status !== "in_review") {
    throw new AppError("post_not_submittable");
  }
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  const link = await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.insertLink(trx, workspaceId, {
      postId,
      tokenHash: sha256(token),
      reviewerName: input.reviewerName ?? null,
      expiresAt,
      createdBy: user.id,
    });
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "approval_link.created",
        targetType: "post",
        targetId: postId,
        data: { linkId: row.id, reviewerName: input.reviewerName ?? null, expiresAt: expiresAt.toISOString() },
      },
    );
    return row;
  });
  return { id: link.id, url: `${ctx.config.publicUrl}/approve/${token}`, expiresAt: expiresAt.toISOString() };
}

/** The link behind a token: unknown → 404; expired, revoked or already used → 410. */
async function resolve(ctx: AppContext, token: string) {
  const link = await repo.findByTokenHash(ctx.db, sha256(token));
  if (!link) throw notFound("approval_link");
  if (link.used_at || link.revoked_at || link.expires_at.getTime() <= Date.now()) {
    throw new AppError("approval_link_invalid");
  }
  const post = await posts.findPost(ctx.db, link.workspace_id, link.post_id);
  if (!post) throw new AppError("approval_link_invalid");
  return { link, post };
}

/** The post as the client sees it: text per network, media, time in the workspace's zone, comments. */
export async function view(ctx: AppContext, token: string) {
  const { link, post } = await resolve(ctx, token);
  const ws = link.workspace_id;
  const settings = await workspaces.publishingSettings(ctx, ws);
  if (!settings) throw new AppError("approval_link_invalid");
  const [targets, comments] = await Promise.all([
    posts.listTargets(ctx.db, ws, [post.id]),
    posts.listComments(ctx.db, ws, post.id),
  ]);
  const ids = [...new Set([...post.media_ids, ...targets.flatMap((t) => t.media_ids ?? [])])];
  const items = ids.length ? await media.mediaForPublishing(ctx, ws, ids).catch(() => []) : [];
  return {
    workspaceName: settings.name,
    timezone: settings.timezone,
    reviewerName: link.reviewer_name,
    expiresAt: link.expires_at.toISOString(),
    post: {
      id: post.id,
      status: post.status,
      body: post.body,
      linkUrl: post.link_url,
      scheduledAt: post.scheduled_at?.toISOString() ?? null,
      scheduledLocal: post.scheduled_at ? instantToLocal(post.scheduled_at, settings.timezone) : null,
      media: items.map((m) => ({ id: m.id, kind: m.kind, altText: m.altText, url: m.url })),
      targets: targets
        .filter((t) => t.status !== "cancelled")
        .map((t) => {
          const c = effectiveContent(post, t);
          return { accountName: t.account_name, network: t.network, body: c.text, mediaIds: c.mediaIds };
        }),
    },
    comments: comments.map(presentComment),
  };
}

function linkActor(link: { reviewer_name: string | null }, name: string | undefined, locale: "fr" | "en"): Actor {
  return { userId: null, label: name ?? link.reviewer_name ?? text(locale, "reviewer"), via: "link" };
}

/** A decision through the link: recorded with the reviewer's name, audited, and the link is spent. */
export async function decideByLink(
  ctx: AppContext,
  token: string,
  decision: "approve" | "changes",
  input: { name?: string; comment?: string },
  locale: "fr" | "en",
) {
  const { link, post } = await resolve(ctx, token);
  const actor = linkActor(link, input.name, locale);
  await decide(ctx, link.workspace_id, post, actor, decision, input.comment, async (trx) => {
    // Same transaction as the decision: a second decision on the same link fails whole.
    if (!(await repo.markUsed(trx, link.workspace_id, link.id))) throw new AppError("approval_link_invalid");
  });
  return {
    postId: post.id,
    status: decision === "approve" ? ("approved" as const) : ("changes_requested" as const),
    decidedBy: actor.label,
    decidedAt: new Date().toISOString(),
  };
}

/** A comment through the link (the link stays valid). */
export async function commentByLink(ctx: AppContext, token: string, input: { name: string; body: string }) {
  const { link, post } = await resolve(ctx, token);
  const row = await posts.insertComment(ctx.db, link.workspace_id, post.id, {
    authorUserId: null,
    authorName: input.name,
    body: input.body,
    kind: "comment",
  });
  return presentComment(row);
}

type LinkRow = Awaited<ReturnType<typeof repo.listForPost>>[number];

/** A link as the team sees it: who it is for and its dates, never the token (shown once at creation). */
function presentLink(l: LinkRow) {
  const expired = l.expires_at.getTime() <= Date.now();
  return {
    id: l.id,
    reviewerName: l.reviewer_name,
    createdAt: l.created_at.toISOString(),
    expiresAt: l.expires_at.toISOString(),
    usedAt: l.used_at?.toISOString() ?? null,
    revokedAt: l.revoked_at?.toISOString() ?? null,
    state: l.revoked_at
      ? ("revoked" as const)
      : l.used_at
        ? ("used" as const)
        : expired
          ? ("expired" as const)
          : ("active" as const),
  };
}

/** The approval links of a post, newest first, without their tokens (viewer+). */
export async function listLinks(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  if (!(await posts.findPost(ctx.db, workspaceId, postId))) throw notFound("post");
  return (await repo.listForPost(ctx.db, workspaceId, postId)).map(presentLink);
}

/**
 * Revokes an approval link (editor+): from then on its public routes answer 410. Revoking twice is
 * harmless (the first date is kept, audited once). Another post's or workspace's link → 404.
 */
export async function revokeLink(ctx: AppContext, user: AuthUser, workspaceId: string, postId: string, linkId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.revoke(trx, workspaceId, postId, linkId);
    if (!row) {
      // Already revoked (keeps its first date, no second audit entry) or not this post's link (404).
      const existing = await repo.findForPost(trx, workspaceId, postId, linkId);
      if (!existing) throw notFound("approval_link");
      return presentLink(existing);
    }
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "approval_link.revoked",
        targetType: "post",
        targetId: postId,
        data: { linkId, reviewerName: row.reviewer_name },
      },
    );
    return presentLink(row);
  });
}
