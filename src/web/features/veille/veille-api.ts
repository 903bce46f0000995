import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, inWorkspace, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import type { QueryOf, RequestBody } from "../../api/types";

/**
 * The reader's calls, typed from the OpenAPI document (`npm run gen:api` → src/web/api/schema.d.ts): the
 * shapes are aliases of the server's zod schemas (src/modules/veille/veille.schema.ts) and openapi-fetch
 * checks paths, bodies and answers. `paths` stays for what is not a JSON call (the OPML export link).
 */
type Schemas = components["schemas"];

export type Feed = Schemas["Feed"];
export type Folder = Schemas["FeedFolder"];
export type FeedList = Schemas["FeedList"];
export type ItemSummary = Schemas["FeedItemSummary"];
export type ItemDetail = Schemas["FeedItem"];
export type ItemPage = Schemas["FeedItemList"];
export type SubscribeResult = Schemas["Subscribed"] | Schemas["ChooseFeed"];

const ITEMS = "/api/workspaces/{workspaceId}/veille/items";
/** The reader's filters: the items query's own fields, with the two flags as booleans. */
export type ItemFilter = Pick<QueryOf<typeof ITEMS>, "feedId" | "folderId" | "language" | "since" | "q"> & {
  starred?: boolean;
  unread?: boolean;
};

export const paths = {
  opml: (w: string) => `/api/workspaces/${w}/veille/opml`,
};

export const keys = {
  all: (w: string) => ["veille", w] as const,
  feeds: (w: string) => ["veille", w, "feeds"] as const,
  items: (w: string, f: ItemFilter) => ["veille", w, "items", f] as const,
  item: (w: string, id: string) => ["veille", w, "item", id] as const,
};

const onFeed = (workspaceId: string, feedId: string) => ({ params: { path: { workspaceId, feedId } } });
const onItem = (workspaceId: string, itemId: string) => ({ params: { path: { workspaceId, itemId } } });

export function useFeeds(w: string) {
  return useQuery({
    queryKey: keys.feeds(w),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/veille/feeds", inWorkspace(w))),
  });
}

export function useItems(w: string, filter: ItemFilter) {
  return useInfiniteQuery({
    queryKey: keys.items(w, filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET(ITEMS, {
          params: {
            path: { workspaceId: w },
            query: {
              ...filter,
              starred: filter.starred ? "true" : undefined,
              unread: filter.unread ? "true" : undefined,
              limit: 40,
              cursor: pageParam,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useItem(w: string, id: string | null) {
  return useQuery({
    queryKey: keys.item(w, id ?? ""),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/veille/items/{itemId}", onItem(w, id as string))),
    enabled: Boolean(id),
  });
}

export const veilleActions = {
  /** 201 subscribed, or 200 "choose" when the site announces several feeds. */
  subscribe: (w: string, body: RequestBody<"/api/workspaces/{workspaceId}/veille/feeds", "post">) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/feeds", { ...inWorkspace(w), body })),
  updateFeed: (
    w: string,
    feedId: string,
    body: RequestBody<"/api/workspaces/{workspaceId}/veille/feeds/{feedId}", "patch">,
  ) => unwrap(api.PATCH("/api/workspaces/{workspaceId}/veille/feeds/{feedId}", { ...onFeed(w, feedId), body })),
  unsubscribe: (w: string, feedId: string) =>
    unwrap(api.DELETE("/api/workspaces/{workspaceId}/veille/feeds/{feedId}", onFeed(w, feedId))),
  fetchNow: (w: string, feedId: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/feeds/{feedId}/fetch", onFeed(w, feedId))),
  createFolder: (w: string, name: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/folders", { ...inWorkspace(w), body: { name } })),
  deleteFolder: (w: string, folderId: string) =>
    unwrap(
      api.DELETE("/api/workspaces/{workspaceId}/veille/folders/{folderId}", {
        params: { path: { workspaceId: w, folderId } },
      }),
    ),
  importOpml: (w: string, opml: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/opml", { ...inWorkspace(w), body: { opml } })),
  setRead: (w: string, itemId: string, read: boolean) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/veille/items/{itemId}/read", { ...onItem(w, itemId), body: { read } }),
    ),
  setStar: (w: string, itemId: string, starred: boolean) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/veille/items/{itemId}/star", { ...onItem(w, itemId), body: { starred } }),
    ),
  fullText: (w: string, itemId: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/items/{itemId}/full-text", onItem(w, itemId))),
  markAllRead: (w: string, body: RequestBody<"/api/workspaces/{workspaceId}/veille/items/read", "post">) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/veille/items/read", { ...inWorkspace(w), body })),
};
