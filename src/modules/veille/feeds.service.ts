import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { AppError, isUniqueViolation, notFound } from "../../lib/errors.js";
import { httpClientFor } from "../../lib/http-client.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import {
  candidateFeedUrls,
  type DiscoveredFeed,
  type FeedErrorKind,
  type FetchResult,
  feedErrorMessage,
  fetchFeed,
} from "./core.js";
import type { FeedRow, FolderRow } from "./feeds.repo.js";
import * as repo from "./feeds.repo.js";
import * as items from "./items.repo.js";
import { applyFetchResult, pollFeed } from "./poller.service.js";
import { retentionDays, setRetentionDays } from "./retention.service.js";

/**
 * Subscriptions and folders. Subscribing fetches the URL once:
 * - a feed → the feed is created with that first fetch ingested (201 "subscribed");
 * - an HTML page announcing one feed (<link rel=alternate>) → that feed; several → 200 "choose" with the
 *   choices (the UI subscribes again with the chosen URL); none → the usual paths (/feed, /rss.xml…) are
 *   tried in order, the first that parses wins; else 422 not_a_feed;
 * - unreachable, HTTP error, too large… → 422 feed_unreachable with the translated reason.
 */

const GONE_MESSAGES: Record<Locale, Record<"gone" | "internal", string>> = {
  fr: {
    gone: "Le site indique que ce flux n'existe plus (HTTP 410) : il n'est plus relevé.",
    internal: "Les articles du flux n'ont pas pu être enregistrés ; nouvel essai au prochain relevé.",
  },
  en: {
    gone: "The site says this feed no longer exists (HTTP 410): it is no longer fetched.",
    internal: "The feed's items could not be stored; retrying at the next fetch.",
  },
};

export function feedErrorText(locale: Locale, code: string, detail: string | null): string {
  if (code === "gone" || code === "internal") return GONE_MESSAGES[locale][code];
  const status = /HTTP (\d{3})/.exec(detail ?? "")?.[1];
  try {
    return feedErrorMessage(locale, code as FeedErrorKind, { status: status ? Number(status) : null });
  } catch {
    return detail ?? code;
  }
}

export function presentFeed(f: FeedRow, unread: number, locale: Locale) {
  return {
    id: f.id,
    folderId: f.folder_id,
    url: f.url,
    siteUrl: f.site_url,
    title: f.title || f.url,
    description: f.description,
    language: f.language,
    format: f.format,
    fetchFullText: f.fetch_full_text,
    lastFetchedAt: f.last_fetched_at?.toISOString() ?? null,
    lastNewItemAt: f.last_new_item_at?.toISOString() ?? null,
    nextFetchAt: f.gone_at ? null : f.next_fetch_at.toISOString(),
    intervalSeconds: f.interval_seconds,
    errorCount: f.error_count,
    lastError:
      f.last_error_code && f.last_error_at
        ? {
            code: f.last_error_code,
            message: feedErrorText(locale, f.last_error_code, f.last_error_message),
            detail: f.last_error_message,
            at: f.last_error_at.toISOString(),
          }
        : null,
    goneAt: f.gone_at?.toISOString() ?? null,
    unread,
    createdAt: f.created_at.toISOString(),
  };
}
export type FeedView = ReturnType<typeof presentFeed>;

function presentFolder(f: FolderRow, unread: number) {
  return { id: f.id, name: f.name, position: f.position, unread };
}

export async function list(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "veille.read");
  const [folders, feeds, counts] = await Promise.all([
    repo.listFolders(ctx.db, workspaceId),
    repo.listFeeds(ctx.db, workspaceId),
    items.unreadCounts(ctx.db, workspaceId, user.id),
  ]);
  const byFolder = new Map<string, number>();
  let total = 0;
  for (const f of feeds) {
    const n = counts.get(f.id) ?? 0;
    total += n;
    if (f.folder_id) byFolder.set(f.folder_id, (byFolder.get(f.folder_id) ?? 0) + n);
  }
  return {
    folders: folders.map((f) => presentFolder(f, byFolder.get(f.id) ?? 0)),
    feeds: feeds.map((f) => presentFeed(f, counts.get(f.id) ?? 0, user.locale)),
    unread: total,
  };
}

async function feedView(ctx: AppContext, user: AuthUser, feed: FeedRow) {
  const counts = await items.unreadCounts(ctx.db, feed.workspace_id, user.id);
  return presentFeed(feed, counts.get(feed.id) ?? 0, user.locale);
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, feedId: string) {
  await authorize(ctx, user, workspaceId, "veille.read");
  const feed = await repo.findFeed(ctx.db, workspaceId, feedId);
  if (!feed) throw notFound("feed");
  return feedView(ctx, user, feed);
}

