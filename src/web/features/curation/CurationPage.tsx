import { Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconBookmarkPlus, IconNews, IconPlus, IconWorld } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { formatDate } from "../../components/format";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { bookmarklet, keys, type Topic, topicActions, useTopics } from "./curation-api";

/** Curation home: the topics of the workspace, a new topic, the bookmarklet, and the press reviews. */
export default function CurationPage() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const topics = useTopics(w);
  const [creating, setCreating] = useState(false);
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);

  return (
    <>
      <PageTitle
        title={t("modules.curation.title")}
        subtitle={t("curation.subtitle")}
        actions={
          <Group>
            <Button component={Link} to="reviews" variant="light" leftSection={<IconNews size={16} />}>
              {t("curation.reviews.title")}
            </Button>
            {canEdit && (
              <Button component={Link} to="save" variant="light" leftSection={<IconBookmarkPlus size={16} />}>
                {t("curation.save.title")}
              </Button>
            )}
            {canEdit && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                {t("curation.topics.new")}
              </Button>
            )}
          </Group>
        }
      />
      {topics.isPending ? (
        <PageLoader />
      ) : topics.isError ? (
        <ErrorState error={topics.error} onRetry={() => topics.refetch()} />
      ) : topics.data.length === 0 ? (
        <EmptyState
          title={t("curation.topics.empty")}
          action={
            canEdit && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                {t("curation.topics.new")}
              </Button>
            )
          }
        >
          {t("curation.topics.emptyHint")}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {topics.data.map((topic) => (
            <TopicCard key={topic.id} topic={topic} />
          ))}
        </SimpleGrid>
      )}
      {canEdit && <Bookmarklet workspaceId={w} />}
      <NewTopicModal opened={creating} onClose={() => setCreating(false)} workspaceId={w} />
    </>
  );
}

function TopicCard({ topic }: { topic: Topic }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" component={Link} to={`topics/${topic.id}`} data-testid="topic-card">
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text fw={600} lineClamp={1}>
          {topic.name}
        </Text>
        {topic.isPublic && (
          <Badge leftSection={<IconWorld size={12} />} variant="light" color="teal">
            {t("curation.topics.public")}
          </Badge>
        )}
      </Group>
      {topic.description && (
        <Text size="sm" c="dimmed" lineClamp={2}>
          {topic.description}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        {t("curation.topics.count", { count: topic.entryCount })}
        {topic.lastSavedAt ? ` · ${t("curation.topics.lastSaved", { date: formatDate(topic.lastSavedAt) })}` : ""}
      </Text>
    </Card>
  );
}

export function NewTopicModal({
  opened,
  onClose,
  workspaceId,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
  onCreated?: (topic: Topic) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useAction(() => topicActions.create(workspaceId, { name, description }), {
    success: t("curation.topics.created"),
    onSuccess: async (topic) => {
      await qc.invalidateQueries({ queryKey: keys.topics(workspaceId) });
      setName("");
      setDescription("");
      onClose();
      if (onCreated) onCreated(topic);
      else navigate(`/w/${workspaceId}/curation/topics/${topic.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t("curation.topics.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined);
        }}
      >
        <Stack>
          <TextInput
            label={t("curation.topics.name")}
            placeholder={t("curation.topics.namePlaceholder")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            maxLength={120}
            data-autofocus
          />
          <Textarea
            label={t("curation.topics.description")}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={2000}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              {t("curation.topics.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The bookmarklet to drag to the bookmarks bar: saves the page being read into a topic. */
function Bookmarklet({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    ref.current?.setAttribute("href", bookmarklet(window.location.origin, workspaceId));
  }, [workspaceId]);
  return (
    <Card withBorder radius="md" mt="xl" bg="var(--mantine-color-gray-0)">
      <Stack gap={4}>
        <Text fw={600}>{t("curation.bookmarklet.title")}</Text>
        <Text size="sm" c="dimmed">
          {t("curation.bookmarklet.hint")}
        </Text>
        <Group>
          <Anchor
            ref={ref}
            onClick={(e) => e.preventDefault()}
            data-testid="bookmarklet"
            style={{
              border: "1px dashed var(--mantine-color-blue-5)",
              borderRadius: 6,
              padding: "4px 10px",
              cursor: "grab",
            }}
          >
            {t("curation.bookmarklet.label")}
          </Anchor>
        </Group>
      </Stack>
    </Card>
  );
}
