import { ActionIcon, Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Competitor } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { permissionsOf } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { CompetitorForm } from "./CompetitorForm";
import { useCompetitorActions, useCompetitors } from "./competitors-api";

/** Competitors watched for this client: list, add, edit, delete. */
export function CompetitorsTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const { canEdit } = permissionsOf(workspace);
  const list = useCompetitors(workspace.id);
  const actions = useCompetitorActions(workspace.id);
  const [editing, setEditing] = useState<Competitor | "new" | null>(null);
  const [deleting, setDeleting] = useState<Competitor | null>(null);
  const remove = useAction((c: Competitor) => actions.remove(c.id), {
    success: t("competitors.deleted"),
    onSuccess: () => setDeleting(null),
  });
  if (list.isPending) return <PageLoader />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const addButton = canEdit && (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
      {t("competitors.add")}
    </Button>
  );
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t("competitors.title")}
        </Title>
        {list.data.length > 0 && addButton}
      </Group>
      {list.data.length === 0 ? (
        <EmptyState title={t("competitors.emptyTitle")} action={addButton || undefined}>
          {t("competitors.empty")}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {list.data.map((c) => (
            <Card key={c.id} withBorder radius="md" padding="md" component="article">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Stack gap={4} style={{ minWidth: 0 }}>
                  <Title order={3} size="h5">
                    {c.name}
                  </Title>
                  {c.website && (
                    <Anchor href={c.website} target="_blank" rel="noopener noreferrer" size="sm" truncate>
                      {c.website}
                    </Anchor>
                  )}
                </Stack>
                {canEdit && (
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon
                      variant="subtle"
                      aria-label={t("competitors.edit", { name: c.name })}
                      onClick={() => setEditing(c)}
                    >
                      <IconPencil size={16} aria-hidden />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t("competitors.delete", { name: c.name })}
                      onClick={() => setDeleting(c)}
                    >
                      <IconTrash size={16} aria-hidden />
                    </ActionIcon>
                  </Group>
                )}
              </Group>
              {c.handles.length > 0 && (
                <Group gap={6} mt="sm">
                  {c.handles.map((h) => (
                    <Badge key={`${h.network}:${h.handle}`} variant="outline" tt="none">
                      {t(`networks.${h.network}`, { defaultValue: h.network })} · {h.handle}
                    </Badge>
                  ))}
                </Group>
              )}
              {c.notes && (
                <Text size="sm" c="dimmed" mt="sm" style={{ whiteSpace: "pre-wrap" }}>
                  {c.notes}
                </Text>
              )}
            </Card>
          ))}
        </SimpleGrid>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("competitors.add") : t("competitors.editTitle")}
        size="lg"
        centered
      >
        {editing !== null && (
          <CompetitorForm
            workspaceId={workspace.id}
            competitor={editing === "new" ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        loading={remove.isPending}
        title={t("competitors.deleteTitle")}
        message={t("competitors.deleteConfirm", { name: deleting?.name ?? "" })}
        confirmLabel={t("common.delete")}
      />
    </Stack>
  );
}
