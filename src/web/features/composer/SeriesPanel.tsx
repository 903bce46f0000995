import {
  Alert,
  Button,
  Chip,
  Group,
  NumberInput,
  Paper,
  Radio,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAction } from "../../components/use-action";
import { weekdayName } from "../accounts/SlotsEditor";
import { call } from "../publishing/http";
import { keys, paths } from "../publishing/publishing-api";
import type { CalendarEntry, Post } from "../publishing/types";
import { buildRule, parseRule, type RepeatEnd, type RepeatFreq, type RepeatSpec, RRULE_DAYS } from "./repeat-rule";

/** PUT …/recurrence and …/evergreen answer the post's series settings. */
interface SeriesSettings {
  postId: string;
  version: number;
  recurrence: string | null;
  evergreen: boolean;
  evergreenMinGapDays: number | null;
}

/** What the post answer may carry (newer servers) beside the fields `Post` always has. */
type PostWithSeries = Post & { recurrence?: string | null; evergreen?: boolean; evergreenMinGapDays?: number | null };

/**
 * The series settings currently stored. The post answer does not carry them yet, so they are read from
 * the calendar entry of a scheduled post (which has the rule and the evergreen flag, not the gap).
 */
function useSeriesSettings(workspaceId: string, post: PostWithSeries) {
  const inPost = post.recurrence !== undefined && post.evergreen !== undefined;
  return useQuery({
    queryKey: [...keys.post(workspaceId, post.id), "series", post.version],
    enabled: !inPost,
    queryFn: async (): Promise<Partial<SeriesSettings>> => {
      if (!post.scheduledAt) return { recurrence: null, evergreen: false };
      const at = Date.parse(post.scheduledAt);
      const answer = await call<{ entries: CalendarEntry[] }>("GET", paths.calendar(workspaceId), {
        query: { from: new Date(at - 3_600_000).toISOString(), to: new Date(at + 3_600_000).toISOString() },
      });
      const entry = answer.entries.find((e) => e.key === post.id);
      return { recurrence: entry?.recurrence ?? null, evergreen: entry?.evergreen ?? false };
    },
    initialData: inPost
      ? {
          recurrence: post.recurrence,
          evergreen: post.evergreen,
          evergreenMinGapDays: post.evergreenMinGapDays ?? null,
        }
      : undefined,
  });
}

