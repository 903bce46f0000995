import { Button } from "@mantine/core";
import { IconTrashX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useAction } from "../../components/use-action";
import { keys, postActions } from "../publishing/publishing-api";

/**
 * « Retirer du réseau » on a published copy (the server says which are `removable`): asks first, then deletes
 * it — a whole thread — from the network. Relais keeps the history; the copy then shows when it was removed.
 */
export function TakeDown({
  workspaceId,
  postId,
  targetId,
  accountName,
}: {
  workspaceId: string;
  postId: string;
  targetId: string;
  accountName: string;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useAction(() => postActions.removeFromNetwork(workspaceId, postId, targetId), {
    success: t("composer.takeDown.done"),
    onSuccess: async () => {
      setAsking(false);
      await qc.invalidateQueries({ queryKey: keys.post(workspaceId, postId) });
      await qc.invalidateQueries({ queryKey: keys.calendar(workspaceId) });
    },
  });
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        leftSection={<IconTrashX size={14} />}
        aria-label={t("composer.takeDown.aria", { account: accountName })}
        onClick={() => setAsking(true)}
      >
        {t("composer.takeDown.button")}
      </Button>
      <ConfirmDialog
        opened={asking}
        onClose={() => setAsking(false)}
        onConfirm={() => remove.mutate(undefined)}
        loading={remove.isPending}
        title={t("composer.takeDown.title", { account: accountName })}
        message={t("composer.takeDown.message")}
        confirmLabel={t("composer.takeDown.confirm")}
      />
    </>
  );
}
