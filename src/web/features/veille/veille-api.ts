import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { call } from "../publishing/http";

/**
 * Reader calls. Shapes mirror the server's zod schemas (src/modules/veille/veille.schema.ts: Feed,
 * FeedFolder, FeedList, FeedItemSummary, FeedItem, Subscribed, ChooseFeed); the untyped `call` keeps this
 * feature independent of the generated schema file that other features regenerate concurrently.
 */
export interface FeedError {
  code: string;
  message: string;
  detail: string | null;
  at: string;
}

export interface Feed {
  id: string;
  folderId: string | null;
  url: string;
  siteUrl: string | null;
  title: string;
  description: string;
  language: string | null;
  format: string | null;
  fetchFullText: boolean;
  lastFetchedAt: string | null;
  lastNewItemAt: string | null;
  nextFetchAt: string | null;
  intervalSeconds: number;
  errorCount: number;
  lastError: FeedError | null;
  goneAt: string | null;
  unread: number;
  createdAt: string;
}

export interface Folder {
  id: string;
  name: string;
  position: number;
  unread: number;
}

export interface FeedList {
  folders: Folder[];
  feeds: Feed[];
  unread: number;
}

export interface Source {
  itemId: string;
  feedId: string;
  feedTitle: string;
  title: string;
  link: string | null;
  publishedAt: string;
}

export interface ItemSummary {
  id: string;
  feedId: string;
  feedTitle: string;
  title: string;
  link: string | null;
  excerpt: string;
  imageUrl: string | null;
  author: string | null;
  language: string | null;
  publishedAt: string;
  read: boolean;
  starred: boolean;
  hasFullText: boolean;
  story: { id: string; count: number; sources: Source[] } | null;
}

export interface ItemDetail extends ItemSummary {
  summaryHtml: string;
  contentHtml: string;
  fullTextHtml: string | null;
  categories: string[];
  enclosures: { url: string; type: string | null; length: number | null }[];
}

export interface ItemPage {
  items: ItemSummary[];
  nextCursor: string | null;
}

export type SubscribeResult =
  | { status: "subscribed"; feed: Feed; newItems: number }
  | { status: "choose"; choices: { url: string; title: string | null; type: string }[] };

export interface ItemFilter {
  feedId?: string;
  folderId?: string;
  starred?: boolean;
  unread?: boolean;
  language?: string;
  since?: string;
  q?: string;
}

const base = (w: string) => `/api/workspaces/${w}/veille`;
export const paths = {
  feeds: (w: string) => `${base(w)}/feeds`,
  feed: (w: string, id: string) => `${base(w)}/feeds/${id}`,
  fetchNow: (w: string, id: string) => `${base(w)}/feeds/${id}/fetch`,
  folders: (w: string) => `${base(w)}/folders`,
  folder: (w: string, id: string) => `${base(w)}/folders/${id}`,
  opml: (w: string) => `${base(w)}/opml`,
  items: (w: string) => `${base(w)}/items`,
  item: (w: string, id: string) => `${base(w)}/items/${id}`,
  read: (w: string, id: string) => `${base(w)}/items/${id}/read`,
  star: (w: string, id: string) => `${base(w)}/items/${id}/star`,
  fullText: (w: string, id: string) => `${base(w)}/items/${id}/full-text`,
  markAllRead: (w: string) => `${base(w)}/items/read`,
};

export const keys = {
  all: (w: string) => ["veille", w] as const,
  feeds: (w: string) => ["veille", w, "feeds"] as const,
  items: (w: string, f: ItemFilter) => ["veille", w, "items", f] as const,
  item: (w: string, id: string) => ["veille", w, "item", id] as const,
};

export function useFeeds(w: string) {
  return useQuery({ queryKey: keys.feeds(w), queryFn: () => call<FeedList>("GET", paths.feeds(w)) });
}

export function useItems(w: string, filter: ItemFilter) {
  return useInfiniteQuery({
    queryKey: keys.items(w, filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call<ItemPage>("GET", paths.items(w), {
        query: {
          ...filter,
          starred: filter.starred ? "true" : undefined,
          unread: filter.unread ? "true" : undefined,
          limit: 40,
          cursor: pageParam,
        },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useItem(w: string, id: string | null) {
  return useQuery({
    queryKey: keys.item(w, id ?? ""),
    queryFn: () => call<ItemDetail>("GET", paths.item(w, id as string)),
    enabled: Boolean(id),
  });
}
