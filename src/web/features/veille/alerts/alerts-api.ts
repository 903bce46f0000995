import { useQuery } from "@tanstack/react-query";
import { api, inWorkspace, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";
import type { QueryOf, RequestBody } from "../../../api/types";

/**
 * The alerts' calls, typed from the OpenAPI document (`npm run gen:api` → src/web/api/schema.d.ts): the
 * shapes are aliases of the server's zod schemas (src/modules/veille/alerts/alerts.schema.ts) and
 * openapi-fetch checks paths, bodies and answers.
 */
type Schemas = components["schemas"];

export type Alert = Schemas["Alert"];
export type AlertSaved = Schemas["AlertSaved"];
export type AlertMatch = Schemas["AlertMatch"];
export type Preview = Schemas["AlertPreview"];
export type Preset = Schemas["AlertPreset"];
export type EmailMode = Alert["emailMode"];

const ALERTS = "/api/workspaces/{workspaceId}/alerts";
const ALERT = "/api/workspaces/{workspaceId}/alerts/{alertId}";
const MATCHES = "/api/workspaces/{workspaceId}/alerts/matches";

/** Marks matches seen: some by id, or all (of one alert). */
export type SeenRequest = RequestBody<"/api/workspaces/{workspaceId}/alerts/matches/seen", "post">;
/** The matches list's filters (the query's own fields). */
export type MatchFilter = Pick<QueryOf<typeof MATCHES>, "alertId" | "seen" | "kind">;

export const keys = {
  alerts: (w: string) => ["alerts", w] as const,
  presets: (w: string) => ["alerts", w, "presets"] as const,
  matches: (w: string, filter: MatchFilter) => ["alerts", w, "matches", filter] as const,
};

const onAlert = (workspaceId: string, alertId: string) => ({ params: { path: { workspaceId, alertId } } });

export function useAlerts(w: string) {
  return useQuery({ queryKey: keys.alerts(w), queryFn: () => unwrap(api.GET(ALERTS, inWorkspace(w))) });
}

export function usePresets(w: string) {
  return useQuery({
    queryKey: keys.presets(w),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/alerts/presets", inWorkspace(w))),
  });
}

export function useMatches(w: string, filter: MatchFilter) {
  return useQuery({
    queryKey: keys.matches(w, filter),
    queryFn: () => unwrap(api.GET(MATCHES, { params: { path: { workspaceId: w }, query: { ...filter, limit: 100 } } })),
  });
}

export const alertActions = {
  /** What a query would match among the latest items; a bad query fails with alert_query_invalid. */
  preview: (w: string, body: RequestBody<"/api/workspaces/{workspaceId}/alerts/preview", "post">) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/alerts/preview", { ...inWorkspace(w), body })),
  create: (w: string, body: RequestBody<typeof ALERTS, "post">) =>
    unwrap(api.POST(ALERTS, { ...inWorkspace(w), body })),
  update: (w: string, alertId: string, body: RequestBody<typeof ALERT, "patch">) =>
    unwrap(api.PATCH(ALERT, { ...onAlert(w, alertId), body })),
  remove: (w: string, alertId: string) => unwrap(api.DELETE(ALERT, onAlert(w, alertId))),
  markSeen: (w: string, body: SeenRequest) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/alerts/matches/seen", { ...inWorkspace(w), body })),
};
