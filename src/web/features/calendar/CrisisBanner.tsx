import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertOctagon, IconPlayerPause } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatDateTime } from "../../components/format";
import { notifySuccess } from "../../components/notify";
import { useAction } from "../../components/use-action";
import { keys } from "../publishing/publishing-api";
import { workspaceKey } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";

type Crisis = { pausedAt: string; reason: string | null } | null;

/** The crisis switch: a banner while every scheduled post is paused, and the toggle for managers. */
export function CrisisBanner({ variant }: { variant: "banner" | "toggle" }) {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace() as ReturnType<typeof useCurrentWorkspace> & { crisis?: Crisis };
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const canToggle = ["owner", "manager"].includes(workspace.role);
  const toggle = useAction(
    (paused: boolean) =>
      unwrap(
        api.POST("/api/workspaces/{workspaceId}/crisis", {
          params: { path: { workspaceId: workspace.id } },
          body: paused ? { paused, reason: reason.trim() || null } : { paused },
        }),
      ),
    {
      onSuccess: async (_r, paused) => {
        setOpen(false);
        setReason("");
        await qc.invalidateQueries({ queryKey: workspaceKey(workspace.id) });
        await qc.invalidateQueries({ queryKey: keys.calendar(workspace.id) });
        notifySuccess(t(paused ? "crisis.pausedDone" : "crisis.resumedDone"));
      },
    },
  );
  const crisis = workspace.crisis;
  if (crisis) {
    if (variant === "toggle") return null;
    return (
      <Alert
        color="red"
        variant="filled"
        icon={<IconAlertOctagon />}
        title={t("crisis.bannerTitle")}
        mb="md"
        role="alert"
      >
        <Group justify="space-between" align="flex-end">
          <Stack gap={2}>
            <Text size="sm">
              {t("crisis.bannerText", { date: formatDateTime(crisis.pausedAt, workspace.timezone) })}
            </Text>
            {crisis.reason && <Text size="sm">{t("crisis.reason", { reason: crisis.reason })}</Text>}
          </Stack>
          {canToggle && (
            <Button
              color="white"
              variant="white"
              c="red"
              loading={toggle.isPending}
              onClick={() => toggle.mutate(false)}
            >
              {t("crisis.resume")}
            </Button>
          )}
        </Group>
      </Alert>
    );
  }
  if (!canToggle || variant === "banner") return null;
  return (
    <>
      <Button
        variant="subtle"
        color="red"
        size="xs"
        leftSection={<IconPlayerPause size={14} />}
        onClick={() => setOpen(true)}
      >
        {t("crisis.pause")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("crisis.confirmTitle")}>
        <Stack>
          <Text size="sm">{t("crisis.confirmText")}</Text>
          <TextInput
            label={t("crisis.reasonLabel")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button color="red" loading={toggle.isPending} onClick={() => toggle.mutate(true)}>
              {t("crisis.pause")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
