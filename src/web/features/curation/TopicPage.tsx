import { Anchor, Button, Card, Group, Modal, Stack, Switch, TagsInput, Text, Textarea, TextInput } from "@mantine/core";
import { IconArrowLeft, IconLink, IconRefresh } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyField } from "../../components/CopyField";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { type Entry, entryActions, keys, type Topic, topicActions, useEntries, useTopic } from "./curation-api";
import { EntryCard } from "./EntryCard";

/** One topic: its entries as cards, a quick "add a link" form, publishing (page + feeds), deletion. */
export default function TopicPage() {
  const { t } = useTranslation();
  const { topicId = "" } = useParams();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const topic = useTopic(w, topicId);
  const entries = useEntries(w, topicId);
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const [editing, setEditing] = useState<Entry | null>(null);
  const [removing, setRemoving] = useState<Entry | null>(null);
  const [deleting, setDeleting] = useState(false);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: keys.entries(w, topicId) });
    await qc.invalidateQueries({ queryKey: keys.topics(w) });
  };

  const move = useAction(
    ({ list, index, delta }: { list: Entry[]; index: number; delta: -1 | 1 }) => {
      const ids = list.map((e) => e.id);
      const [moved] = ids.splice(index, 1);
      ids.splice(index + delta, 0, moved as string);
      return entryActions.reorder(w, topicId, ids);
    },
    { onSuccess: (list) => void qc.setQueryData(keys.entries(w, topicId), list) },
  );
  const remove = useAction((e: Entry) => entryActions.remove(w, topicId, e.id), {
    success: t("curation.entries.removed"),
    onSuccess: async () => {
      setRemoving(null);
      await refresh();
    },
  });
  const deleteTopic = useAction(() => topicActions.remove(w, topicId), {
    success: t("curation.topics.deleted"),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.topics(w) });
      navigate(`/w/${w}/curation`);
    },
  });

  if (topic.isPending) return <PageLoader />;
  if (topic.isError) return <ErrorState error={topic.error} onRetry={() => topic.refetch()} />;
  const list = entries.data ?? [];

  return (
    <>
      <Anchor component={Link} to={`/w/${w}/curation`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("curation.topics.all")}
        </Group>
      </Anchor>
      <PageTitle
        title={topic.data.name}
        subtitle={topic.data.description || undefined}
        actions={
          <Group>
            <Button component={Link} to={`/w/${w}/curation/reviews?topic=${topicId}`} variant="light">
              {t("curation.reviews.build")}
            </Button>
            {canEdit && (
              <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
                {t("curation.topics.delete")}
              </Button>
            )}
          </Group>
        }
      />
      <Stack gap="lg">
        {canEdit && <AddLinkForm workspaceId={w} topicId={topicId} onSaved={refresh} />}
        {entries.isPending ? (
          <PageLoader />
        ) : entries.isError ? (
          <ErrorState error={entries.error} onRetry={() => entries.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title={t("curation.entries.empty")}>{t("curation.entries.emptyHint")}</EmptyState>
        ) : (
          <Stack gap="sm">
            {list.map((entry, index) => (
              <EntryCard
                key={entry.id}
                entry={entry}
                workspaceId={w}
                canEdit={canEdit}
                first={index === 0}
                last={index === list.length - 1}
                onMove={(delta) => move.mutate({ list, index, delta })}
                onEdit={() => setEditing(entry)}
                onRemove={() => setRemoving(entry)}
              />
            ))}
          </Stack>
        )}
        <PublicPanel topic={topic.data} workspaceId={w} canEdit={canEdit} />
      </Stack>
      {editing && (
        <EditEntryModal
          entry={editing}
          workspaceId={w}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await refresh();
          }}
        />
      )}
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        title={t("curation.entries.removeTitle")}
        message={removing?.title ?? ""}
        confirmLabel={t("common.delete")}
        loading={remove.isPending}
      />
      <ConfirmDialog
        opened={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => deleteTopic.mutate(undefined)}
        title={t("curation.topics.deleteTitle")}
        message={t("curation.topics.deleteMessage", { count: topic.data.entryCount })}
        confirmLabel={t("curation.topics.delete")}
        loading={deleteTopic.isPending}
        requireText={topic.data.name}
      />
    </>
  );
}

