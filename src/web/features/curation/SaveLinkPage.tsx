import { Alert, Button, Card, Group, Image, Select, Stack, TagsInput, Text, Textarea, TextInput } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../api/errors";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { NewTopicModal } from "./CurationPage";
import { entryActions, keys, topicActions, useTopics } from "./curation-api";

/**
 * "Save a link": the bookmarklet's target (?url=…&title=…) and the page behind "Save a link". The page's
 * title, description and image are fetched by the server for a preview; the CM picks a topic, writes an
 * insight and saves. Title and description can be corrected before saving.
 */
export default function SaveLinkPage() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const topics = useTopics(w);
  const [url, setUrl] = useState(search.get("url") ?? "");
  const [topicId, setTopicId] = useState<string | null>(search.get("topic"));
  const [title, setTitle] = useState(search.get("title") ?? "");
  const [description, setDescription] = useState("");
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [siteName, setSiteName] = useState<string | null>(null);
  const [insight, setInsight] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const preview = useAction((u: string) => topicActions.linkPreview(w, u), {
    onSuccess: (p) => {
      setPreviewError(null);
      if (p.title) setTitle(p.title);
      setDescription(p.description ?? "");
      setImageUrl(p.imageUrl);
      setSiteName(p.siteName);
    },
  });
  // The bookmarklet opens this page with the address: fetch its preview at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the address given in the URL
  useEffect(() => {
    const initial = search.get("url");
    if (initial) preview.mutateAsync(initial).catch((e) => setPreviewError(e instanceof ApiError ? e.message : null));
  }, []);
  useEffect(() => {
    if (!topicId && topics.data?.length === 1) setTopicId(topics.data[0]?.id ?? null);
  }, [topics.data, topicId]);

  const save = useAction(
    () =>
      entryActions.add(w, topicId as string, {
        url: url.trim(),
        insight,
        tags,
        ...(title.trim() ? { title: title.trim(), description, imageUrl } : {}),
        ...(siteName ? { sourceName: siteName } : {}),
      }),
    {
      success: t("curation.entries.saved"),
      onSuccess: async (entry) => {
        await qc.invalidateQueries({ queryKey: keys.entries(w, entry.topicId) });
        await qc.invalidateQueries({ queryKey: keys.topics(w) });
        navigate(`/w/${w}/curation/topics/${entry.topicId}`);
      },
    },
  );

  return (
    <>
      <PageTitle title={t("curation.save.title")} subtitle={t("curation.save.subtitle")} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack maw={760}>
          <Group align="flex-end">
            <TextInput
              label={t("curation.entries.url")}
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              type="url"
              required
              style={{ flex: 1 }}
              name="url"
            />
            <Button
              variant="light"
              onClick={() =>
                preview.mutateAsync(url.trim()).catch((e) => setPreviewError(e instanceof ApiError ? e.message : null))
              }
              loading={preview.isPending}
              disabled={!url.trim()}
            >
              {t("curation.save.fetch")}
            </Button>
          </Group>
          {previewError && (
            <Alert color="orange" title={t("curation.save.previewFailed")}>
              {previewError}
            </Alert>
          )}
          <Card withBorder radius="md" data-testid="link-preview">
            <Group align="flex-start" wrap="nowrap">
              {imageUrl && (
                <Image src={imageUrl} w={160} h={110} fit="cover" radius="sm" alt="" referrerPolicy="no-referrer" />
              )}
              <Stack gap="xs" style={{ flex: 1 }}>
                <TextInput
                  label={t("curation.entries.title")}
                  value={title}
                  onChange={(e) => setTitle(e.currentTarget.value)}
                  name="title"
                />
                <Textarea
                  label={t("curation.entries.description")}
                  value={description}
                  onChange={(e) => setDescription(e.currentTarget.value)}
                  autosize
                  minRows={2}
                />
              </Stack>
            </Group>
          </Card>
          <Group align="flex-end">
            <Select
              label={t("curation.save.topic")}
              data={(topics.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
              value={topicId}
              onChange={setTopicId}
              required
              searchable
              style={{ flex: 1 }}
              nothingFoundMessage={t("common.nothingFound")}
              data-testid="topic-select"
            />
            <Button variant="subtle" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
              {t("curation.topics.new")}
            </Button>
          </Group>
          <Textarea
            label={t("curation.entries.insight")}
            description={t("curation.entries.insightHint")}
            value={insight}
            onChange={(e) => setInsight(e.currentTarget.value)}
            autosize
            minRows={3}
            name="insight"
          />
          <TagsInput label={t("curation.entries.tags")} value={tags} onChange={setTags} maxTags={20} />
          {topics.data?.length === 0 && <Text c="dimmed">{t("curation.save.noTopic")}</Text>}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!url.trim() || !topicId}>
              {t("curation.save.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
      <NewTopicModal
        opened={creating}
        onClose={() => setCreating(false)}
        workspaceId={w}
        onCreated={(topic) => setTopicId(topic.id)}
      />
    </>
  );
}
