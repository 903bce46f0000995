import { Alert, Paper, Stack, Text } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useCurrentSession } from "../auth/RequireAuth";
import { CreateWorkspaceForm } from "./CreateWorkspaceForm";
import { useWorkspaces } from "./queries";

/** For a user without any workspace: create the first one, or learn that an invitation is needed. */
export function WelcomePage() {
  const { t } = useTranslation();
  const { user } = useCurrentSession();
  const workspaces = useWorkspaces();
  if (workspaces.isPending) return <PageLoader />;
  if (workspaces.isError) return <ErrorState error={workspaces.error} onRetry={() => workspaces.refetch()} />;
  if (workspaces.data.length > 0) return <Navigate to="/" replace />;
  return (
    <Stack maw={560} mx="auto" py="lg">
      <PageTitle title={t("welcome.title", { name: user.name })} subtitle={t("welcome.subtitle")} />
      {user.canCreateWorkspaces ? (
        <Paper withBorder p="lg" radius="md">
          <Stack>
            <Text>{t("welcome.createIntro")}</Text>
            <CreateWorkspaceForm />
          </Stack>
        </Paper>
      ) : (
        <Alert icon={<IconInfoCircle />} title={t("welcome.noWorkspaceTitle")}>
          {t("welcome.noWorkspace")}
        </Alert>
      )}
    </Stack>
  );
}
