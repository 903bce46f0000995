import type { components, paths } from "./schema";

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

/**
 * What a route takes and answers, read from the generated `paths` for shapes that have no named schema
 * (inline request bodies, query strings, list answers): `RequestBody<"/api/…", "post">`,
 * `QueryOf<"/api/…">` (its GET query), `ResponseBody<"/api/…", "get", 200>`.
 */
type JsonContent<T> = T extends { content: { "application/json": infer B } } ? B : never;
export type RequestBody<P extends keyof paths, M extends "post" | "put" | "patch"> = paths[P][M] extends {
  requestBody?: infer R;
}
  ? JsonContent<NonNullable<R>>
  : never;
export type QueryOf<P extends keyof paths> = paths[P]["get"] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;
export type ResponseBody<
  P extends keyof paths,
  M extends "get" | "post" | "put" | "patch" | "delete",
  S extends number,
> = paths[P][M] extends { responses: infer R } ? (S extends keyof R ? JsonContent<R[S]> : never) : never;

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
