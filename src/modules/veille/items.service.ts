import type { AppContext } from "../../context.js";
import type { FeedEnclosureJson } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { htmlToText } from "./core.js";
import * as feedsRepo from "./feeds.repo.js";
import { FullTextError, fetchFullText } from "./fulltext.service.js";
import * as repo from "./items.repo.js";
import * as listRepo from "./list.repo.js";
import { excerpt } from "./text.js";

/**
 * Reading: the item list (filters, French-aware search, keyset paging, one entry per story), the item,
 * read/unread (a story is read as one), star, "mark all as read up to", full text on demand.
 * getItem / getItems are for other domains (curation, alerts): workspace-scoped, no user.
 */

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (Number.isNaN(date.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError("validation_failed", {}, [{ path: "querystring.cursor", message: "invalid cursor" }]);
  }
  return { at: date, id };
}

type Sources = Map<string, repo.StorySource[]>;

function presentSummary(r: listRepo.ListedItem, sources: Sources) {
  const text = htmlToText(r.summary || r.content_head) ?? "";
  const storySources = r.story_id ? (sources.get(r.story_id) ?? []) : [];
  return {
    id: r.id,
    feedId: r.feed_id,
    feedTitle: r.feed_title,
    title: r.title,
    link: r.link,
    excerpt: excerpt(text, 300),
    imageUrl: r.image_url,
    author: r.author,
    language: r.language,
    publishedAt: r.published_at.toISOString(),
    read: r.read_at !== null,
    starred: r.starred_at !== null,
    hasFullText: r.has_full_text,
    story:
      r.story_id && storySources.length > 1
        ? {
            id: r.story_id,
            count: storySources.length,
            sources: storySources.map((s) => ({
              itemId: s.item_id,
              feedId: s.feed_id,
              feedTitle: s.feed_title,
              title: s.title,
              link: s.link,
              publishedAt: s.published_at.toISOString(),
            })),
          }
        : null,
  };
}

async function sourcesOf(ctx: AppContext, workspaceId: string, rows: { story_id: string | null }[]): Promise<Sources> {
  const ids = [...new Set(rows.flatMap((r) => (r.story_id ? [r.story_id] : [])))];
  const map: Sources = new Map();
  for (const s of await repo.storySources(ctx.db, workspaceId, ids)) {
    const list = map.get(s.story_id) ?? [];
    list.push(s);
    map.set(s.story_id, list);
  }
  return map;
}

