import { Alert, Anchor, Stack } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useParams } from "react-router";
import { isApiError } from "../../api/errors";
import type { Workspace } from "../../api/types";
import { ErrorState, PageLoader } from "../../components/PageState";
import { rememberWorkspace, useWorkspace } from "./queries";

export interface WorkspaceOutletContext {
  workspace: Workspace;
}

/** Loads the workspace of the URL, remembers it as the last one used, and renders its pages. */
export function WorkspaceLayout() {
  const { t } = useTranslation();
  const { workspaceId = "" } = useParams();
  const query = useWorkspace(workspaceId);
  useEffect(() => {
    if (query.data) rememberWorkspace(query.data.id);
  }, [query.data]);
  if (query.isPending) return <PageLoader />;
  if (query.isError) {
    if (isApiError(query.error) && [400, 403, 404].includes(query.error.status)) {
      return (
        <Alert color="orange" icon={<IconAlertTriangle />} title={t("workspaces.notFoundTitle")} role="alert">
          <Stack gap="xs">
            {query.error.message}
            <Anchor component={Link} to="/">
              {t("workspaces.backHome")}
            </Anchor>
          </Stack>
        </Alert>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  return <Outlet context={{ workspace: query.data } satisfies WorkspaceOutletContext} />;
}
