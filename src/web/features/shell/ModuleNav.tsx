import { NavLink, ScrollArea } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { MODULES } from "../modules/modules";

/** Every module of the workspace, in product order. */
export function ModuleNav({ workspaceId, onNavigate }: { workspaceId: string; onNavigate?: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <ScrollArea component="nav" aria-label={t("nav.label")} type="auto" h="100%">
      {MODULES.map((m) => {
        const to = `/w/${workspaceId}/${m.id}`;
        const active = pathname === to || pathname.startsWith(`${to}/`);
        const Icon = m.icon;
        return (
          <NavLink
            key={m.id}
            component={Link}
            to={to}
            label={t(`modules.${m.id}.title`)}
            leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
            active={active}
            aria-current={active ? "page" : undefined}
            onClick={onNavigate}
            variant="light"
            style={{ borderRadius: 6 }}
          />
        );
      })}
    </ScrollArea>
  );
}
