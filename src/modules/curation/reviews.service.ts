import type { AppContext } from "../../context.js";
import type { PressReviewItem } from "../../db/schema.js";
import { randomToken } from "../../lib/crypto.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { word } from "./curation.messages.js";
import * as curation from "./curation.repo.js";
import {
  type ReviewDoc,
  renderReviewHtml,
  renderReviewMarkdown,
  renderReviewText,
  reviewSubject,
} from "./review-render.js";
import * as repo from "./reviews.repo.js";

/**
 * Press reviews (revues de presse): a topic's entries over a period, frozen into an editable list (order,
 * per-item comment, intro, title), then sent by e-mail, exported as Markdown or published as a page.
 * Sending goes through a state guard (draft/failed → sending → sent|failed), so a review is sent once.
 */

export function publicReviewUrl(ctx: AppContext, token: string) {
  return `${ctx.config.publicUrl}/api/public/reviews/${token}`;
}

function present(ctx: AppContext, r: repo.ReviewRow) {
  return {
    id: r.id,
    topicId: r.topic_id,
    topicName: r.topic_name,
    scheduled: r.schedule_id !== null,
    title: r.title,
    intro: r.intro,
    periodStart: r.period_start.toISOString(),
    periodEnd: r.period_end.toISOString(),
    items: r.items,
    status: r.status,
    recipients: r.recipients,
    sentAt: r.sent_at?.toISOString() ?? null,
    sendError: r.send_error,
    publicUrl: r.public_token ? publicReviewUrl(ctx, r.public_token) : null,
    createdAt: r.created_at.toISOString(),
  };
}

async function reviewOr404(ctx: AppContext, workspaceId: string, reviewId: string) {
  const r = await repo.findReview(ctx.db, workspaceId, reviewId);
  if (!r) throw notFound("review");
  return r;
}

function itemOf(e: curation.EntryRow, comment?: string): PressReviewItem {
  return {
    entryId: e.id,
    url: e.url,
    title: e.title,
    description: e.description,
    imageUrl: e.image_url,
    source: e.source_name,
    comment: comment ?? e.insight,
  };
}

/** The entries saved to the topic in [from, to), in the topic's order, as review items. */
export async function itemsFor(ctx: AppContext, workspaceId: string, topicId: string, from: Date, to: Date) {
  return (await curation.listEntries(ctx.db, workspaceId, topicId, { from, to, limit: 200 })).map((e) => itemOf(e));
}

export async function list(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  return (await repo.listReviews(ctx.db, workspaceId)).map((r) => {
    const { items, intro: _intro, ...rest } = present(ctx, r);
    return { ...rest, itemCount: items.length };
  });
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, reviewId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
}

export async function create(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { topicId: string; from: string; to: string; title?: string; intro: string },
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const topic = await curation.findTopic(ctx.db, workspaceId, input.topicId);
  if (!topic) throw new AppError("unknown_reference", { resource: "topic" });
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  const from = new Date(input.from);
  const to = new Date(input.to);
  const id = await repo.insertReview(ctx.db, {
    workspace_id: workspaceId,
    topic_id: topic.id,
    schedule_id: null,
    title: input.title ?? word(ws.locale, "reviewTitle", { topic: topic.name }),
    intro: input.intro,
    period_start: from,
    period_end: to,
    items: await itemsFor(ctx, workspaceId, topic.id, from, to),
    created_by: user.id,
  });
  return present(ctx, await reviewOr404(ctx, workspaceId, id as string));
}

/**
 * Edits a review not yet sent. `items` is the new list in order: each names an entry already in the review
 * or an entry of its topic (re-added), with its comment. Anything else → 400, nothing changed.
 */
export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  reviewId: string,
  input: { title?: string; intro?: string; items?: Array<{ entryId: string; comment: string }> },
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const r = await reviewOr404(ctx, workspaceId, reviewId);
  if (r.status === "sent" || r.status === "sending") throw new AppError("review_sent");
  let items: PressReviewItem[] | undefined;
  if (input.items) {
    const current = new Map(r.items.filter((i) => i.entryId).map((i) => [i.entryId as string, i]));
    const missing = input.items.filter((i) => !current.has(i.entryId)).map((i) => i.entryId);
    const fromTopic = new Map<string, curation.EntryRow>();
    if (missing.length && r.topic_id) {
      for (const e of await curation.listEntries(ctx.db, workspaceId, r.topic_id)) fromTopic.set(e.id, e);
    }
    if (new Set(input.items.map((i) => i.entryId)).size !== input.items.length) {
      throw new AppError("unknown_reference", { resource: "entry" });
    }
    items = input.items.map((i) => {
      const kept = current.get(i.entryId);
      if (kept) return { ...kept, comment: i.comment };
      const e = fromTopic.get(i.entryId);
      if (!e) throw new AppError("unknown_reference", { resource: "entry" });
      return itemOf(e, i.comment);
    });
  }
  const changed = await repo.updateDraft(ctx.db, workspaceId, reviewId, {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.intro !== undefined ? { intro: input.intro } : {}),
    ...(items ? { items } : {}),
  });
  if (!changed) throw new AppError("review_sent");
  return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
}

