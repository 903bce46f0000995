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
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { useAction } from "../../components/use-action";
import { weekdayName } from "../accounts/SlotsEditor";
import { keys } from "../publishing/publishing-api";
import type { Post } from "../publishing/types";
import { buildRule, parseRule, type RepeatEnd, type RepeatFreq, type RepeatSpec, RRULE_DAYS } from "./repeat-rule";

/** Repeat (RRULE) and evergreen recycling of a saved post. */
export function SeriesPanel({ workspaceId, post, canEdit }: { workspaceId: string; post: Post; canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  // The post answer carries its series settings; the forms start from them and keep what is typed.
  const [repeat, setRepeat] = useState<RepeatSpec | null>(() => parseRule(post.recurrence));
  const [evergreen, setEvergreen] = useState<{ enabled: boolean; gap: number } | null>(() => ({
    enabled: post.evergreen,
    gap: post.evergreenMinGapDays ?? 30,
  }));

  // Each save bumps the post's version: refetch it so the next composer save does not conflict.
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: keys.post(workspaceId, post.id) });
    await qc.invalidateQueries({ queryKey: keys.calendar(workspaceId) });
  };
  const saveRepeat = useAction(
    (rule: string | null) =>
      unwrap(
        api.PUT("/api/workspaces/{workspaceId}/posts/{postId}/recurrence", {
          params: { path: { workspaceId, postId: post.id } },
          body: { rule },
        }),
      ),
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
      unwrap(
        api.PUT("/api/workspaces/{workspaceId}/posts/{postId}/evergreen", {
          params: { path: { workspaceId, postId: post.id } },
          body: e.enabled ? { enabled: true, minGapDays: e.gap } : { enabled: false },
        }),
      ),
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
