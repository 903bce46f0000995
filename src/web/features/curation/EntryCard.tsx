import { ActionIcon, Anchor, Badge, Box, Card, Group, Image, Stack, Text, Tooltip } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconPencil, IconShare, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDate } from "../../components/format";
import { type Entry, shareUrl } from "./curation-api";

/** One saved link as a card: image, title, source, the CM's insight, tags; and its actions. */
export function EntryCard({
  entry,
  workspaceId,
  canEdit,
  onEdit,
  onRemove,
  onMove,
  first,
  last,
}: {
  entry: Entry;
  workspaceId: string;
  canEdit: boolean;
  onEdit: () => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
  first: boolean;
  last: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" p={0} data-testid="entry-card">
      <Group align="stretch" gap={0} wrap="nowrap">
        {entry.imageUrl && (
          <Box w={180} miw={180} visibleFrom="sm">
            <Image src={entry.imageUrl} h="100%" mih={130} fit="cover" alt="" referrerPolicy="no-referrer" />
          </Box>
        )}
        <Stack gap={6} p="md" style={{ flex: 1, minWidth: 0 }}>
          <Anchor
            href={entry.url}
            target="_blank"
            rel="noopener noreferrer"
            fw={600}
            style={{ overflowWrap: "anywhere" }}
          >
            {entry.title}
          </Anchor>
          <Text size="xs" c="dimmed">
            {entry.sourceName}
            {entry.publishedAt ? ` · ${formatDate(entry.publishedAt)}` : ""}
            {` · ${t("curation.entries.savedOn", { date: formatDate(entry.createdAt) })}`}
          </Text>
          {entry.insight && (
            <Text
              size="sm"
              style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid var(--mantine-color-blue-5)", paddingLeft: 10 }}
              data-testid="entry-insight"
            >
              {entry.insight}
            </Text>
          )}
          {entry.description && (
            <Text size="sm" c="dimmed" lineClamp={3}>
              {entry.description}
            </Text>
          )}
          <Group justify="space-between" mt={4}>
            <Group gap={4}>
              {entry.tags.map((tag) => (
                <Badge key={tag} variant="light" size="sm">
                  #{tag}
                </Badge>
              ))}
            </Group>
            <Group gap={2}>
              <Tooltip label={t("curation.entries.share")}>
                <ActionIcon
                  component={Link}
                  to={shareUrl(workspaceId, entry)}
                  variant="subtle"
                  aria-label={t("curation.entries.share")}
                >
                  <IconShare size={16} />
                </ActionIcon>
              </Tooltip>
              {canEdit && (
                <>
                  <Tooltip label={t("curation.entries.up")}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={first}
                      onClick={() => onMove(-1)}
                      aria-label={t("curation.entries.up")}
                    >
                      <IconArrowUp size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t("curation.entries.down")}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={last}
                      onClick={() => onMove(1)}
                      aria-label={t("curation.entries.down")}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t("curation.entries.edit")}>
                    <ActionIcon variant="subtle" color="gray" onClick={onEdit} aria-label={t("curation.entries.edit")}>
                      <IconPencil size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t("common.delete")}>
                    <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t("common.delete")}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </>
              )}
            </Group>
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}