export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string, reviewId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const r = await reviewOr404(ctx, workspaceId, reviewId);
  await repo.deleteReview(ctx.db, workspaceId, reviewId);
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "curation.review_deleted",
    targetType: "review",
    targetId: reviewId,
    data: { title: r.title, status: r.status },
  });
}

async function docOf(ctx: AppContext, workspaceId: string, r: repo.ReviewRow): Promise<ReviewDoc> {
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  return {
    title: r.title,
    intro: r.intro,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    items: r.items,
    workspaceName: ws.name,
    locale: ws.locale,
    timezone: ws.timezone,
  };
}

function renderAll(doc: ReviewDoc, test = false) {
  return {
    subject: reviewSubject(doc, test, doc.locale),
    html: renderReviewHtml(doc),
    text: renderReviewText(doc),
    markdown: renderReviewMarkdown(doc),
  };
}

/** Preview and exports: the e-mail's subject, HTML and text parts, and the Markdown. */
export async function render(ctx: AppContext, user: AuthUser, workspaceId: string, reviewId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  const r = await reviewOr404(ctx, workspaceId, reviewId);
  return renderAll(await docOf(ctx, workspaceId, r));
}

/** One message per recipient: the list is a client's, recipients must not see each other. */
async function deliver(ctx: AppContext, recipients: string[], m: { subject: string; html: string; text: string }) {
  for (const to of recipients) await ctx.mailer.send({ to, subject: m.subject, html: m.html, text: m.text });
}

/**
 * Sends the review. A test goes out with "[TEST]" in the subject and changes nothing. A real send claims
 * the review first (draft/failed → sending): a second click, request or worker gets 409 and sends nothing.
 */
export async function send(
  ctx: AppContext,
  user: AuthUser | null,
  workspaceId: string,
  reviewId: string,
  input: { recipients: string[]; test: boolean },
) {
  if (user) await authorize(ctx, user, workspaceId, "curation.write");
  const r = await reviewOr404(ctx, workspaceId, reviewId);
  if (!r.items.length) throw new AppError("review_empty");
  if (!ctx.mailer.enabled) throw new AppError("mail_disabled");
  const recipients = [...new Set(input.recipients.map((x) => x.trim().toLowerCase()))];
  const doc = await docOf(ctx, workspaceId, r);
  if (input.test) {
    await deliver(ctx, recipients, renderAll(doc, true));
    return present(ctx, r);
  }
  if (!(await repo.claimForSending(ctx.db, workspaceId, reviewId))) throw new AppError("review_sent");
  try {
    await deliver(ctx, recipients, renderAll(doc));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.logger.warn({ reviewId, err: message }, "press review e-mail failed");
    await repo.finishSending(ctx.db, workspaceId, reviewId, { ok: false, error: message });
    return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
  }
  await repo.finishSending(ctx.db, workspaceId, reviewId, { ok: true, recipients, userId: user?.id ?? null });
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user?.id ?? null,
    action: "curation.review_sent",
    targetType: "review",
    targetId: reviewId,
    data: { recipients: recipients.length, items: r.items.length },
  });
  return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
}

/** Publishes the review as a page at an unguessable URL (kept if already published). */
export async function publish(ctx: AppContext, user: AuthUser, workspaceId: string, reviewId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const r = await reviewOr404(ctx, workspaceId, reviewId);
  if (!r.public_token) {
    await repo.updateReview(ctx.db, workspaceId, reviewId, { public_token: randomToken(32), published_at: new Date() });
  }
  return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
}

export async function unpublish(ctx: AppContext, user: AuthUser, workspaceId: string, reviewId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await reviewOr404(ctx, workspaceId, reviewId);
  await repo.updateReview(ctx.db, workspaceId, reviewId, { public_token: null, published_at: null });
  return present(ctx, await reviewOr404(ctx, workspaceId, reviewId));
}

/** The public page of a published review (the e-mail's HTML); unknown or withdrawn token → 404. */
export async function publicPage(ctx: AppContext, token: string): Promise<string> {
  const r = await repo.findPublishedReview(ctx.db, token);
  if (!r) throw notFound("review");
  return renderReviewHtml({
    title: r.title,
    intro: r.intro,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    items: r.items,
    workspaceName: r.workspace_name,
    locale: r.locale,
    timezone: r.timezone,
  });
}
