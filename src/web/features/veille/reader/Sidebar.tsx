import { ActionIcon, Badge, Button, FileButton, Group, NavLink, Stack, Text, Tooltip } from "@mantine/core";
import {
  IconAlertTriangle,
  IconDownload,
  IconFolder,
  IconFolderPlus,
  IconInbox,
  IconRss,
  IconStar,
  IconTrash,
  IconUpload,
} from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { Feed, FeedList } from "../veille-api";

export type Selection =
  | { kind: "all" }
  | { kind: "starred" }
  | { kind: "folder"; id: string }
  | { kind: "feed"; id: string };

function Count({ n, testId }: { n: number; testId?: string }) {
  return n > 0 ? (
    <Badge size="sm" variant="light" data-testid={testId}>
      {n}
    </Badge>
  ) : null;
}

function FeedLink({ feed, active, onSelect }: { feed: Feed; active: boolean; onSelect: () => void }) {
  const { t } = useTranslation();
  return (
    <NavLink
      data-testid="feed-link"
      data-feed-title={feed.title}
      active={active}
      onClick={onSelect}
      label={
        <Text size="sm" lineClamp={1} c={feed.goneAt ? "dimmed" : undefined}>
          {feed.title || feed.url}
        </Text>
      }
      leftSection={
        feed.lastError ? (
          <Tooltip label={feed.lastError.message} multiline w={260}>
            <IconAlertTriangle size={16} color="var(--mantine-color-red-6)" aria-label={t("veille.feedInError")} />
          </Tooltip>
        ) : (
          <IconRss size={16} color="var(--mantine-color-orange-6)" />
        )
      }
      rightSection={<Count n={feed.unread} />}
    />
  );
}

export function Sidebar({
  list,
  selection,
  onSelect,
  canEdit,
  onNewFolder,
  onDeleteFolder,
  onImportOpml,
  exportUrl,
}: {
  list: FeedList;
  selection: Selection;
  onSelect: (s: Selection) => void;
  canEdit: boolean;
  onNewFolder: () => void;
  onDeleteFolder: (id: string, name: string) => void;
  onImportOpml: (file: File) => void;
  exportUrl: string;
}) {
  const { t } = useTranslation();
  const loose = list.feeds.filter((f) => !f.folderId);
  const is = (kind: Selection["kind"], id?: string) =>
    selection.kind === kind && (!id || ("id" in selection && selection.id === id));
  return (
    <Stack gap={2} data-testid="veille-sidebar">
      <NavLink
        active={is("all")}
        onClick={() => onSelect({ kind: "all" })}
        label={t("veille.allItems")}
        leftSection={<IconInbox size={16} />}
        rightSection={<Count n={list.unread} testId="unread-total" />}
      />
      <NavLink
        active={is("starred")}
        onClick={() => onSelect({ kind: "starred" })}
        label={t("veille.starred")}
        leftSection={<IconStar size={16} />}
      />
      <Group justify="space-between" mt="sm" px="xs">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase">
          {t("veille.folders")}
        </Text>
        {canEdit && (
          <Tooltip label={t("veille.newFolder")}>
            <ActionIcon variant="subtle" size="sm" onClick={onNewFolder} aria-label={t("veille.newFolder")}>
              <IconFolderPlus size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {list.folders.map((folder) => (
        <NavLink
          key={folder.id}
          data-testid="folder-link"
          active={is("folder", folder.id)}
          label={folder.name}
          leftSection={<IconFolder size={16} />}
          rightSection={
            <Group gap={4} wrap="nowrap">
              <Count n={folder.unread} />
              {canEdit && (
                <ActionIcon
                  variant="subtle"
                  size="xs"
                  color="gray"
                  aria-label={t("veille.deleteFolder", { name: folder.name })}
                  onClick={(e) => {
                    e.stopPropagation();
                    onDeleteFolder(folder.id, folder.name);
                  }}
                >
                  <IconTrash size={12} />
                </ActionIcon>
              )}
            </Group>
          }
          onClick={() => onSelect({ kind: "folder", id: folder.id })}
          // Always open: selecting a folder must not hide its feeds (a NavLink with children toggles on click).
          opened
          disableRightSectionRotation
          childrenOffset={12}
        >
          {list.feeds
            .filter((f) => f.folderId === folder.id)
            .map((f) => (
              <FeedLink
                key={f.id}
                feed={f}
                active={is("feed", f.id)}
                onSelect={() => onSelect({ kind: "feed", id: f.id })}
              />
            ))}
        </NavLink>
      ))}
      {list.folders.length === 0 && (
        <Text size="xs" c="dimmed" px="xs">
          {t("veille.noFolders")}
        </Text>
      )}
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="sm" px="xs">
        {t("veille.feeds")}
      </Text>
      {loose.map((f) => (
        <FeedLink key={f.id} feed={f} active={is("feed", f.id)} onSelect={() => onSelect({ kind: "feed", id: f.id })} />
      ))}
      {list.feeds.length === 0 && (
        <Text size="xs" c="dimmed" px="xs">
          {t("veille.noFeeds")}
        </Text>
      )}
      <Group gap="xs" mt="md" px="xs">
        {canEdit && (
          <FileButton onChange={(file) => file && onImportOpml(file)} accept=".opml,.xml,text/xml,text/x-opml">
            {(props) => (
              <Button {...props} size="compact-xs" variant="default" leftSection={<IconUpload size={12} />}>
                {t("veille.opml.import")}
              </Button>
            )}
          </FileButton>
        )}
        <Button
          component="a"
          href={exportUrl}
          download
          size="compact-xs"
          variant="default"
          leftSection={<IconDownload size={12} />}
        >
          {t("veille.opml.export")}
        </Button>
      </Group>
    </Stack>
  );
}
