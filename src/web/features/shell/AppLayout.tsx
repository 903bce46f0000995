import { AppShell, Burger, Group, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useMatch } from "react-router";
import { NotificationBell } from "../notifications/NotificationBell";
import { LanguageSwitch } from "./LanguageSwitch";
import { ModuleNav } from "./ModuleNav";
import { UserMenu } from "./UserMenu";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

/** The signed-in frame: header (workspace switcher, language, user menu) and, inside a workspace, the modules. */
export function AppLayout() {
  const { t } = useTranslation();
  const match = useMatch("/w/:workspaceId/*");
  const workspaceId = match?.params.workspaceId;
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={workspaceId ? { width: 270, breakpoint: "sm", collapsed: { mobile: !opened } } : undefined}
      padding="lg"
    >
      <AppShell.Header>
        <a href="#main" className="skip-link">
          {t("nav.skip")}
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            {workspaceId && (
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.toggle")} />
            )}
            <Text component={Link} to="/" fw={700} size="lg" c="indigo.7" style={{ textDecoration: "none" }}>
              Relais
            </Text>
            <WorkspaceSwitcher currentId={workspaceId} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <NotificationBell />
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      {workspaceId && (
        <AppShell.Navbar p="sm">
          <ModuleNav workspaceId={workspaceId} onNavigate={close} />
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