function AddLinkForm({ workspaceId, topicId, onSaved }: { workspaceId: string; topicId: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState("");
  const [insight, setInsight] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const save = useAction(() => entryActions.add(workspaceId, topicId, { url: url.trim(), insight, tags }), {
    success: t("curation.entries.saved"),
    onSuccess: async () => {
      setUrl("");
      setInsight("");
      setTags([]);
      await onSaved();
    },
  });
  return (
    <Card withBorder radius="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack gap="xs">
          <TextInput
            label={t("curation.entries.url")}
            placeholder="https://"
            leftSection={<IconLink size={16} />}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            type="url"
            required
          />
          <Textarea
            label={t("curation.entries.insight")}
            description={t("curation.entries.insightHint")}
            value={insight}
            onChange={(e) => setInsight(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Group align="flex-end">
            <TagsInput
              label={t("curation.entries.tags")}
              value={tags}
              onChange={setTags}
              style={{ flex: 1 }}
              maxTags={20}
            />
            <Button type="submit" loading={save.isPending} disabled={!url.trim()}>
              {t("curation.entries.add")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function EditEntryModal({
  entry,
  workspaceId,
  onClose,
  onSaved,
}: {
  entry: Entry;
  workspaceId: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    title: entry.title,
    description: entry.description,
    imageUrl: entry.imageUrl ?? "",
    sourceName: entry.sourceName,
    insight: entry.insight,
    tags: entry.tags,
  });
  const save = useAction(
    () =>
      entryActions.update(workspaceId, entry.topicId, entry.id, { ...form, imageUrl: form.imageUrl.trim() || null }),
    { success: t("curation.entries.updated"), onSuccess: onSaved },
  );
  return (
    <Modal opened onClose={onClose} title={t("curation.entries.edit")} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack>
          <TextInput
            label={t("curation.entries.title")}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
            required
          />
          <Textarea
            label={t("curation.entries.insight")}
            value={form.insight}
            onChange={(e) => setForm({ ...form, insight: e.currentTarget.value })}
            autosize
            minRows={3}
          />
          <Textarea
            label={t("curation.entries.description")}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
            autosize
            minRows={2}
          />
          <TextInput
            label={t("curation.entries.image")}
            value={form.imageUrl}
            onChange={(e) => setForm({ ...form, imageUrl: e.currentTarget.value })}
          />
          <TextInput
            label={t("curation.entries.source")}
            value={form.sourceName}
            onChange={(e) => setForm({ ...form, sourceName: e.currentTarget.value })}
          />
          <TagsInput
            label={t("curation.entries.tags")}
            value={form.tags}
            onChange={(tags) => setForm({ ...form, tags })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PublicPanel({ topic, workspaceId, canEdit }: { topic: Topic; workspaceId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const update = (data: Topic) => {
    qc.setQueryData(keys.topic(workspaceId, topic.id), data);
    return qc.invalidateQueries({ queryKey: keys.topics(workspaceId) });
  };
  const toggle = useAction((isPublic: boolean) => topicActions.update(workspaceId, topic.id, { isPublic }), {
    onSuccess: update,
  });
  const regenerate = useAction(() => topicActions.regenerateToken(workspaceId, topic.id), {
    success: t("curation.public.regenerated"),
    onSuccess: update,
  });
  return (
    <Card withBorder radius="md">
      <Stack gap="xs">
        <Switch
          label={t("curation.public.toggle")}
          description={t("curation.public.hint")}
          checked={topic.isPublic}
          disabled={!canEdit || toggle.isPending}
          onChange={(e) => toggle.mutate(e.currentTarget.checked)}
        />
        {topic.isPublic && topic.publicUrl && topic.feedUrls && (
          <>
            <CopyField label={t("curation.public.page")} value={topic.publicUrl} />
            <Group grow>
              <CopyField label="RSS" value={topic.feedUrls.rss} />
              <CopyField label="JSON Feed" value={topic.feedUrls.json} />
            </Group>
            <Group>
              <Button component="a" href={topic.publicUrl} target="_blank" rel="noopener" variant="light" size="xs">
                {t("curation.public.open")}
              </Button>
              {canEdit && (
                <Button
                  variant="subtle"
                  size="xs"
                  leftSection={<IconRefresh size={14} />}
                  onClick={() => regenerate.mutate(undefined)}
                  loading={regenerate.isPending}
                >
                  {t("curation.public.regenerate")}
                </Button>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {t("curation.public.regenerateHint")}
            </Text>
          </>
        )}
      </Stack>
    </Card>
  );
}
