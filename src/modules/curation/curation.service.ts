import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { randomToken } from "../../lib/crypto.js";
import { AppError, isUniqueViolation, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { htmlToText } from "../veille/feed/sanitize.js";
import { authorize } from "../workspaces/workspaces.service.js";
import * as repo from "./curation.repo.js";
import { loadFeedItem } from "./feed-item-source.js";
import { fetchMetadata, PreviewError, previewFailed } from "./link-preview.service.js";
import { cleanText, hostLabel } from "./page-metadata.js";

/**
 * Topics (Scoop.it-like collections) and their entries. An entry is a link with the CM's insight; it
 * keeps its own copy of what it shows, so deleting the veille item it came from changes nothing.
 */

export function publicTopicUrls(ctx: AppContext, token: string) {
  const page = `${ctx.config.publicUrl}/api/public/topics/${token}`;
  return { page, rss: `${page}/rss`, json: `${page}/feed.json` };
}

function presentTopic(ctx: AppContext, t: repo.TopicRow) {
  const urls = t.is_public ? publicTopicUrls(ctx, t.public_token) : null;
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    description: t.description,
    isPublic: t.is_public,
    publicUrl: urls?.page ?? null,
    feedUrls: urls ? { rss: urls.rss, json: urls.json } : null,
    entryCount: t.entry_count ?? 0,
    lastSavedAt: t.last_saved_at ? new Date(t.last_saved_at).toISOString() : null,
    createdAt: t.created_at.toISOString(),
  };
}
export type TopicView = ReturnType<typeof presentTopic>;

export function presentEntry(e: repo.EntryRow) {
  return {
    id: e.id,
    topicId: e.topic_id,
    feedItemId: e.feed_item_id,
    url: e.url,
    title: e.title,
    description: e.description,
    imageUrl: e.image_url,
    sourceName: e.source_name,
    insight: e.insight,
    tags: e.tags,
    position: e.position,
    publishedAt: e.published_at?.toISOString() ?? null,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}
export type EntryView = ReturnType<typeof presentEntry>;

/** "Veille & e-réputation 2026 !" → "veille-e-reputation-2026". */
export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s || "sujet";
}

async function freeSlug(ctx: AppContext, workspaceId: string, name: string, exceptId?: string) {
  const base = slugify(name);
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    if (!(await repo.slugTaken(ctx.db, workspaceId, slug, exceptId))) return slug;
  }
}

async function topicOr404(ctx: AppContext, workspaceId: string, topicId: string) {
  const t = await repo.findTopic(ctx.db, workspaceId, topicId);
  if (!t) throw notFound("topic");
  return t;
}

export async function listTopics(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  return (await repo.listTopics(ctx.db, workspaceId)).map((t) => presentTopic(ctx, t));
}

export async function getTopic(ctx: AppContext, user: AuthUser, workspaceId: string, topicId: string) {
  await authorize(ctx, user, workspaceId, "curation.read");
  return presentTopic(ctx, await topicOr404(ctx, workspaceId, topicId));
}

export async function createTopic(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { name: string; description: string; isPublic: boolean },
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  try {
    const id = await repo.insertTopic(ctx.db, {
      workspace_id: workspaceId,
      name: input.name,
      slug: await freeSlug(ctx, workspaceId, input.name),
      description: input.description,
      is_public: input.isPublic,
      public_token: randomToken(32),
      created_by: user.id,
    });
    return presentTopic(ctx, await topicOr404(ctx, workspaceId, id));
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", { name: input.name });
    throw err;
  }
}

export async function updateTopic(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  input: { name?: string; description?: string; isPublic?: boolean },
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const before = await topicOr404(ctx, workspaceId, topicId);
  try {
    await repo.updateTopic(ctx.db, workspaceId, topicId, {
      ...(input.name !== undefined && input.name !== before.name
        ? { name: input.name, slug: await freeSlug(ctx, workspaceId, input.name, topicId) }
        : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.isPublic !== undefined ? { is_public: input.isPublic } : {}),
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", { name: input.name ?? "" });
    throw err;
  }
  if (input.isPublic !== undefined && input.isPublic !== before.is_public) {
    await audit.record(ctx, {
      workspaceId,
      actorUserId: user.id,
      action: input.isPublic ? "curation.topic_published" : "curation.topic_unpublished",
      targetType: "topic",
      targetId: topicId,
      data: { name: before.name },
    });
  }
  return presentTopic(ctx, await topicOr404(ctx, workspaceId, topicId));
}

/** A new unguessable public URL: the old page and feeds answer 404 at once. */
export async function regenerateToken(ctx: AppContext, user: AuthUser, workspaceId: string, topicId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await topicOr404(ctx, workspaceId, topicId);
  await repo.updateTopic(ctx.db, workspaceId, topicId, { public_token: randomToken(32) });
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "curation.topic_url_regenerated",
    targetType: "topic",
    targetId: topicId,
    data: {},
  });
  return presentTopic(ctx, await topicOr404(ctx, workspaceId, topicId));
}

export async function deleteTopic(ctx: AppContext, user: AuthUser, workspaceId: string, topicId: string) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const t = await topicOr404(ctx, workspaceId, topicId);
  await repo.deleteTopic(ctx.db, workspaceId, topicId);
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "curation.topic_deleted",
    targetType: "topic",
    targetId: topicId,
    data: { name: t.name, entries: t.entry_count },
  });
}

