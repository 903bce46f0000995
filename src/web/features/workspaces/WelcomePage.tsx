import { Alert, Paper, Stack, Text } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "../../components/PageTitle";
import { useCurrentSession } from "../auth/RequireAuth";
import { CreateWorkspaceForm } from "./CreateWorkspaceForm";

/**
 * For a user without any workspace: create the first one, or learn that an invitation is needed. It does
 * not redirect once a workspace exists: creating one navigates to it, and a redirect racing that
 * navigation would win.
 */
export function WelcomePage() {
  const { t } = useTranslation();
  const { user } = useCurrentSession();
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