/** "exemple.fr/blog" → "https://exemple.fr/blog"; refuses what is not http(s). */
export function normaliseUrl(raw: string, locale: Locale = "fr"): string {
  let s = raw.trim();
  if (/^feed:/i.test(s)) s = s.replace(/^feed:(\/\/)?/i, "");
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) s = `https://${s.replace(/^\/+/, "")}`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new AppError(
      "feed_unreachable",
      { reason: feedErrorMessage(locale, "invalid_url") },
      { kind: "invalid_url" },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError(
      "feed_unreachable",
      { reason: feedErrorMessage(locale, "invalid_url") },
      { kind: "invalid_url" },
    );
  }
  url.hash = "";
  return url.toString();
}

function unreachable(locale: Locale, result: Extract<FetchResult, { status: "error" | "gone" }>): AppError {
  const kind = result.status === "gone" ? "gone" : result.error.kind;
  return new AppError(
    "feed_unreachable",
    { reason: feedErrorText(locale, kind, result.status === "gone" ? null : `HTTP ${result.httpStatus ?? ""}`) },
    { kind, httpStatus: result.httpStatus },
  );
}

type Found =
  | { kind: "feed"; url: string; result: Extract<FetchResult, { status: "ok" }> }
  | { kind: "choose"; choices: DiscoveredFeed[] };

/** Finds the feed behind a URL (the feed itself, or a site's announced or usual feed). */
async function resolveFeed(ctx: AppContext, locale: Locale, url: string): Promise<Found> {
  const http = httpClientFor(ctx.config);
  const opts = { maxBytes: ctx.config.feeds.maxBytes, totalTimeoutMs: ctx.config.feeds.timeoutMs };
  const first = await fetchFeed(http, url, {}, opts);
  if (first.status === "ok") return { kind: "feed", url: first.permanentRedirect ?? url, result: first };
  if (first.status !== "error") throw unreachable(locale, first as Extract<FetchResult, { status: "gone" }>);
  if (first.error.kind !== "not_a_feed") throw unreachable(locale, first);
  const declared = first.error.feeds ?? [];
  if (declared.length > 1) return { kind: "choose", choices: declared };
  const tries =
    declared.length === 1
      ? [declared[0]?.url as string]
      : (first.error.candidates ?? candidateFeedUrls(first.finalUrl));
  for (const candidate of tries.slice(0, 12)) {
    const r = await fetchFeed(http, candidate, {}, { ...opts, totalTimeoutMs: Math.min(opts.totalTimeoutMs, 10_000) });
    if (r.status === "ok") return { kind: "feed", url: r.permanentRedirect ?? candidate, result: r };
    if (declared.length === 1 && r.status === "error" && r.error.kind !== "not_a_feed") throw unreachable(locale, r);
  }
  throw new AppError("not_a_feed", {}, { url });
}

export async function subscribe(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { url: string; folderId?: string | null | undefined; fetchFullText?: boolean | undefined },
) {
  await authorize(ctx, user, workspaceId, "veille.write");
  if (input.folderId && !(await repo.findFolder(ctx.db, workspaceId, input.folderId))) {
    throw new AppError("unknown_reference", { resource: "folder" }, { folderId: input.folderId });
  }
  const url = normaliseUrl(input.url, user.locale);
  const existing = await repo.findFeedByUrl(ctx.db, workspaceId, url);
  if (existing) throw new AppError("feed_exists", { title: existing.title || existing.url }, { feedId: existing.id });
  const found = await resolveFeed(ctx, user.locale, url);
  if (found.kind === "choose") {
    return {
      status: "choose" as const,
      choices: found.choices.map((c) => ({ url: c.url, title: c.title, type: c.type })),
    };
  }
  const parsed = found.result.feed;
  const feed = await repo.insertFeed(ctx.db, workspaceId, {
    url: found.url,
    folder_id: input.folderId ?? null,
    site_url: parsed.link,
    title: (parsed.title ?? "").slice(0, 300),
    description: (parsed.description ?? "").slice(0, 2000),
    language: parsed.language ? parsed.language.slice(0, 2).toLowerCase() : null,
    format: parsed.format,
    fetch_full_text: input.fetchFullText ?? false,
    interval_seconds: Math.min(
      Math.max(3600, ctx.config.feeds.minIntervalSeconds),
      ctx.config.feeds.maxIntervalSeconds,
    ),
    created_by: user.id,
  });
  if (!feed) {
    const other = await repo.findFeedByUrl(ctx.db, workspaceId, found.url);
    throw new AppError("feed_exists", { title: other?.title || found.url }, { feedId: other?.id });
  }
  const outcome = await applyFetchResult(ctx, feed, found.result, new Date());
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "feed.subscribe",
    targetType: "feed",
    targetId: feed.id,
    data: { url: feed.url },
  });
  const fresh = (await repo.findFeed(ctx.db, workspaceId, feed.id)) as FeedRow;
  return { status: "subscribed" as const, feed: await feedView(ctx, user, fresh), newItems: outcome.newItems };
}

