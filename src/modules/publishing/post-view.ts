import { getConnector } from "../../connectors/registry.js";
import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { checkDraft, type DraftMedia } from "../../shared/networks/check.js";
import { accountLimitsOf } from "../../shared/networks/limits.js";
import { issueMessage } from "../../shared/networks/messages.js";
import { NETWORK_IDS, type NetworkId } from "../../shared/networks/profiles.js";
import * as media from "../media/media.service.js";
import { instantToLocal } from "../scheduler/local-time.js";
import { isPlanned } from "./post-status.js";
import * as repo from "./posts.repo.js";

/**
 * How a post is shown: with its targets (account, network, delivery state) and each target's live check,
 * computed with the same `checkDraft()` the composer runs in the browser.
 */

type MediaInfo = Awaited<ReturnType<typeof media.describeMedia>>[number];

/** A target's effective content: its variant where it has one, else the post's base. */
export function effectiveContent(
  post: { body: string; media_ids: string[]; options: Record<string, unknown> },
  target: { body: string | null; media_ids: string[] | null; options: Record<string, unknown> },
) {
  const options = { ...post.options, ...target.options };
  return {
    text: target.body ?? post.body,
    mediaIds: target.media_ids ?? post.media_ids,
    title: typeof options.title === "string" ? options.title : undefined,
    ...(options.thread === true ? { thread: true } : {}),
  };
}

export function networkOf(network: string): NetworkId {
  // Accounts of a network without a profile are checked with the permissive webhook rules.
  return (NETWORK_IDS as readonly string[]).includes(network) ? (network as NetworkId) : "webhook";
}

function draftMedia(m: MediaInfo): DraftMedia {
  return {
    kind: m.kind,
    mimeType: m.mimeType,
    sizeBytes: m.sizeBytes,
    width: m.width,
    height: m.height,
    durationMs: m.durationMs,
    altText: m.altText,
  };
}

/**
 * Checks one target's content and translates the issues. `accountLimits`: the account's stored limits
 * (`settings.limits`, a Mastodon instance's), which replace the network's defaults where present.
 */
export function checkTarget(
  locale: Locale,
  network: string,
  content: { text: string; mediaIds: string[]; title?: string; thread?: boolean },
  mediaById: Map<string, MediaInfo>,
  accountLimits?: unknown,
) {
  const items = content.mediaIds.map((id) => mediaById.get(id)).filter((m): m is MediaInfo => Boolean(m));
  const result = checkDraft(
    networkOf(network),
    {
      text: content.text,
      ...(content.title === undefined ? {} : { title: content.title }),
      ...(content.thread ? { thread: true } : {}),
      media: items.map(draftMedia),
    },
    accountLimitsOf(network, accountLimits),
  );
  return {
    network: result.network,
    length: result.length,
    max: result.max,
    ok: result.ok,
    issues: result.issues.map((i) => ({ ...i, message: issueMessage(locale, i) })),
  };
}

/** Every media item referenced by posts and targets, described once. */
export async function mediaMap(
  ctx: AppContext,
  workspaceId: string,
  posts: Array<{ media_ids: string[] }>,
  targets: Array<{ media_ids: string[] | null }>,
): Promise<Map<string, MediaInfo>> {
  const ids = new Set<string>();
  for (const p of posts) for (const id of p.media_ids) ids.add(id);
  for (const t of targets) for (const id of t.media_ids ?? []) ids.add(id);
  if (!ids.size) return new Map();
  // A media item deleted from the library since is simply left out of the check, not an error here.
  const known = await media.describeMedia(ctx, workspaceId, [...ids]).catch(() => null);
  if (known) return new Map(known.map((m) => [m.id, m]));
  const out = new Map<string, MediaInfo>();
  for (const id of ids) {
    const one = await media.describeMedia(ctx, workspaceId, [id]).catch(() => []);
    if (one[0]) out.set(id, one[0]);
  }
  return out;
}

/** Presents posts (one query per related table, whatever the page size). */
export async function presentPosts(ctx: AppContext, workspaceId: string, rows: repo.PostRow[], locale: Locale) {
  const ids = rows.map((r) => r.id);
  const [targets, tags, counts] = await Promise.all([
    repo.listTargets(ctx.db, workspaceId, ids),
    repo.listPostTags(ctx.db, workspaceId, ids),
    repo.commentCounts(ctx.db, workspaceId, ids),
  ]);
  const mediaById = await mediaMap(ctx, workspaceId, rows, targets);
  return rows.map((p) => ({
    id: p.id,
    status: p.status,
    body: p.body,
    linkUrl: p.link_url,
    mediaIds: p.media_ids,
    options: p.options,
    campaign: p.campaign_id ? { id: p.campaign_id, name: p.campaign_name ?? "", color: p.campaign_color ?? "" } : null,
    tags: tags.filter((t) => t.post_id === p.id).map((t) => ({ id: t.id, name: t.name, color: t.color })),
    scheduledAt: p.scheduled_at?.toISOString() ?? null,
    scheduledLocal: p.scheduled_local,
    scheduledTz: p.scheduled_tz,
    planned:
      p.scheduled_at && isPlanned(p.status)
        ? {
            at: p.scheduled_at.toISOString(),
            local: p.scheduled_local ?? instantToLocal(p.scheduled_at, p.scheduled_tz ?? "UTC"),
          }
        : null,
    version: p.version,
    recurrence: p.recurrence,
    recurrenceParentId: p.recurrence_parent_id,
    evergreen: p.evergreen,
    evergreenMinGapDays: p.evergreen_min_gap_days,
    lastPublishedAt: p.last_published_at?.toISOString() ?? null,
    createdBy: p.created_by ? { id: p.created_by, name: p.created_by_name ?? "" } : null,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
    commentsCount: counts.get(p.id) ?? 0,
    targets: targets
      .filter((t) => t.post_id === p.id)
      .map((t) => ({
        id: t.id,
        accountId: t.account_id,
        accountName: t.account_name,
        network: t.network,
        body: t.body,
        mediaIds: t.media_ids,
        options: t.options,
        status: t.status,
        attempts: t.attempts,
        nextAttemptAt: t.next_attempt_at?.toISOString() ?? null,
        publishedAt: t.published_at?.toISOString() ?? null,
        externalUrl: t.external_url,
        errorCode: t.error_code,
        errorMessage: t.error_message,
        removedAt: t.removed_at?.toISOString() ?? null,
        // « Retirer du réseau » is offered for a published copy still online on a network Relais can delete from.
        removable: t.status === "published" && !t.removed_at && Boolean(getConnector(t.network)?.delete),
        check: checkTarget(locale, t.network, effectiveContent(p, t), mediaById, t.account_limits),
      })),
  }));
}
export type PostView = Awaited<ReturnType<typeof presentPosts>>[number];
