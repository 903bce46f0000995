import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Role } from "../../api/types";
import { workspacesKey } from "../workspaces/queries";

export const membersKey = (workspaceId: string) => ["workspaces", workspaceId, "members"] as const;
export const invitationsKey = (workspaceId: string) => ["workspaces", workspaceId, "invitations"] as const;

export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: membersKey(workspaceId),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/members", { params: { path: { workspaceId } } })),
  });
}

export function useInvitations(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: invitationsKey(workspaceId),
    enabled,
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/invitations", { params: { path: { workspaceId } } })),
  });
}

/** Member and invitation changes, each refreshing what it affects. */
export function useMemberActions(workspaceId: string) {
  const queryClient = useQueryClient();
  const refreshMembers = () => queryClient.invalidateQueries({ queryKey: membersKey(workspaceId) });
  const refreshInvitations = () => queryClient.invalidateQueries({ queryKey: invitationsKey(workspaceId) });
  return {
    async changeRole(userId: string, role: Role) {
      const m = await unwrap(
        api.PATCH("/api/workspaces/{workspaceId}/members/{userId}", {
          params: { path: { workspaceId, userId } },
          body: { role },
        }),
      );
      await refreshMembers();
      return m;
    },
    async remove(userId: string) {
      await unwrap(
        api.DELETE("/api/workspaces/{workspaceId}/members/{userId}", { params: { path: { workspaceId, userId } } }),
      );
      await refreshMembers();
    },
    /** Leaving: afterwards the workspace is gone from my list. */
    async leave(userId: string) {
      await unwrap(
        api.DELETE("/api/workspaces/{workspaceId}/members/{userId}", { params: { path: { workspaceId, userId } } }),
      );
      queryClient.removeQueries({ queryKey: ["workspaces", workspaceId] });
      await queryClient.invalidateQueries({ queryKey: workspacesKey, exact: true });
    },
    async invite(email: string, role: Role) {
      const r = await unwrap(
        api.POST("/api/workspaces/{workspaceId}/invitations", {
          params: { path: { workspaceId } },
          body: { email, role },
        }),
      );
      await refreshInvitations();
      return r;
    },
    async revoke(invitationId: string) {
      await unwrap(
        api.DELETE("/api/workspaces/{workspaceId}/invitations/{invitationId}", {
          params: { path: { workspaceId, invitationId } },
        }),
      );
      await refreshInvitations();
    },
  };
}
