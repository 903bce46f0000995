import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Role } from "../api/types";

const colors: Record<Role, string> = {
  owner: "grape",
  manager: "indigo",
  editor: "blue",
  reviewer: "teal",
  viewer: "gray",
};

export function RoleBadge({ role }: { role: Role }) {
  const { t } = useTranslation();
  return (
    <Badge color={colors[role]} variant="light">
      {t(`roles.${role}`)}
    </Badge>
  );
}