export interface ListQuery {
  feedId?: string | undefined;
  folderId?: string | undefined;
  storyId?: string | undefined;
  language?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  unread?: boolean | undefined;
  starred?: boolean | undefined;
  q?: string | undefined;
  group?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function list(ctx: AppContext, user: AuthUser, workspaceId: string, q: ListQuery) {
  await authorize(ctx, user, workspaceId, "veille.read");
  const cursor = decodeCursor(q.cursor);
  const filter: listRepo.ItemFilter = {
    ...(q.feedId ? { feedId: q.feedId } : {}),
    ...(q.folderId ? { folderId: q.folderId } : {}),
    ...(q.storyId ? { storyId: q.storyId } : {}),
    ...(q.language ? { language: q.language } : {}),
    ...(q.since ? { since: new Date(q.since) } : {}),
    ...(q.until ? { until: new Date(q.until) } : {}),
    ...(q.unread ? { unread: true } : {}),
    ...(q.starred ? { starred: true } : {}),
    ...(q.q ? { q: q.q } : {}),
    group: q.group ?? true,
  };
  const rows = await listRepo.listItems(ctx.db, workspaceId, user.id, filter, q.limit + 1, cursor);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const sources = await sourcesOf(ctx, workspaceId, page);
  return {
    items: page.map((r) => presentSummary(r, sources)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.published_at, last.id) : null,
  };
}

async function detail(ctx: AppContext, workspaceId: string, userId: string, item: repo.ItemRow) {
  const feed = await feedsRepo.findFeed(ctx.db, workspaceId, item.feed_id);
  const state = await repo.findState(ctx.db, userId, item.id);
  const listed: listRepo.ListedItem = {
    id: item.id,
    feed_id: item.feed_id,
    feed_title: feed?.title || feed?.url || "",
    story_id: item.story_id,
    story_count: null,
    link: item.link,
    title: item.title,
    summary: item.summary,
    content_head: item.summary ? "" : item.content.slice(0, 4000),
    image_url: item.image_url,
    author: item.author,
    language: item.language,
    published_at: item.published_at,
    read_at: state?.read_at ?? null,
    starred_at: state?.starred_at ?? null,
    has_full_text: item.full_text !== null,
  };
  const sources = await sourcesOf(ctx, workspaceId, [item]);
  return {
    ...presentSummary(listed, sources),
    summaryHtml: item.summary,
    contentHtml: item.content || item.summary,
    fullTextHtml: item.full_text,
    categories: item.categories,
    enclosures: item.enclosures as FeedEnclosureJson[],
  };
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, itemId: string) {
  await authorize(ctx, user, workspaceId, "veille.read");
  const item = await repo.findItem(ctx.db, workspaceId, itemId);
  if (!item) throw notFound("feed_item");
  return detail(ctx, workspaceId, user.id, item);
}

async function stateView(ctx: AppContext, userId: string, itemId: string) {
  const s = await repo.findState(ctx.db, userId, itemId);
  return { id: itemId, read: !!s?.read_at, starred: !!s?.starred_at };
}

export async function setRead(ctx: AppContext, user: AuthUser, workspaceId: string, itemId: string, read: boolean) {
  await authorize(ctx, user, workspaceId, "veille.read");
  if (!(await repo.findItem(ctx.db, workspaceId, itemId))) throw notFound("feed_item");
  await repo.setRead(ctx.db, workspaceId, user.id, itemId, read);
  return stateView(ctx, user.id, itemId);
}

export async function setStarred(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  itemId: string,
  starred: boolean,
) {
  await authorize(ctx, user, workspaceId, "veille.read");
  if (!(await repo.findItem(ctx.db, workspaceId, itemId))) throw notFound("feed_item");
  await repo.setStarred(ctx.db, workspaceId, user.id, itemId, starred);
  return stateView(ctx, user.id, itemId);
}

export async function markAllRead(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { before: string; feedId?: string | undefined; folderId?: string | undefined },
) {
  await authorize(ctx, user, workspaceId, "veille.read");
  if (input.feedId && !(await feedsRepo.findFeed(ctx.db, workspaceId, input.feedId))) throw notFound("feed");
  if (input.folderId && !(await feedsRepo.findFolder(ctx.db, workspaceId, input.folderId))) throw notFound("folder");
  const marked = await repo.markAllRead(ctx.db, workspaceId, user.id, new Date(input.before), {
    ...(input.feedId ? { feedId: input.feedId } : {}),
    ...(input.folderId ? { folderId: input.folderId } : {}),
  });
  return { marked };
}

/** Readability on the item's page now (the reader's "full text" button). */
export async function fullTextNow(ctx: AppContext, user: AuthUser, workspaceId: string, itemId: string) {
  await authorize(ctx, user, workspaceId, "veille.read");
  if (!(await repo.findItem(ctx.db, workspaceId, itemId))) throw notFound("feed_item");
  try {
    await fetchFullText(ctx, workspaceId, itemId);
  } catch (err) {
    if (err instanceof FullTextError) {
      const reasons = {
        fr: {
          no_link: "l'article n'a pas de lien",
          fetch_failed: "la page n'a pas pu être chargée",
          not_html: "le lien ne mène pas à une page web",
          no_article: "aucun article reconnu sur la page",
        },
        en: {
          no_link: "the item has no link",
          fetch_failed: "the page could not be loaded",
          not_html: "the link is not a web page",
          no_article: "no article found on the page",
        },
      };
      throw new AppError("full_text_failed", { reason: reasons[user.locale][err.reason] }, { reason: err.reason });
    }
    throw err;
  }
  return get(ctx, user, workspaceId, itemId);
}

// ---- for other domains (curation, alerts): workspace-scoped, no user, no authorization ----

export interface VeilleItem {
  id: string;
  workspaceId: string;
  feedId: string;
  feedTitle: string;
  title: string;
  link: string | null;
  /** Plain text of the summary (else content), whole. */
  text: string;
  summaryHtml: string;
  contentHtml: string;
  fullTextHtml: string | null;
  imageUrl: string | null;
  author: string | null;
  language: string | null;
  categories: string[];
  publishedAt: Date;
  storyId: string | null;
}

function toVeilleItem(item: repo.ItemRow, feedTitle: string): VeilleItem {
  return {
    id: item.id,
    workspaceId: item.workspace_id,
    feedId: item.feed_id,
    feedTitle,
    title: item.title,
    link: item.link,
    text: htmlToText(item.content || item.summary) ?? "",
    summaryHtml: item.summary,
    contentHtml: item.content,
    fullTextHtml: item.full_text,
    imageUrl: item.image_url,
    author: item.author,
    language: item.language,
    categories: item.categories,
    publishedAt: item.published_at,
    storyId: item.story_id,
  };
}

/** One item of the workspace, or null. The caller has authorized the user for its own domain. */
export async function getItem(ctx: AppContext, workspaceId: string, itemId: string): Promise<VeilleItem | null> {
  const items = await getItems(ctx, workspaceId, [itemId]);
  return items[0] ?? null;
}

/** Items of the workspace by id (unknown or foreign ids are left out), in the order asked. */
export async function getItems(ctx: AppContext, workspaceId: string, itemIds: string[]): Promise<VeilleItem[]> {
  if (!itemIds.length) return [];
  const rows = await ctx.db
    .selectFrom("feed_items as i")
    .innerJoin("feeds as f", "f.id", "i.feed_id")
    .selectAll("i")
    .select(["f.title as feed_title", "f.url as feed_url"])
    .where("i.workspace_id", "=", workspaceId)
    .where("i.id", "in", itemIds)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toVeilleItem(r, r.feed_title || r.feed_url)]));
  return itemIds.flatMap((id) => (byId.has(id) ? [byId.get(id) as VeilleItem] : []));
}
