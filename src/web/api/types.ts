import type { components } from "./schema";

type S = components["schemas"];
export type User = S["User"];
export type Session = S["Session"];
export type Workspace = S["Workspace"];
export type Role = S["Role"];
export type Competitor = S["Competitor"];
export type Member = S["Member"];
export type Invitation = S["Invitation"];
export type InvitationPreview = S["InvitationPreview"];
export type AuditEntry = S["AuditEntry"];
export type ApiToken = S["ApiToken"];
export type Locale = User["locale"];

export const ROLES: readonly Role[] = ["owner", "manager", "editor", "reviewer", "viewer"];
export const LOCALES: readonly Locale[] = ["fr", "en"];
/** The networks a competitor handle can be on (src/modules/workspaces/workspaces.schema.ts NETWORKS). */
export const NETWORKS = [
  "bluesky",
  "mastodon",
  "x",
  "facebook",
  "instagram",
  "linkedin",
  "youtube",
  "tiktok",
  "pinterest",
  "threads",
  "other",
] as const;
export type Network = (typeof NETWORKS)[number];
