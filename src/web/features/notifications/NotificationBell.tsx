import {
  ActionIcon,
  Anchor,
  Button,
  Divider,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { IconBell } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import type { RequestBody } from "../../api/types";
import { formatDateTime } from "../../components/format";
import { useAction } from "../../components/use-action";
import { keys, useNotifications } from "../publishing/publishing-api";
import type { AppNotification } from "../publishing/types";

/** Marks some of my notifications (ids) or all of them (all: true) read. */
const markAsRead = (body: RequestBody<"/api/notifications/read", "post">) =>
  unwrap(api.POST("/api/notifications/read", { body }));

/** The bell in the header: unread count, the latest notifications, mark as read. */
export function NotificationBell() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const list = useNotifications();
  const refresh = () => qc.invalidateQueries({ queryKey: keys.notifications });
  const markRead = useAction((n: AppNotification) => markAsRead({ ids: [n.id] }), { onSuccess: refresh });
  const markAll = useAction(() => markAsRead({ all: true }), { onSuccess: refresh });
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];
  const openItem = (n: AppNotification) => {
    if (!n.read) markRead.mutate(n);
    const link = n.url ?? undefined;
    if (link) {
      setOpen(false);
      const url = new URL(link, window.location.origin);
      if (url.origin === window.location.origin) navigate(url.pathname + url.search);
      else window.location.assign(link);
    }
  };
  return (
    <Popover opened={open} onChange={setOpen} width={380} position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <Indicator label={unread > 99 ? "99+" : unread} size={16} disabled={unread === 0} color="red" offset={4}>
          <ActionIcon
            variant="subtle"
            size="lg"
            onClick={() => setOpen((o) => !o)}
            aria-label={t("notifications.bell", { count: unread })}
            aria-expanded={open}
          >
            <IconBell size={20} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" p="sm">
          <Text fw={600}>{t("notifications.title")}</Text>
          {unread > 0 && (
            <Button
              size="compact-xs"
              variant="subtle"
              loading={markAll.isPending}
              onClick={() => markAll.mutate(undefined)}
            >
              {t("notifications.markAll")}
            </Button>
          )}
        </Group>
        <Divider />
        <ScrollArea.Autosize mah={420}>
          {list.isError ? (
            <Text size="sm" c="red.8" p="sm">
              {t("errors.loadFailed")}
            </Text>
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed" p="sm">
              {t("notifications.empty")}
            </Text>
          ) : (
            <Stack gap={0}>
              {items.map((n) => (
                <UnstyledButton
                  key={n.id}
                  p="sm"
                  onClick={() => openItem(n)}
                  style={{
                    borderBottom: "1px solid var(--mantine-color-gray-2)",
                    background: n.read ? undefined : "var(--mantine-color-blue-0)",
                  }}
                >
                  <Text size="sm" fw={n.read ? 400 : 600}>
                    {n.title || t(`notifications.kinds.${n.kind}`, { defaultValue: n.kind })}
                  </Text>
                  {n.body && (
                    <Text size="xs" c="dimmed" lineClamp={3}>
                      {n.body}
                    </Text>
                  )}
                  <Group justify="space-between">
                    <Text size="xs" c="dimmed">
                      {formatDateTime(n.createdAt)}
                    </Text>
                    {!n.read && (
                      <Anchor
                        component="span"
                        size="xs"
                        onClick={(e) => {
                          e.stopPropagation();
                          markRead.mutate(n);
                        }}
                      >
                        {t("notifications.markRead")}
                      </Anchor>
                    )}
                  </Group>
                </UnstyledButton>
              ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
