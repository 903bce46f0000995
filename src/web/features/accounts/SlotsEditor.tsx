import { ActionIcon, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import type { SocialAccount } from "../publishing/types";
import { accountActions, accountKeys, type PostingSlot, useSlots } from "./accounts-api";

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** The weekday's name in the UI language; 2024-01-01 was a Monday, so day n is 2024-01-0n. */
export function weekdayName(weekday: number, locale: string, style: "long" | "short" = "long"): string {
  return new Intl.DateTimeFormat(locale, { weekday: style, timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, weekday)),
  );
}

/** Adds a time to a day, keeping each day's times sorted and unique. */
export function addSlot(slots: PostingSlot[], weekday: number, time: string): PostingSlot[] {
  if (slots.some((s) => s.weekday === weekday && s.time === time)) return slots;
  return [...slots, { weekday, time }].sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time));
}

/** The weekly grid of one account's posting slots, in a modal; "add to queue" fills the next free one. */
export function SlotsEditor({
  workspaceId,
  account,
  readOnly,
  onClose,
}: {
  workspaceId: string;
  account: SocialAccount;
  readOnly?: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const query = useSlots(workspaceId, account.id);
  const [slots, setSlots] = useState<PostingSlot[] | null>(null);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  useEffect(() => {
    if (query.data && slots === null) setSlots(query.data.slots);
  }, [query.data, slots]);

  const save = useAction((body: PostingSlot[]) => accountActions.saveSlots(workspaceId, account.id, body), {
    success: t("slots.saved", { name: account.displayName }),
    onSuccess: (saved) => {
      qc.setQueryData(accountKeys.slots(workspaceId, account.id), saved);
      setSlots(saved.slots);
    },
  });

  const add = (weekday: number) => {
    const time = (drafts[weekday] ?? "").trim();
    if (!TIME.test(time) || !slots) return;
    setSlots(addSlot(slots, weekday, time));
    setDrafts({ ...drafts, [weekday]: "" });
  };

  return (
    <Modal opened onClose={onClose} size="auto" title={t("slots.title", { name: account.displayName })}>
      {query.isPending || !slots ? (
        query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : (
          <PageLoader />
        )
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            {t("slots.help", { timezone: query.data?.timezone ?? "" })}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4, md: 7 }} spacing="xs">
            {WEEKDAYS.map((day) => {
              const times = slots.filter((s) => s.weekday === day);
              const name = weekdayName(day, i18n.language);
              const draft = drafts[day] ?? "";
              return (
                <Paper key={day} withBorder p="xs" radius="sm" miw={130}>
                  <Stack gap={6}>
                    <Text fw={600} size="sm" tt="capitalize">
                      {name}
                    </Text>
                    {times.length === 0 && (
                      <Text size="xs" c="dimmed">
                        {t("slots.none")}
                      </Text>
                    )}
                    {times.map((s) => (
                      <Group key={s.time} gap={4} justify="space-between" wrap="nowrap">
                        <Text size="sm" ff="monospace">
                          {s.time}
                        </Text>
                        {!readOnly && (
                          <ActionIcon
                            size="sm"
                            variant="subtle"
                            color="red"
                            aria-label={t("slots.remove", { day: name, time: s.time })}
                            onClick={() => setSlots(slots.filter((x) => !(x.weekday === day && x.time === s.time)))}
                          >
                            <IconX size={14} />
                          </ActionIcon>
                        )}
                      </Group>
                    ))}
                    {!readOnly && (
                      <Group gap={4} wrap="nowrap">
                        <TextInput
                          size="xs"
                          type="time"
                          aria-label={t("slots.newTime", { day: name })}
                          value={draft}
                          onChange={(e) => setDrafts({ ...drafts, [day]: e.currentTarget.value })}
                          onKeyDown={(e) => {
                            if (e.key === "Enter") add(day);
                          }}
                          style={{ flex: 1 }}
                        />
                        <ActionIcon
                          size="md"
                          variant="light"
                          aria-label={t("slots.add", { day: name })}
                          disabled={!TIME.test(draft)}
                          onClick={() => add(day)}
                        >
                          <IconPlus size={14} />
                        </ActionIcon>
                      </Group>
                    )}
                  </Stack>
                </Paper>
              );
            })}
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.close")}
            </Button>
            {!readOnly && (
              <Button loading={save.isPending} onClick={() => save.mutate(slots)}>
                {t("slots.save")}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
