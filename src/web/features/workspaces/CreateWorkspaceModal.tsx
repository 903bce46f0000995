import { Modal } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { CreateWorkspaceForm } from "./CreateWorkspaceForm";

export function CreateWorkspaceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t("workspaces.createTitle")} centered size="md">
      <CreateWorkspaceForm onDone={onClose} onCancel={onClose} />
    </Modal>
  );
}
