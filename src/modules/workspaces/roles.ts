import type { Role } from "../../db/schema.js";

/** Roles from most to least powerful. A role includes every permission of the roles after it. */
export const ROLES: readonly Role[] = ["owner", "manager", "editor", "reviewer", "viewer"] as const;

const rank: Record<Role, number> = { owner: 5, manager: 4, editor: 3, reviewer: 2, viewer: 1 };

export function atLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min];
}

/** What each action needs. Routes name the action, never a role, so the matrix lives in one place. */
export const permissions = {
  "workspace.read": "viewer",
  "workspace.update": "manager",
  "workspace.delete": "owner",
  "members.read": "viewer",
  "members.manage": "manager",
  "audit.read": "manager",
  "accounts.read": "viewer",
  "accounts.manage": "manager",
  "posts.read": "viewer",
  "posts.write": "editor",
  "posts.comment": "reviewer",
  "posts.approve": "reviewer",
  "media.read": "viewer",
  "media.write": "editor",
  "publishing.settings": "manager",
  "crisis.toggle": "manager",
  "curation.read": "viewer",
  "curation.write": "editor",
  "alerts.read": "viewer",
  "alerts.write": "editor",
  "veille.read": "viewer",
  "veille.write": "editor",
  "veille.settings": "manager",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof permissions;

/** Only owners grant or take away the owner role; managers manage everyone below them. */
export function canAssign(actor: Role, from: Role | null, to: Role): boolean {
  if (actor === "owner") return true;
  if (actor !== "manager") return false;
  return to !== "owner" && from !== "owner";
}
