import { useQuery } from "@tanstack/react-query";
import { call, itemsOf } from "./http";
import type {
  AppNotification,
  ApprovalLink,
  Campaign,
  Media,
  MoveResult,
  NetworkInfo,
  Post,
  PostComment,
  PostEvent,
  ScheduleResult,
  SocialAccount,
  Tag,
} from "./types";

/** Every publishing route the UI calls, in one place. */
const ws = (w: string) => `/api/workspaces/${w}`;
export const paths = {
  networks: () => "/api/networks",
  accounts: (w: string) => `${ws(w)}/accounts`,
  account: (w: string, id: string) => `${ws(w)}/accounts/${id}`,
  media: (w: string) => `${ws(w)}/media`,
  mediaItem: (w: string, id: string) => `${ws(w)}/media/${id}`,
  campaigns: (w: string) => `${ws(w)}/campaigns`,
  tags: (w: string) => `${ws(w)}/tags`,
  posts: (w: string) => `${ws(w)}/posts`,
  post: (w: string, id: string) => `${ws(w)}/posts/${id}`,
  calendar: (w: string) => `${ws(w)}/calendar`,
  crisis: (w: string) => `${ws(w)}/crisis`,
  ical: (w: string) => `${ws(w)}/ical`,
  importCsv: (w: string) => `${ws(w)}/posts/import`,
  exportCsv: (w: string) => `${ws(w)}/posts/export.csv`,
  approval: (token: string) => `/api/approvals/${token}`,
  notifications: () => "/api/notifications",
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

type List<T> = T[] | { items: T[] };

export function useNetworks() {
  return useQuery({
    queryKey: keys.networks,
    queryFn: async () => itemsOf(await call<List<NetworkInfo>>("GET", paths.networks())),
    staleTime: 60 * 60_000,
  });
}

export function useAccounts(w: string) {
  return useQuery({
    queryKey: keys.accounts(w),
    queryFn: async () => itemsOf(await call<List<SocialAccount>>("GET", paths.accounts(w))),
  });
}

export function useMedia(w: string) {
  return useQuery({
    queryKey: keys.media(w),
    queryFn: async () => itemsOf(await call<List<Media>>("GET", paths.media(w), { query: { limit: 100 } })),
  });
}

export function useCampaigns(w: string) {
  return useQuery({
    queryKey: keys.campaigns(w),
    queryFn: async () => itemsOf(await call<List<Campaign>>("GET", paths.campaigns(w))),
  });
}

export function useTags(w: string) {
  return useQuery({
    queryKey: keys.tags(w),
    queryFn: async () => itemsOf(await call<List<Tag>>("GET", paths.tags(w))),
  });
}

export function usePost(w: string, id: string | undefined) {
  return useQuery({
    queryKey: keys.post(w, id ?? "new"),
    enabled: Boolean(id),
    queryFn: () => call<Post>("GET", paths.post(w, id as string)),
  });
}

export function usePostEvents(w: string, id: string | undefined) {
  return useQuery({
    queryKey: [...keys.post(w, id ?? "new"), "events"],
    enabled: Boolean(id),
    queryFn: async () => itemsOf(await call<List<PostEvent>>("GET", `${paths.post(w, id as string)}/events`)),
  });
}

export function usePostComments(w: string, id: string | undefined) {
  return useQuery({
    queryKey: [...keys.post(w, id ?? "new"), "comments"],
    enabled: Boolean(id),
    queryFn: async () => itemsOf(await call<List<PostComment>>("GET", `${paths.post(w, id as string)}/comments`)),
  });
}

/** The body the composer sends for create and update (a scheduled time goes through schedule/move). */
export interface PostInput {
  /** The planned time of a post not scheduled yet (workspace zone); null clears it. */
  plannedLocal?: string | null;
  body: string;
  linkUrl: string | null;
  mediaIds: string[];
  campaignId: string | null;
  tagIds: string[];
  targets: { accountId: string; body: string | null; mediaIds: string[] | null }[];
}

export const postActions = {
  create: (w: string, input: PostInput) => call<Post>("POST", paths.posts(w), { body: input }),
  update: (w: string, id: string, input: PostInput, version: number) =>
    call<Post>("PATCH", paths.post(w, id), { body: { ...input, version } }),
  remove: (w: string, id: string) => call<unknown>("DELETE", paths.post(w, id)),
  transition: (
    w: string,
    id: string,
    action: "submit" | "approve" | "request-changes" | "unschedule",
    body: Record<string, unknown> = {},
  ) => call<Post>("POST", `${paths.post(w, id)}/${action}`, { body }),
  schedule: (w: string, id: string, local: string) =>
    call<ScheduleResult>("POST", `${paths.post(w, id)}/schedule`, { body: { local } }),
  queue: (w: string, id: string) => call<unknown>("POST", `${paths.post(w, id)}/queue`, { body: {} }),
  move: (w: string, id: string, local: string, version: number) =>
    call<MoveResult>("POST", `${paths.post(w, id)}/move`, { body: { local, version } }),
  comment: (w: string, id: string, body: string) =>
    call<PostComment>("POST", `${paths.post(w, id)}/comments`, { body: { body } }),
  approvalLink: (w: string, id: string, reviewerName: string, expiresInDays = 7) =>
    call<ApprovalLink>("POST", `${paths.post(w, id)}/approval-links`, {
      body: { ...(reviewerName ? { reviewerName } : {}), expiresInDays },
    }),
  resolveTarget: (w: string, id: string, targetId: string, outcome: "published" | "republish") =>
    call<unknown>(
      "POST",
      `${paths.post(w, id)}/targets/${targetId}/${outcome === "published" ? "confirm-published" : "republish"}`,
      { body: {} },
    ),
};

export function useNotifications() {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: async () => {
      const [list, unread] = await Promise.all([
        call<{ items: AppNotification[] }>("GET", paths.notifications(), { query: { limit: 30 } }),
        call<{ count: number }>("GET", `${paths.notifications()}/unread-count`),
      ]);
      return { items: list.items, unread: unread.count };
    },
    refetchInterval: 30_000,
  });
}
