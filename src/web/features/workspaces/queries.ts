import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Role, Workspace } from "../../api/types";

export const workspacesKey = ["workspaces"] as const;
export const workspaceKey = (id: string) => ["workspaces", id] as const;

export function useWorkspaces() {
  return useQuery({ queryKey: workspacesKey, queryFn: () => unwrap(api.GET("/api/workspaces")) });
}

export function useWorkspace(workspaceId: string) {
  return useQuery({
    queryKey: workspaceKey(workspaceId),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}", { params: { path: { workspaceId } } })),
  });
}

const rank: Record<Role, number> = { owner: 5, manager: 4, editor: 3, reviewer: 2, viewer: 1 };

/** Mirrors the server's role ladder (src/modules/workspaces/roles.ts); the server still decides. */
export function atLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min];
}

/** What the caller may do in a workspace, for showing or hiding controls. */
export function permissionsOf(ws: Pick<Workspace, "role">) {
  return {
    canEdit: atLeast(ws.role, "manager"),
    canManageMembers: atLeast(ws.role, "manager"),
    canReadAudit: atLeast(ws.role, "manager"),
    canDelete: ws.role === "owner",
  };
}

/** Only owners grant or take away the owner role; managers manage everyone below them. */
export function canAssign(actor: Role, from: Role | null, to: Role): boolean {
  if (actor === "owner") return true;
  if (actor !== "manager") return false;
  return to !== "owner" && from !== "owner";
}

const LAST_KEY = "relais.lastWorkspace";

export function rememberWorkspace(id: string): void {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    // Not remembered in private mode; harmless.
  }
}

export function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}
