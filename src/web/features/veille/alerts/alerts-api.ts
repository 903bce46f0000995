import { useQuery } from "@tanstack/react-query";
import { call } from "../../publishing/http";

/**
 * Alerts calls. Shapes mirror the server's zod schemas (src/modules/veille/alerts/alerts.schema.ts: Alert,
 * AlertMatch, AlertPreview, AlertPreset); the untyped `call` keeps this feature independent of the
 * generated schema file that other features regenerate concurrently.
 */
export type EmailMode = "none" | "immediate" | "daily" | "weekly";

export interface Alert {
  id: string;
  name: string;
  query: string;
  enabled: boolean;
  searchFeeds: boolean;
  searchNetworks: boolean;
  notifyInApp: boolean;
  emailMode: EmailMode;
  emailRecipients: string[];
  digestTime: string;
  digestWeekday: number;
  nextDigestAt: string | null;
  webhookUrl: string | null;
  preset: string | null;
  competitorId: string | null;
  unseenCount: number;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlertSaved {
  alert: Alert;
  webhookSecret: string | null;
}

export interface AlertMatch {
  id: string;
  alertId: string;
  alertName: string;
  kind: "feed_item" | "network_post";
  feedItemId: string | null;
  network: string | null;
  title: string;
  excerpt: string;
  url: string | null;
  source: string;
  author: string | null;
  language: string | null;
  publishedAt: string;
  matchedAt: string;
  seen: boolean;
}

export interface Preview {
  scanned: number;
  matches: {
    itemId: string;
    title: string;
    excerpt: string;
    url: string | null;
    source: string;
    publishedAt: string;
  }[];
}

export interface Preset {
  preset: "brand" | "competitor";
  competitorId: string | null;
  name: string;
  query: string;
  exists: boolean;
}

export const paths = {
  alerts: (w: string) => `/api/workspaces/${w}/alerts`,
  alert: (w: string, id: string) => `/api/workspaces/${w}/alerts/${id}`,
  presets: (w: string) => `/api/workspaces/${w}/alerts/presets`,
  preview: (w: string) => `/api/workspaces/${w}/alerts/preview`,
  matches: (w: string) => `/api/workspaces/${w}/alerts/matches`,
  seen: (w: string) => `/api/workspaces/${w}/alerts/matches/seen`,
};

export const keys = {
  alerts: (w: string) => ["alerts", w] as const,
  presets: (w: string) => ["alerts", w, "presets"] as const,
  matches: (w: string, filter: MatchFilter) => ["alerts", w, "matches", filter] as const,
};

export interface MatchFilter {
  alertId?: string;
  seen?: "true" | "false";
  kind?: "feed_item" | "network_post";
}

export function useAlerts(w: string) {
  return useQuery({ queryKey: keys.alerts(w), queryFn: () => call<Alert[]>("GET", paths.alerts(w)) });
}

export function usePresets(w: string) {
  return useQuery({ queryKey: keys.presets(w), queryFn: () => call<Preset[]>("GET", paths.presets(w)) });
}

export function useMatches(w: string, filter: MatchFilter) {
  return useQuery({
    queryKey: keys.matches(w, filter),
    queryFn: () =>
      call<{ items: AlertMatch[]; nextCursor: string | null }>("GET", paths.matches(w), {
        query: { ...filter, limit: 100 },
      }),
  });
}
