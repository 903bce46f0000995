import { useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import type { Workspace } from "../../api/types";
import { workspaceKey, workspacesKey } from "../workspaces/queries";

export type WorkspacePatch = NonNullable<
  paths["/api/workspaces/{workspaceId}"]["patch"]["requestBody"]
>["content"]["application/json"];

/** PATCHes the workspace and refreshes every cached copy of it. */
export function useUpdateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return async (body: WorkspacePatch): Promise<Workspace> => {
    const ws = await unwrap(api.PATCH("/api/workspaces/{workspaceId}", { params: { path: { workspaceId } }, body }));
    queryClient.setQueryData(workspaceKey(workspaceId), ws);
    await queryClient.invalidateQueries({ queryKey: workspacesKey, exact: true });
    return ws;
  };
}