/** Repeat (RRULE) and evergreen recycling of a saved post. */
export function SeriesPanel({ workspaceId, post, canEdit }: { workspaceId: string; post: Post; canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const current = useSeriesSettings(workspaceId, post as PostWithSeries);
  const [repeat, setRepeat] = useState<RepeatSpec | null>(null);
  const [evergreen, setEvergreen] = useState<{ enabled: boolean; gap: number } | null>(null);
  useEffect(() => {
    if (!current.data) return;
    setRepeat((r) => r ?? parseRule(current.data.recurrence));
    setEvergreen((e) => e ?? { enabled: current.data.evergreen ?? false, gap: current.data.evergreenMinGapDays ?? 30 });
  }, [current.data]);

  // Each save bumps the post's version: refetch it so the next composer save does not conflict.
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: keys.post(workspaceId, post.id) });
    await qc.invalidateQueries({ queryKey: keys.calendar(workspaceId) });
  };
  const saveRepeat = useAction(
    (rule: string | null) =>
      call<SeriesSettings>("PUT", `${paths.post(workspaceId, post.id)}/recurrence`, { body: { rule } }),
    {
      success: t("series.repeatSaved"),
      onSuccess: async (s) => {
        setRepeat(parseRule(s.recurrence));
        await refresh();
      },
    },
  );
  const saveEvergreen = useAction(
    (e: { enabled: boolean; gap: number }) =>
      call<SeriesSettings>("PUT", `${paths.post(workspaceId, post.id)}/evergreen`, {
        body: e.enabled ? { enabled: true, minGapDays: e.gap } : { enabled: false },
      }),
    {
      success: t("series.evergreenSaved"),
      onSuccess: async (s) => {
        setEvergreen({ enabled: s.evergreen, gap: s.evergreenMinGapDays ?? 30 });
        await refresh();
      },
    },
  );

  if (!repeat || !evergreen) return null;
  const set = (patch: Partial<RepeatSpec>) => setRepeat({ ...repeat, ...patch, custom: null });
  const rule = repeat.custom ?? buildRule(repeat);
  const gapValid = Number.isInteger(evergreen.gap) && evergreen.gap >= 1 && evergreen.gap <= 365;

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {t("series.title")}
        </Title>
        {!post.scheduledAt && (
          <Text size="sm" c="dimmed">
            {t("series.needsSchedule")}
          </Text>
        )}
        <Radio.Group label={t("series.repeat")} value={repeat.freq} onChange={(v) => set({ freq: v as RepeatFreq })}>
          <Group gap="md" mt={4}>
            {(["none", "daily", "weekly", "monthly"] as const).map((f) => (
              <Radio key={f} value={f} label={t(`series.freq.${f}`)} disabled={!canEdit} />
            ))}
          </Group>
        </Radio.Group>
        {repeat.custom && (
          <Alert color="gray" title={t("series.customTitle")}>
            <Text size="sm" ff="monospace">
              {repeat.custom}
            </Text>
          </Alert>
        )}
        {repeat.freq === "weekly" && !repeat.custom && (
          <Stack gap={4}>
            <Text size="sm">{t("series.onDays")}</Text>
            <Chip.Group
              multiple
              value={repeat.weekdays}
              onChange={(v) => set({ weekdays: v as RepeatSpec["weekdays"] })}
            >
              <Group gap={4}>
                {RRULE_DAYS.map((d, i) => (
                  <Chip key={d} value={d} size="xs" disabled={!canEdit}>
                    {weekdayName(i + 1, i18n.language, "short")}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Stack>
        )}
        {repeat.freq !== "none" && !repeat.custom && (
          <Group align="flex-end">
            <Select
              label={t("series.end")}
              disabled={!canEdit}
              value={repeat.end}
              allowDeselect={false}
              onChange={(v) => set({ end: (v ?? "never") as RepeatEnd })}
              data={(["never", "until", "count"] as const).map((e) => ({ value: e, label: t(`series.ends.${e}`) }))}
              w={180}
            />
            {repeat.end === "until" && (
              <TextInput
                type="date"
                label={t("series.until")}
                disabled={!canEdit}
                value={repeat.until}
                onChange={(e) => set({ until: e.currentTarget.value })}
              />
            )}
            {repeat.end === "count" && (
              <NumberInput
                label={t("series.count")}
                disabled={!canEdit}
                min={1}
                max={1000}
                value={repeat.count}
                onChange={(v) => set({ count: typeof v === "number" ? v : Number.parseInt(v, 10) || 0 })}
                w={140}
              />
            )}
          </Group>
        )}
        {canEdit && (
          <Group justify="space-between">
            <Text size="xs" c="dimmed" ff="monospace">
              {rule ?? ""}
            </Text>
            <Button size="xs" loading={saveRepeat.isPending} onClick={() => saveRepeat.mutate(rule)}>
              {t("series.saveRepeat")}
            </Button>
          </Group>
        )}

        <Switch
          mt="sm"
          disabled={!canEdit}
          label={t("series.evergreen")}
          description={t("series.evergreenHelp")}
          checked={evergreen.enabled}
          onChange={(e) => setEvergreen({ ...evergreen, enabled: e.currentTarget.checked })}
        />
        {evergreen.enabled && (
          <NumberInput
            label={t("series.minGap")}
            disabled={!canEdit}
            min={1}
            max={365}
            value={evergreen.gap}
            error={gapValid ? undefined : t("series.minGapRange")}
            onChange={(v) =>
              setEvergreen({ ...evergreen, gap: typeof v === "number" ? v : Number.parseInt(v, 10) || 0 })
            }
            w={200}
          />
        )}
        {canEdit && (
          <Group justify="flex-end">
            <Button
              size="xs"
              loading={saveEvergreen.isPending}
              disabled={evergreen.enabled && !gapValid}
              onClick={() => saveEvergreen.mutate(evergreen)}
            >
              {t("series.saveEvergreen")}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
