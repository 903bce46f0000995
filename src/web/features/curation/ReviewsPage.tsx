import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatDate, formatDateTime } from "../../components/format";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { keys, type ReviewStatus, reviewActions, useReviews, useSchedule, useTopics } from "./curation-api";

const STATUS_COLOR: Record<ReviewStatus, string> = { draft: "gray", sending: "blue", sent: "teal", failed: "red" };

/** "YYYY-MM-DD" of a Date in the browser's zone (date inputs). */
const day = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/** Press reviews: build one (topic + period), the weekly schedule of a topic, and the history. */
export default function ReviewsPage() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const topics = useTopics(w);
  const reviews = useReviews(w);
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const [topicId, setTopicId] = useState<string | null>(search.get("topic"));
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = useState(day(today));
  const [intro, setIntro] = useState("");
  useEffect(() => {
    if (!topicId && topics.data?.length) setTopicId(topics.data[0]?.id ?? null);
  }, [topics.data, topicId]);

  const create = useAction(
    () => {
      // Whole days in the browser's zone: from 00:00 on the first day to 00:00 after the last one.
      const start = new Date(`${from}T00:00:00`);
      const end = new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000);
      return reviewActions.create(w, {
        topicId: topicId as string,
        from: start.toISOString(),
        to: end.toISOString(),
        intro,
      });
    },
    {
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: keys.reviews(w) });
        navigate(r.id);
      },
    },
  );

  return (
    <>
      <Anchor component={Link} to={`/w/${w}/curation`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("curation.topics.all")}
        </Group>
      </Anchor>
      <PageTitle title={t("curation.reviews.title")} subtitle={t("curation.reviews.subtitle")} />
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="xl">
        <Card withBorder radius="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate(undefined);
            }}
          >
            <Stack gap="xs">
              <Title order={2} size="h4">
                {t("curation.reviews.build")}
              </Title>
              <Select
                label={t("curation.save.topic")}
                data={(topics.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                value={topicId}
                onChange={setTopicId}
                required
                data-testid="review-topic"
              />
              <Group grow>
                <TextInput
                  type="date"
                  label={t("curation.reviews.from")}
                  value={from}
                  onChange={(e) => setFrom(e.currentTarget.value)}
                  required
                  name="from"
                />
                <TextInput
                  type="date"
                  label={t("curation.reviews.to")}
                  value={to}
                  onChange={(e) => setTo(e.currentTarget.value)}
                  required
                  name="to"
                />
              </Group>
              <Textarea
                label={t("curation.reviews.intro")}
                value={intro}
                onChange={(e) => setIntro(e.currentTarget.value)}
                autosize
                minRows={2}
              />
              <Group justify="flex-end">
                <Button type="submit" loading={create.isPending} disabled={!canEdit || !topicId}>
                  {t("curation.reviews.create")}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
        {topicId && <ScheduleCard key={topicId} workspaceId={w} topicId={topicId} canEdit={canEdit} />}
      </SimpleGrid>
      <Title order={2} size="h4" mb="sm">
        {t("curation.reviews.history")}
      </Title>
      {reviews.isPending ? (
        <PageLoader />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} onRetry={() => reviews.refetch()} />
      ) : reviews.data.length === 0 ? (
        <EmptyState title={t("curation.reviews.empty")} />
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("curation.reviews.titleField")}</Table.Th>
              <Table.Th>{t("curation.reviews.period")}</Table.Th>
              <Table.Th>{t("curation.reviews.items")}</Table.Th>
              <Table.Th>{t("curation.reviews.status")}</Table.Th>
              <Table.Th>{t("curation.reviews.sentAt")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reviews.data.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={r.id}>
                    {r.title}
                  </Anchor>
                  {r.scheduled && (
                    <Badge ml="xs" size="xs" variant="light">
                      {t("curation.reviews.weekly")}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {formatDate(r.periodStart)} →{" "}
                  {formatDate(new Date(new Date(r.periodEnd).getTime() - 1).toISOString())}
                </Table.Td>
                <Table.Td>{r.itemCount}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[r.status]} variant="light">
                    {t(`curation.reviews.statuses.${r.status}`)}
                  </Badge>
                  {r.sendError && (
                    <Text size="xs" c="red">
                      {t(`curation.reviews.errors.${r.sendError}`, { defaultValue: r.sendError })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {r.sentAt ? formatDateTime(r.sentAt, workspace.timezone) : "—"}
                  {r.recipients.length > 0 && (
                    <Text size="xs" c="dimmed">
                      {r.recipients.join(", ")}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}

function ScheduleCard({ workspaceId, topicId, canEdit }: { workspaceId: string; topicId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const schedule = useSchedule(workspaceId, topicId);
  const [form, setForm] = useState({
    weekday: "1",
    time: "09:00",
    recipients: [] as string[],
    title: "",
    enabled: true,
  });
  useEffect(() => {
    if (schedule.data)
      setForm({
        weekday: String(schedule.data.weekday),
        time: schedule.data.time,
        recipients: schedule.data.recipients,
        title: schedule.data.title,
        enabled: schedule.data.enabled,
      });
  }, [schedule.data]);
  const key = keys.schedule(workspaceId, topicId);
  const save = useAction(
    () =>
      reviewActions.saveSchedule(workspaceId, topicId, {
        weekday: Number(form.weekday),
        time: form.time,
        recipients: form.recipients,
        title: form.title.trim() || t("curation.reviews.defaultTitle"),
        enabled: form.enabled,
      }),
    { success: t("curation.schedule.saved"), onSuccess: (s) => void qc.setQueryData(key, s) },
  );
  const remove = useAction(() => reviewActions.removeSchedule(workspaceId, topicId), {
    success: t("curation.schedule.removed"),
    onSuccess: () => void qc.setQueryData(key, null),
  });
  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`curation.schedule.days.${d}`) }));
  return (
    <Card withBorder radius="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t("curation.schedule.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {schedule.data
              ? t("curation.schedule.next", {
                  date: formatDateTime(schedule.data.nextRunAt, schedule.data.timezone),
                  zone: schedule.data.timezone,
                })
              : t("curation.schedule.none")}
          </Text>
          <Group grow>
            <Select
              label={t("curation.schedule.weekday")}
              data={weekdays}
              value={form.weekday}
              onChange={(v) => setForm({ ...form, weekday: v ?? "1" })}
            />
            <TextInput
              type="time"
              label={t("curation.schedule.time")}
              value={form.time}
              onChange={(e) => setForm({ ...form, time: e.currentTarget.value })}
            />
          </Group>
          <TagsInput
            label={t("curation.reviews.recipients")}
            description={t("curation.reviews.recipientsHint")}
            value={form.recipients}
            onChange={(recipients) => setForm({ ...form, recipients })}
            splitChars={[",", " ", ";"]}
          />
          <TextInput
            label={t("curation.reviews.titleField")}
            placeholder={t("curation.reviews.defaultTitle")}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
          />
          <Switch
            label={t("curation.schedule.enabled")}
            checked={form.enabled}
            onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
          />
          <Group justify="flex-end">
            {schedule.data && canEdit && (
              <Button variant="subtle" color="red" onClick={() => remove.mutate(undefined)} loading={remove.isPending}>
                {t("curation.schedule.remove")}
              </Button>
            )}
            <Button type="submit" loading={save.isPending} disabled={!canEdit || form.recipients.length === 0}>
              {t("curation.schedule.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
