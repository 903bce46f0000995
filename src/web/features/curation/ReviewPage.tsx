import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { IconArrowDown, IconArrowLeft, IconArrowUp, IconGripVertical, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { CopyField } from "../../components/CopyField";
import { formatDate, formatDateTime } from "../../components/format";
import { ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { keys, type Rendered, type Review, type ReviewItem, reviewActions, useReview } from "./curation-api";

/**
 * The press review builder: title, intro, items (drag or up/down to reorder, a comment each, remove),
 * preview of the e-mail, test e-mail, send, Markdown export and public page.
 */
export default function ReviewPage() {
  const { t } = useTranslation();
  const { reviewId = "" } = useParams();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const review = useReview(w, reviewId);
  if (review.isPending) return <PageLoader />;
  if (review.isError) return <ErrorState error={review.error} onRetry={() => review.refetch()} />;
  return (
    <>
      <Anchor component={Link} to={`/w/${w}/curation/reviews`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("curation.reviews.title")}
        </Group>
      </Anchor>
      <Editor key={review.data.id} review={review.data} />
    </>
  );
}

function Editor({ review }: { review: Review }) {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const locked = review.status === "sent" || review.status === "sending";
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role) && !locked;
  const [title, setTitle] = useState(review.title);
  const [intro, setIntro] = useState(review.intro);
  const [items, setItems] = useState<ReviewItem[]>(review.items);
  const [dirty, setDirty] = useState(false);
  const [dragged, setDragged] = useState<number | null>(null);
  const [preview, setPreview] = useState<Rendered | null>(null);
  const [recipients, setRecipients] = useState<string[]>(review.recipients);
  const [testTo, setTestTo] = useState("");
  useEffect(() => {
    if (!dirty) {
      setTitle(review.title);
      setIntro(review.intro);
      setItems(review.items);
    }
  }, [review, dirty]);

  const key = keys.review(w, review.id);
  const after = async (r: Review) => {
    qc.setQueryData(key, r);
    await qc.invalidateQueries({ queryKey: keys.reviews(w) });
  };
  const change = (next: ReviewItem[]) => {
    setItems(next);
    setDirty(true);
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= items.length || from === to) return;
    const next = [...items];
    const [it] = next.splice(from, 1);
    next.splice(to, 0, it as ReviewItem);
    change(next);
  };
  const body = () => ({
    title,
    intro,
    items: items.filter((i) => i.entryId).map((i) => ({ entryId: i.entryId as string, comment: i.comment })),
  });
  const save = useAction(() => reviewActions.update(w, review.id, body()), {
    success: t("curation.reviews.saved"),
    onSuccess: async (r) => {
      setDirty(false);
      await after(r);
    },
  });
  /** Saves pending edits first, so what is previewed, exported or sent is what is on screen. */
  const flush = async () => {
    if (dirty && canEdit) {
      const r = await reviewActions.update(w, review.id, body());
      setDirty(false);
      await after(r);
    }
  };
  const render = () => reviewActions.render(w, review.id);
  const showPreview = useAction(
    async () => {
      await flush();
      return render();
    },
    { onSuccess: setPreview },
  );
  const exportMd = useAction(
    async () => {
      await flush();
      return render();
    },
    {
      onSuccess: (r) => {
        const blob = new Blob([r.markdown], { type: "text/markdown;charset=utf-8" });
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = `${title.replace(/[\\/:*?"<>|]+/g, "-").slice(0, 80) || "revue"}.md`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      },
    },
  );
  const sendTest = useAction(
    async () => {
      await flush();
      return reviewActions.send(w, review.id, { recipients: [testTo.trim()], test: true });
    },
    { success: t("curation.reviews.testSent", { to: testTo.trim() }) },
  );
  const send = useAction(
    async () => {
      await flush();
      return reviewActions.send(w, review.id, { recipients });
    },
    {
      onSuccess: async (r) => {
        await after(r);
      },
    },
  );
  const publish = useAction((on: boolean) => reviewActions.publish(w, review.id, on), { onSuccess: after });

  return (
    <>
      <PageTitle
        title={review.title}
        subtitle={`${review.topicName ?? "—"} · ${formatDate(review.periodStart)} → ${formatDate(
          new Date(new Date(review.periodEnd).getTime() - 1).toISOString(),
        )}`}
        actions={
          <Badge
            size="lg"
            variant="light"
            color={review.status === "sent" ? "teal" : review.status === "failed" ? "red" : "gray"}
          >
            {t(`curation.reviews.statuses.${review.status}`)}
          </Badge>
        }
      />
      <Stack gap="md" maw={900}>
        {review.status === "sent" && (
          <Alert color="teal" data-testid="review-sent">
            {t("curation.reviews.sentTo", {
              date: formatDateTime(review.sentAt, workspace.timezone),
              to: review.recipients.join(", "),
            })}
          </Alert>
        )}
        {review.sendError && <Alert color="red">{review.sendError}</Alert>}
        <TextInput
          label={t("curation.reviews.titleField")}
          value={title}
          onChange={(e) => {
            setTitle(e.currentTarget.value);
            setDirty(true);
          }}
          readOnly={!canEdit}
          name="review-title"
        />
        <Textarea
          label={t("curation.reviews.intro")}
          value={intro}
          onChange={(e) => {
            setIntro(e.currentTarget.value);
            setDirty(true);
          }}
          autosize
          minRows={3}
          readOnly={!canEdit}
          name="review-intro"
        />
        <Text fw={600}>{t("curation.reviews.itemsTitle", { count: items.length })}</Text>
        {items.length === 0 && <Text c="dimmed">{t("curation.reviews.noItems")}</Text>}
        {items.map((item, index) => (
          <Card
            key={item.entryId ?? item.url}
            withBorder
            radius="md"
            draggable={canEdit}
            onDragStart={() => setDragged(index)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => {
              if (dragged !== null) move(dragged, index);
              setDragged(null);
            }}
            style={{ opacity: dragged === index ? 0.5 : 1 }}
            data-testid="review-item"
          >
            <Group align="flex-start" wrap="nowrap">
              {canEdit && (
                <IconGripVertical size={18} style={{ cursor: "grab", marginTop: 4, flex: "none" }} aria-hidden />
              )}
              <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                <Text size="xs" c="dimmed">
                  {index + 1}. {item.source}
                </Text>
                <Anchor href={item.url} target="_blank" rel="noopener noreferrer" fw={600}>
                  {item.title}
                </Anchor>
                <Textarea
                  aria-label={t("curation.reviews.comment")}
                  placeholder={t("curation.reviews.comment")}
                  value={item.comment}
                  onChange={(e) => {
                    const comment = e.currentTarget.value;
                    change(items.map((x, i) => (i === index ? { ...x, comment } : x)));
                  }}
                  autosize
                  minRows={1}
                  readOnly={!canEdit}
                />
              </Stack>
              {canEdit && (
                <Stack gap={2}>
                  <Tooltip label={t("curation.entries.up")}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={index === 0}
                      onClick={() => move(index, index - 1)}
                      aria-label={t("curation.entries.up")}
                    >
                      <IconArrowUp size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t("curation.entries.down")}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={index === items.length - 1}
                      onClick={() => move(index, index + 1)}
                      aria-label={t("curation.entries.down")}
                    >
                      <IconArrowDown size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={t("curation.reviews.removeItem")}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      onClick={() => change(items.filter((_, i) => i !== index))}
                      aria-label={t("curation.reviews.removeItem")}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Stack>
              )}
            </Group>
          </Card>
        ))}
        <Group>
          {canEdit && (
            <Button onClick={() => save.mutate(undefined)} loading={save.isPending} disabled={!dirty}>
              {t("common.save")}
            </Button>
          )}
          <Button variant="light" onClick={() => showPreview.mutate(undefined)} loading={showPreview.isPending}>
            {t("curation.reviews.preview")}
          </Button>
          <Button variant="light" onClick={() => exportMd.mutate(undefined)} loading={exportMd.isPending}>
            {t("curation.reviews.markdown")}
          </Button>
        </Group>

        <Card withBorder radius="md">
          <Stack gap="xs">
            <Text fw={600}>{t("curation.reviews.sendTitle")}</Text>
            <Group align="flex-end">
              <TextInput
                label={t("curation.reviews.testTo")}
                type="email"
                value={testTo}
                onChange={(e) => setTestTo(e.currentTarget.value)}
                style={{ flex: 1 }}
                name="test-to"
              />
              <Button
                variant="light"
                onClick={() => sendTest.mutate(undefined)}
                loading={sendTest.isPending}
                disabled={!testTo.trim()}
              >
                {t("curation.reviews.sendTest")}
              </Button>
            </Group>
            {!locked && (
              <Group align="flex-end">
                <TagsInput
                  label={t("curation.reviews.recipients")}
                  description={t("curation.reviews.recipientsHint")}
                  value={recipients}
                  onChange={setRecipients}
                  splitChars={[",", " ", ";"]}
                  style={{ flex: 1 }}
                  data-testid="recipients"
                />
                <Button
                  onClick={() => send.mutate(undefined)}
                  loading={send.isPending}
                  disabled={recipients.length === 0 || !canEdit}
                >
                  {t("curation.reviews.send")}
                </Button>
              </Group>
            )}
          </Stack>
        </Card>

        <Card withBorder radius="md">
          <Stack gap="xs">
            <Text fw={600}>{t("curation.reviews.publicTitle")}</Text>
            {review.publicUrl ? (
              <>
                <CopyField label={t("curation.public.page")} value={review.publicUrl} />
                <Group>
                  <Button
                    component="a"
                    href={review.publicUrl}
                    target="_blank"
                    rel="noopener"
                    variant="light"
                    size="xs"
                  >
                    {t("curation.public.open")}
                  </Button>
                  <Button
                    variant="subtle"
                    color="red"
                    size="xs"
                    onClick={() => publish.mutate(false)}
                    loading={publish.isPending}
                  >
                    {t("curation.reviews.unpublish")}
                  </Button>
                </Group>
              </>
            ) : (
              <Group>
                <Button variant="light" onClick={() => publish.mutate(true)} loading={publish.isPending}>
                  {t("curation.reviews.publish")}
                </Button>
              </Group>
            )}
          </Stack>
        </Card>
      </Stack>
      <Modal opened={preview !== null} onClose={() => setPreview(null)} title={preview?.subject} size="xl">
        {preview && (
          <iframe
            title={t("curation.reviews.preview")}
            srcDoc={preview.html}
            sandbox=""
            style={{ width: "100%", height: "70vh", border: 0 }}
          />
        )}
      </Modal>
    </>
  );
}
