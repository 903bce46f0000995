import {
  type Icon,
  IconBookmarks,
  IconCalendarEvent,
  IconChartBar,
  IconEar,
  IconInbox,
  IconLink,
  IconNotebook,
  IconPlugConnected,
  IconReportAnalytics,
  IconRss,
  IconSettings,
  IconTrophy,
} from "@tabler/icons-react";

export interface ModuleEntry {
  /** Route segment under /w/:workspaceId/ and the i18n key under modules.<id>. */
  id: string;
  icon: Icon;
  /** Built modules have their own pages; the others show the "coming soon" page. */
  built: boolean;
}

/** Every module of the product, in navigation order (PRODUCT.md). */
export const MODULES: readonly ModuleEntry[] = [
  { id: "calendar", icon: IconCalendarEvent, built: true },
  { id: "connectors", icon: IconPlugConnected, built: true },
  { id: "veille", icon: IconRss, built: true },
  { id: "curation", icon: IconBookmarks, built: true },
  { id: "inbox", icon: IconInbox, built: false },
  { id: "listening", icon: IconEar, built: false },
  { id: "links", icon: IconLink, built: false },
  { id: "analytics", icon: IconChartBar, built: false },
  { id: "reports", icon: IconReportAnalytics, built: false },
  { id: "contests", icon: IconTrophy, built: false },
  { id: "notebook", icon: IconNotebook, built: false },
  { id: "settings", icon: IconSettings, built: true },
];

export const DEFAULT_MODULE = "calendar";
