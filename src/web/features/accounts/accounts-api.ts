import { useQuery } from "@tanstack/react-query";
import { api, inWorkspace, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import type { RequestBody } from "../../api/types";
import { keys } from "../publishing/publishing-api";

/**
 * The social accounts' calls (connect, check, sync, metrics, posting slots), typed from the OpenAPI
 * document (`npm run gen:api` → src/web/api/schema.d.ts) as `publishing-api.ts` and `veille-api.ts` are:
 * openapi-fetch checks paths, bodies and answers against the server's own schemas, so a change of a route
 * breaks the web build instead of the page. The list of accounts and the networks stay in
 * `publishing-api.ts` (the composer and the calendar use them too).
 */
type Schemas = components["schemas"];

export type AccountSyncStatus = Schemas["AccountSyncStatus"];
export type AccountMetricsSnapshot = Schemas["AccountMetricsSnapshot"];
export type PostingSlots = Schemas["PostingSlots"];
/** One weekly posting slot: ISO weekday (1 = Monday … 7 = Sunday) and a wall-clock "HH:MM". */
export type PostingSlot = PostingSlots["slots"][number];
/** The connect form's fields as POST …/accounts and POST …/accounts/:id/reconnect take them. */
export type ConnectInput = RequestBody<"/api/workspaces/{workspaceId}/accounts/{accountId}/reconnect", "post">;
export type MastodonOAuthInput = RequestBody<"/api/workspaces/{workspaceId}/accounts/oauth/mastodon", "post">;

export const accountKeys = {
  one: (w: string, id: string) => [...keys.accounts(w), id] as const,
  sync: (w: string, id: string) => ["ws", w, "accounts", id, "sync"] as const,
  interactions: (w: string, id: string) => ["ws", w, "accounts", id, "interactions"] as const,
  metrics: (w: string, id: string) => ["ws", w, "accounts", id, "metrics"] as const,
  slots: (w: string, id: string) => ["ws", w, "accounts", id, "slots"] as const,
};

const onAccount = (workspaceId: string, accountId: string) => ({ params: { path: { workspaceId, accountId } } });

export function useAccount(w: string, id: string) {
  return useQuery({
    queryKey: accountKeys.one(w, id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/accounts/{accountId}", onAccount(w, id))),
  });
}

export function useAccountSync(w: string, id: string) {
  return useQuery({
    queryKey: accountKeys.sync(w, id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/accounts/{accountId}/sync", onAccount(w, id))),
  });
}

/** The account's latest interactions (the first page of GET …/interactions filtered on it). */
export function useAccountInteractions(w: string, id: string, limit = 30) {
  return useQuery({
    queryKey: accountKeys.interactions(w, id),
    queryFn: () =>
      unwrap(
        api.GET("/api/workspaces/{workspaceId}/interactions", {
          params: { path: { workspaceId: w }, query: { accountId: id, limit } },
        }),
      ),
  });
}

export function useAccountMetrics(w: string, id: string) {
  return useQuery({
    queryKey: accountKeys.metrics(w, id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/accounts/{accountId}/metrics", onAccount(w, id))),
  });
}

export function useSlots(w: string, id: string) {
  return useQuery({
    queryKey: accountKeys.slots(w, id),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/accounts/{accountId}/slots", onAccount(w, id))),
  });
}

export const accountActions = {
  connect: (w: string, body: RequestBody<"/api/workspaces/{workspaceId}/accounts", "post">) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/accounts", { ...inWorkspace(w), body })),
  reconnect: (w: string, id: string, body: ConnectInput) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/accounts/{accountId}/reconnect", { ...onAccount(w, id), body })),
  mastodonOAuth: (w: string, body: MastodonOAuthInput) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/accounts/oauth/mastodon", { ...inWorkspace(w), body })),
  check: (w: string, id: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/accounts/{accountId}/check", onAccount(w, id))),
  remove: (w: string, id: string) =>
    unwrap(api.DELETE("/api/workspaces/{workspaceId}/accounts/{accountId}", onAccount(w, id))),
  syncNow: (w: string, id: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/accounts/{accountId}/sync", onAccount(w, id))),
  saveSlots: (w: string, id: string, slots: PostingSlot[]) =>
    unwrap(
      api.PUT("/api/workspaces/{workspaceId}/accounts/{accountId}/slots", { ...onAccount(w, id), body: { slots } }),
    ),
};