export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  feedId: string,
  patch: { title?: string | undefined; folderId?: string | null | undefined; fetchFullText?: boolean | undefined },
) {
  await authorize(ctx, user, workspaceId, "veille.write");
  if (!(await repo.findFeed(ctx.db, workspaceId, feedId))) throw notFound("feed");
  if (patch.folderId && !(await repo.findFolder(ctx.db, workspaceId, patch.folderId))) {
    throw new AppError("unknown_reference", { resource: "folder" }, { folderId: patch.folderId });
  }
  const row = await repo.updateFeed(ctx.db, workspaceId, feedId, {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.folderId !== undefined ? { folder_id: patch.folderId } : {}),
    ...(patch.fetchFullText !== undefined ? { fetch_full_text: patch.fetchFullText } : {}),
  });
  if (!row) throw notFound("feed");
  return feedView(ctx, user, row);
}

export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string, feedId: string) {
  await authorize(ctx, user, workspaceId, "veille.write");
  const feed = await repo.findFeed(ctx.db, workspaceId, feedId);
  if (!feed) throw notFound("feed");
  await repo.deleteFeed(ctx.db, workspaceId, feedId);
  await items.pruneStories(ctx.db, workspaceId);
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "feed.unsubscribe",
    targetType: "feed",
    targetId: feedId,
    data: { url: feed.url },
  });
}

/** Fetches a feed now, whatever its schedule (a gone feed too: the user may know it is back). */
export async function fetchNow(ctx: AppContext, user: AuthUser, workspaceId: string, feedId: string) {
  await authorize(ctx, user, workspaceId, "veille.write");
  const feed = await repo.findFeed(ctx.db, workspaceId, feedId);
  if (!feed) throw notFound("feed");
  const outcome = await pollFeed(ctx, feed);
  const fresh = (await repo.findFeed(ctx.db, workspaceId, feedId)) as FeedRow;
  return { outcome: outcome.status, newItems: outcome.newItems, feed: await feedView(ctx, user, fresh) };
}

// ---- folders ----

async function folderView(ctx: AppContext, user: AuthUser, folder: FolderRow) {
  const [feeds, counts] = await Promise.all([
    repo.listFeeds(ctx.db, folder.workspace_id),
    items.unreadCounts(ctx.db, folder.workspace_id, user.id),
  ]);
  const unread = feeds.filter((f) => f.folder_id === folder.id).reduce((n, f) => n + (counts.get(f.id) ?? 0), 0);
  return presentFolder(folder, unread);
}

export async function createFolder(ctx: AppContext, user: AuthUser, workspaceId: string, name: string) {
  await authorize(ctx, user, workspaceId, "veille.write");
  try {
    return presentFolder(await repo.insertFolder(ctx.db, workspaceId, name), 0);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", { name });
    throw err;
  }
}

export async function updateFolder(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  folderId: string,
  patch: { name?: string | undefined; position?: number | undefined },
) {
  await authorize(ctx, user, workspaceId, "veille.write");
  let row: FolderRow | undefined;
  try {
    row = await repo.updateFolder(ctx.db, workspaceId, folderId, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.position !== undefined ? { position: patch.position } : {}),
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", { name: patch.name ?? "" });
    throw err;
  }
  if (!row) throw notFound("folder");
  return folderView(ctx, user, row);
}

/** Deletes a folder; its feeds stay, outside any folder. */
export async function removeFolder(ctx: AppContext, user: AuthUser, workspaceId: string, folderId: string) {
  await authorize(ctx, user, workspaceId, "veille.write");
  if (!(await repo.deleteFolder(ctx.db, workspaceId, folderId))) throw notFound("folder");
}

// ---- settings ----

export async function getSettings(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "veille.read");
  return { retentionDays: await retentionDays(ctx, workspaceId) };
}

export async function putSettings(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { retentionDays: number },
) {
  await authorize(ctx, user, workspaceId, "veille.settings");
  await setRetentionDays(ctx, workspaceId, input.retentionDays);
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "veille.settings",
    targetType: "workspace",
    targetId: workspaceId,
    data: input,
  });
  return { retentionDays: input.retentionDays };
}