// ---- entries ----

export async function listEntries(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  options: { tag?: string } = {},
) {
  await authorize(ctx, user, workspaceId, "curation.read");
  await topicOr404(ctx, workspaceId, topicId);
  return (await repo.listEntries(ctx.db, workspaceId, topicId, options)).map(presentEntry);
}

/** Link preview for the save page: the page's own title, description and image. */
export async function preview(ctx: AppContext, user: AuthUser, workspaceId: string, url: string, locale: Locale) {
  await authorize(ctx, user, workspaceId, "curation.write");
  try {
    return await fetchMetadata(ctx, url);
  } catch (err) {
    if (err instanceof PreviewError) throw previewFailed(locale, url, err.reason);
    throw err;
  }
}

export interface EntryInput {
  url?: string;
  feedItemId?: string;
  insight: string;
  tags: string[];
  title?: string;
  description?: string;
  imageUrl?: string | null;
  sourceName?: string;
}

/** Tags without case duplicates; the first spelling wins. */
function dedupeTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const t of tags) {
    const key = t.trim().toLocaleLowerCase("fr");
    if (!seen.has(key)) seen.set(key, t.trim());
  }
  return [...seen.values()];
}

/**
 * Saves a link or a veille item into a topic. Without a title the page is fetched for its metadata; a
 * page that cannot be read still saves (title = the address): the CM chose to keep that link.
 */
export async function addEntry(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  input: EntryInput,
): Promise<EntryView & { fetchError: string | null }> {
  await authorize(ctx, user, workspaceId, "curation.write");
  const topic = await topicOr404(ctx, workspaceId, topicId);
  let fields: repo.EntryFields;
  let fetchError: string | null = null;
  if (input.feedItemId) {
    const item = await loadFeedItem(ctx, workspaceId, input.feedItemId);
    if (!item) throw notFound("feed_item");
    fields = {
      feed_item_id: item.id,
      url: item.link,
      title: input.title ?? cleanText(item.title, 300) ?? item.link,
      description: input.description ?? cleanText(htmlToText(item.summary ?? ""), 1000) ?? "",
      image_url: input.imageUrl !== undefined ? input.imageUrl : item.imageUrl,
      source_name: input.sourceName || item.sourceName || hostLabel(item.link) || "",
      insight: input.insight,
      tags: dedupeTags(input.tags),
      published_at: item.publishedAt,
    };
  } else {
    const url = input.url as string;
    let meta: Awaited<ReturnType<typeof fetchMetadata>> | null = null;
    if (input.title === undefined) {
      try {
        meta = await fetchMetadata(ctx, url);
      } catch (err) {
        if (!(err instanceof PreviewError)) throw err;
        fetchError = err.reason;
      }
    }
    fields = {
      feed_item_id: null,
      url: meta?.url ?? url,
      title: input.title ?? meta?.title ?? url,
      description: input.description ?? meta?.description ?? "",
      image_url: input.imageUrl !== undefined ? input.imageUrl : (meta?.imageUrl ?? null),
      source_name: input.sourceName || meta?.siteName || hostLabel(url) || "",
      insight: input.insight,
      tags: dedupeTags(input.tags),
      published_at: meta?.publishedAt ? new Date(meta.publishedAt) : null,
    };
  }
  const row = await repo.insertEntry(ctx.db, workspaceId, topicId, user.id, fields);
  if (!row) throw new AppError("entry_exists", { topic: topic.name });
  return { ...presentEntry(row), fetchError };
}

export async function updateEntry(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  entryId: string,
  input: {
    url?: string;
    title?: string;
    description?: string;
    imageUrl?: string | null;
    insight?: string;
    tags?: string[];
    sourceName?: string;
  },
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  const topic = await topicOr404(ctx, workspaceId, topicId);
  try {
    const row = await repo.updateEntry(ctx.db, workspaceId, topicId, entryId, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.imageUrl !== undefined ? { image_url: input.imageUrl } : {}),
      ...(input.insight !== undefined ? { insight: input.insight } : {}),
      ...(input.tags !== undefined ? { tags: dedupeTags(input.tags) } : {}),
      ...(input.sourceName !== undefined ? { source_name: input.sourceName } : {}),
    });
    if (!row) throw notFound("entry");
    return presentEntry(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("entry_exists", { topic: topic.name });
    throw err;
  }
}

export async function removeEntry(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  entryId: string,
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await topicOr404(ctx, workspaceId, topicId);
  if (!(await repo.deleteEntry(ctx.db, workspaceId, topicId, entryId))) throw notFound("entry");
}

/** New order: the listed entries first, in that order (ids of other topics → 400, nothing changed). */
export async function reorderEntries(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  topicId: string,
  entryIds: string[],
) {
  await authorize(ctx, user, workspaceId, "curation.write");
  await topicOr404(ctx, workspaceId, topicId);
  const unique = [...new Set(entryIds)];
  if ((await repo.countEntriesIn(ctx.db, workspaceId, topicId, unique)) !== unique.length) {
    throw new AppError("unknown_reference", { resource: "entry" });
  }
  await repo.reorder(ctx.db, workspaceId, topicId, unique);
  return (await repo.listEntries(ctx.db, workspaceId, topicId)).map(presentEntry);
}
