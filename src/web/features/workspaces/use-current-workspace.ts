import { useOutletContext } from "react-router";
import type { WorkspaceOutletContext } from "./WorkspaceLayout";

/** The workspace of the current /w/:workspaceId route. */
export function useCurrentWorkspace() {
  return useOutletContext<WorkspaceOutletContext>().workspace;
}
