import { Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useAction } from "../../components/use-action";
import { workspacesKey } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";

/** Deleting the workspace (owner only), confirmed by typing its name. */
export function DangerZoneTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(
    () => unwrap(api.DELETE("/api/workspaces/{workspaceId}", { params: { path: { workspaceId: workspace.id } } })),
    {
      success: t("danger.deleted", { name: workspace.name }),
      onSuccess: async () => {
        setConfirming(false);
        queryClient.removeQueries({ queryKey: ["workspaces", workspace.id] });
        await queryClient.invalidateQueries({ queryKey: workspacesKey, exact: true });
        navigate("/", { replace: true });
      },
    },
  );
  return (
    <Paper withBorder p="lg" radius="md" maw={720} style={{ borderColor: "var(--mantine-color-red-4)" }}>
      <Stack>
        <Title order={2} size="h4" c="red.7">
          {t("danger.title")}
        </Title>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text size="sm">{t("danger.explain")}</Text>
          <Button color="red" onClick={() => setConfirming(true)} style={{ flexShrink: 0 }}>
            {t("danger.delete")}
          </Button>
        </Group>
      </Stack>
      <ConfirmDialog
        opened={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined)}
        loading={remove.isPending}
        title={t("danger.confirmTitle")}
        message={t("danger.confirm", { name: workspace.name })}
        confirmLabel={t("danger.deleteForever")}
        requireText={workspace.name}
      />
    </Paper>
  );
}
