import { Alert, Tabs } from "@mantine/core";
import { IconEye } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { PageTitle } from "../../components/PageTitle";
import { RoleBadge } from "../../components/RoleBadge";
import { permissionsOf } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import type { WorkspaceOutletContext } from "../workspaces/WorkspaceLayout";

/** Workspace settings: one tab per sub-page, only the tabs the caller's role can use. */
export function SettingsLayout() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const perms = permissionsOf(workspace);
  const tabs = [
    "profile",
    "brand",
    "competitors",
    "members",
    ...(perms.canReadAudit ? ["audit"] : []),
    ...(perms.canDelete ? ["danger"] : []),
  ];
  const base = `/w/${workspace.id}/settings`;
  const current = pathname.slice(base.length + 1).split("/")[0] ?? "";
  if (!tabs.includes(current)) return <Navigate to={`${base}/profile`} replace />;
  return (
    <>
      <PageTitle
        title={t("settings.title")}
        subtitle={t("settings.subtitle", { name: workspace.name })}
        actions={<RoleBadge role={workspace.role} />}
      />
      {!perms.canEdit && (
        <Alert icon={<IconEye />} color="gray" mb="md" title={t("settings.readOnlyTitle")}>
          {t("settings.readOnly", { role: t(`roles.${workspace.role}`) })}
        </Alert>
      )}
      <Tabs value={current} onChange={(v) => v && navigate(`${base}/${v}`)} keepMounted={false} mb="lg">
        <Tabs.List aria-label={t("settings.tabsLabel")}>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab} value={tab} color={tab === "danger" ? "red" : undefined}>
              {t(`settings.tabs.${tab}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet context={{ workspace } satisfies WorkspaceOutletContext} />
    </>
  );
}
