import { Avatar, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { IconChevronDown, IconKey, IconLogout, IconUser } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { notifyError } from "../../components/notify";
import { useCurrentSession } from "../auth/RequireAuth";
import { useLogout } from "../auth/session";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase())
    .join("");
}

export function UserMenu() {
  const { t } = useTranslation();
  const { user } = useCurrentSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const signOut = async () => {
    try {
      await logout();
    } catch (e) {
      notifyError(e);
    }
    navigate("/login", { replace: true });
  };
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={t("userMenu.label", { name: user.name })} p={4} style={{ borderRadius: 8 }}>
          <Group gap="xs" wrap="nowrap">
            <Avatar color="indigo" radius="xl" size="sm" aria-hidden>
              {initials(user.name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" truncate maw={160}>
              {user.name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item component={Link} to="/account" leftSection={<IconUser size={14} aria-hidden />}>
          {t("userMenu.account")}
        </Menu.Item>
        <Menu.Item component={Link} to="/account/password" leftSection={<IconKey size={14} aria-hidden />}>
          {t("userMenu.password")}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={14} aria-hidden />} onClick={signOut}>
          {t("userMenu.logout")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
