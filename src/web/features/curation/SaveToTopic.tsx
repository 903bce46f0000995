import {
  ActionIcon,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { IconBookmarkPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAction } from "../../components/use-action";
import { entryActions, keys, topicActions, useTopics } from "./curation-api";

/**
 * "Save to topic" for a veille item, for the reader to mount beside an item: picks a topic, takes the
 * CM's insight and tags, and saves the item (the server copies its title, link, summary and image).
 */
export function SaveToTopicButton({
  workspaceId,
  itemId,
  itemTitle,
  variant = "button",
}: {
  workspaceId: string;
  itemId: string;
  itemTitle?: string;
  variant?: "button" | "icon";
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      {variant === "icon" ? (
        <Tooltip label={t("curation.saveItem.action")}>
          <ActionIcon variant="subtle" onClick={() => setOpen(true)} aria-label={t("curation.saveItem.action")}>
            <IconBookmarkPlus size={18} />
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button
          variant="light"
          size="xs"
          leftSection={<IconBookmarkPlus size={14} />}
          onClick={() => setOpen(true)}
          data-testid="save-to-topic"
        >
          {t("curation.saveItem.action")}
        </Button>
      )}
      {open && (
        <SaveToTopicModal
          workspaceId={workspaceId}
          itemId={itemId}
          itemTitle={itemTitle}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

function SaveToTopicModal({
  workspaceId,
  itemId,
  itemTitle,
  onClose,
}: {
  workspaceId: string;
  itemId: string;
  itemTitle?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const topics = useTopics(workspaceId);
  const [topicId, setTopicId] = useState<string | null>(null);
  const [newTopic, setNewTopic] = useState("");
  const [insight, setInsight] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const noTopic = topics.data?.length === 0;
  const save = useAction(
    async () => {
      let target = topicId;
      if (!target) {
        const created = await topicActions.create(workspaceId, { name: newTopic.trim() });
        target = created.id;
      }
      return entryActions.add(workspaceId, target, { feedItemId: itemId, insight, tags });
    },
    {
      success: t("curation.entries.saved"),
      onSuccess: async (entry) => {
        await qc.invalidateQueries({ queryKey: keys.topics(workspaceId) });
        await qc.invalidateQueries({ queryKey: keys.entries(workspaceId, entry.topicId) });
        onClose();
      },
    },
  );
  return (
    <Modal opened onClose={onClose} title={itemTitle ?? t("curation.saveItem.action")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack>
          {noTopic ? (
            <TextInput
              label={t("curation.saveItem.newTopic")}
              value={newTopic}
              onChange={(e) => setNewTopic(e.currentTarget.value)}
              required
            />
          ) : (
            <Select
              label={t("curation.save.topic")}
              data={(topics.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
              value={topicId}
              onChange={setTopicId}
              searchable
              required
              data-testid="save-topic-select"
            />
          )}
          <Textarea
            label={t("curation.entries.insight")}
            description={t("curation.entries.insightHint")}
            value={insight}
            onChange={(e) => setInsight(e.currentTarget.value)}
            autosize
            minRows={3}
            data-autofocus
            name="insight"
          />
          <TagsInput label={t("curation.entries.tags")} value={tags} onChange={setTags} maxTags={20} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={noTopic ? !newTopic.trim() : !topicId}>
              {t("curation.save.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
