import { Button, Menu, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconBuildingStore, IconCheck, IconPlus, IconSelector } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";
import { RoleBadge } from "../../components/RoleBadge";
import { useCurrentSession } from "../auth/RequireAuth";
import { DEFAULT_MODULE } from "../modules/modules";
import { CreateWorkspaceModal } from "../workspaces/CreateWorkspaceModal";
import { useWorkspaces } from "../workspaces/queries";

/** Lists my workspaces; switching keeps the current module. Also the entry to create one. */
export function WorkspaceSwitcher({ currentId }: { currentId: string | undefined }) {
  const { t } = useTranslation();
  const { user } = useCurrentSession();
  const workspaces = useWorkspaces();
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, { open, close }] = useDisclosure(false);
  const current = workspaces.data?.find((w) => w.id === currentId);
  const moduleSegment = currentId ? location.pathname.split("/")[3] || DEFAULT_MODULE : DEFAULT_MODULE;
  return (
    <>
      <Menu position="bottom-start" width={300} shadow="md">
        <Menu.Target>
          <Button
            variant="default"
            leftSection={<IconBuildingStore size={16} aria-hidden />}
            rightSection={<IconSelector size={16} aria-hidden />}
            aria-label={t("switcher.label", { name: current?.name ?? t("switcher.none") })}
            maw={280}
            data-testid="workspace-switcher"
          >
            <Text truncate size="sm" fw={500}>
              {current?.name ?? t("switcher.choose")}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t("switcher.title")}</Menu.Label>
          {workspaces.isPending && <Menu.Item disabled>{t("common.loading")}</Menu.Item>}
          {workspaces.data?.length === 0 && <Menu.Item disabled>{t("switcher.empty")}</Menu.Item>}
          {workspaces.data?.map((w) => (
            <Menu.Item
              key={w.id}
              data-testid="workspace-option"
              leftSection={w.id === currentId ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />}
              rightSection={<RoleBadge role={w.role} />}
              onClick={() => navigate(`/w/${w.id}/${moduleSegment}`)}
            >
              {w.name}
            </Menu.Item>
          ))}
          {user.canCreateWorkspaces && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPlus size={14} aria-hidden />} onClick={open}>
                {t("workspaces.createEntry")}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <CreateWorkspaceModal opened={creating} onClose={close} />
    </>
  );
}
