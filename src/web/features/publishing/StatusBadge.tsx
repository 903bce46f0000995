import { Badge, type MantineSize } from "@mantine/core";
import { useTranslation } from "react-i18next";

export const STATUS_COLORS: Record<string, string> = {
  draft: "gray",
  in_review: "yellow",
  changes_requested: "orange",
  approved: "lime",
  scheduled: "blue",
  pending: "gray",
  publishing: "cyan",
  published: "teal",
  partially_published: "orange",
  failed: "red",
  unconfirmed: "red",
  missed: "red",
  cancelled: "gray",
};

/** Statuses that need someone to act (shown highlighted in the calendar). */
export const ATTENTION = new Set(["failed", "unconfirmed", "missed", "partially_published"]);

export function StatusBadge({ status, size = "sm" }: { status: string; size?: MantineSize }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[status] ?? "gray"} variant={ATTENTION.has(status) ? "filled" : "light"} size={size}>
      {t(`postStatus.${status}`, { defaultValue: status })}
    </Badge>
  );
}
