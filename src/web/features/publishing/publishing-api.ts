import { useQuery } from "@tanstack/react-query";
import { api, inWorkspace, unwrap } from "../../api/client";
import type { QueryOf, RequestBody } from "../../api/types";

/**
 * The publishing routes the UI calls, typed from the OpenAPI document (`npm run gen:api`): paths, bodies
 * and answers are checked against the server's own schemas by openapi-fetch, as `src/web/api/client.ts`
 * does for the other features. `paths` stays for what is not a JSON call (multipart uploads, file and
 * image addresses, the CSV export link).
 */
const ws = (w: string) => `/api/workspaces/${w}`;
export const paths = {
  accounts: (w: string) => `${ws(w)}/accounts`,
  account: (w: string, id: string) => `${ws(w)}/accounts/${id}`,
  media: (w: string) => `${ws(w)}/media`,
  mediaItem: (w: string, id: string) => `${ws(w)}/media/${id}`,
  posts: (w: string) => `${ws(w)}/posts`,
  post: (w: string, id: string) => `${ws(w)}/posts/${id}`,
  calendar: (w: string) => `${ws(w)}/calendar`,
  crisis: (w: string) => `${ws(w)}/crisis`,
  ical: (w: string) => `${ws(w)}/ical`,
  importCsv: (w: string) => `${ws(w)}/posts/import`,
  exportCsv: (w: string) => `${ws(w)}/posts/export.csv`,
};

export const keys = {
  networks: ["networks"] as const,
  accounts: (w: string) => ["ws", w, "accounts"] as const,
  media: (w: string) => ["ws", w, "media"] as const,
  campaigns: (w: string) => ["ws", w, "campaigns"] as const,
  tags: (w: string) => ["ws", w, "tags"] as const,
  calendar: (w: string) => ["ws", w, "calendar"] as const,
  post: (w: string, id: string) => ["ws", w, "posts", id] as const,
  crisis: (w: string) => ["ws", w, "crisis"] as const,
  notifications: ["notifications"] as const,
};

const onPost = (workspaceId: string, postId: string) => ({ params: { path: { workspaceId, postId } } });

export function useNetworks() {
  return useQuery({
    queryKey: keys.networks,
    queryFn: () => unwrap(api.GET("/api/networks")),
    staleTime: 60 * 60_000,
  });
}

export function useAccounts(w: string) {
  return useQuery({
    queryKey: keys.accounts(w),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/accounts", inWorkspace(w))),
  });
}

export function useMedia(w: string) {
  return useQuery({
    queryKey: keys.media(w),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/workspaces/{workspaceId}/media", {
            params: { path: { workspaceId: w }, query: { limit: 100 } },
          }),
        )
      ).items,
  });
}

export function useCampaigns(w: string) {
  return useQuery({
    queryKey: keys.campaigns(w),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/campaigns", inWorkspace(w))),
  });
}

export function useTags(w: string) {
  return useQuery({
    queryKey: keys.tags(w),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/tags", inWorkspace(w))),
  });
}

/** One post, or the calendar range (the composer and the calendar share them). */
export const getPost = (w: string, id: string) =>
  unwrap(api.GET("/api/workspaces/{workspaceId}/posts/{postId}", onPost(w, id)));

export function usePost(w: string, id: string | undefined) {
  return useQuery({
    queryKey: keys.post(w, id ?? "new"),
    enabled: Boolean(id),
    queryFn: () => getPost(w, id as string),
  });
}

export type CalendarQuery = QueryOf<"/api/workspaces/{workspaceId}/calendar">;
export const getCalendar = (w: string, query: CalendarQuery) =>
  unwrap(api.GET("/api/workspaces/{workspaceId}/calendar", { params: { path: { workspaceId: w }, query } }));

export function usePostEvents(w: string, id: string | undefined) {
  return useQuery({
    queryKey: [...keys.post(w, id ?? "new"), "events"],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/posts/{postId}/events", onPost(w, id as string))),
  });
}

export function usePostComments(w: string, id: string | undefined) {
  return useQuery({
    queryKey: [...keys.post(w, id ?? "new"), "comments"],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/posts/{postId}/comments", onPost(w, id as string))),
  });
}

/** The body the composer sends for create and update (a scheduled time goes through schedule/move). */
export type PostInput = RequestBody<"/api/workspaces/{workspaceId}/posts", "post">;

export const postActions = {
  create: (w: string, input: PostInput) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/posts", { ...inWorkspace(w), body: input })),
  update: (w: string, id: string, input: PostInput, version: number) =>
    unwrap(
      api.PATCH("/api/workspaces/{workspaceId}/posts/{postId}", { ...onPost(w, id), body: { ...input, version } }),
    ),
  remove: (w: string, id: string) => unwrap(api.DELETE("/api/workspaces/{workspaceId}/posts/{postId}", onPost(w, id))),
  transition: (
    w: string,
    id: string,
    action: "submit" | "approve" | "request-changes" | "unschedule",
    body: { comment?: string } = {},
  ) => {
    switch (action) {
      case "submit":
        return unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/submit", onPost(w, id)));
      case "approve":
        return unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/approve", { ...onPost(w, id), body }));
      case "request-changes":
        return unwrap(
          api.POST("/api/workspaces/{workspaceId}/posts/{postId}/request-changes", {
            ...onPost(w, id),
            body: { comment: body.comment ?? "" },
          }),
        );
      case "unschedule":
        return unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/unschedule", onPost(w, id)));
    }
  },
  schedule: (w: string, id: string, local: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/schedule", { ...onPost(w, id), body: { local } })),
  queue: (w: string, id: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/queue", onPost(w, id))),
  move: (w: string, id: string, local: string, version: number) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/posts/{postId}/move", { ...onPost(w, id), body: { local, version } }),
    ),
  comment: (w: string, id: string, body: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/comments", { ...onPost(w, id), body: { body } })),
  approvalLink: (w: string, id: string, reviewerName: string, expiresInDays = 7) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/posts/{postId}/approval-links", {
        ...onPost(w, id),
        body: { ...(reviewerName ? { reviewerName } : {}), expiresInDays },
      }),
    ),
  removeFromNetwork: (w: string, id: string, targetId: string) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/posts/{postId}/targets/{targetId}/remove-from-network", {
        params: { path: { workspaceId: w, postId: id, targetId } },
      }),
    ),
  resolveTarget: (w: string, id: string, targetId: string, outcome: "published" | "republish") => {
    const params = { params: { path: { workspaceId: w, postId: id, targetId } } };
    return outcome === "published"
      ? unwrap(
          api.POST("/api/workspaces/{workspaceId}/posts/{postId}/targets/{targetId}/confirm-published", {
            ...params,
            body: {},
          }),
        )
      : unwrap(api.POST("/api/workspaces/{workspaceId}/posts/{postId}/targets/{targetId}/republish", params));
  },
};

export function useNotifications() {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: async () => {
      const [list, unread] = await Promise.all([
        unwrap(api.GET("/api/notifications", { params: { query: { limit: 30 } } })),
        unwrap(api.GET("/api/notifications/unread-count")),
      ]);
      return { items: list.items, unread: unread.count };
    },
    refetchInterval: 30_000,
  });
}
