import { Navigate } from "react-router";
import { ErrorState, PageLoader } from "../../components/PageState";
import { DEFAULT_MODULE } from "../modules/modules";
import { lastWorkspace, useWorkspaces } from "./queries";

/** "/" opens the last workspace used, else the first one, else the welcome page. */
export function HomeRedirect() {
  const workspaces = useWorkspaces();
  if (workspaces.isPending) return <PageLoader />;
  if (workspaces.isError) return <ErrorState error={workspaces.error} onRetry={() => workspaces.refetch()} />;
  const list = workspaces.data;
  const last = lastWorkspace();
  const target = list.find((w) => w.id === last) ?? list[0];
  return <Navigate to={target ? `/w/${target.id}/${DEFAULT_MODULE}` : "/welcome"} replace />;
}
