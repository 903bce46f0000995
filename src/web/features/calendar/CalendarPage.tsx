import type { DatesSetArg, EventClickArg, EventContentArg, EventDropArg } from "@fullcalendar/core";
import enLocale from "@fullcalendar/core/locales/en-gb";
import frLocale from "@fullcalendar/core/locales/fr";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin, { type DateClickArg } from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { Anchor, Button, Group, MultiSelect, Paper, SegmentedControl, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconExternalLink, IconPlus, IconWorld } from "@tabler/icons-react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { notifyError } from "../../components/notify";
import { ErrorState } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { networkLabel } from "../publishing/networks";
import { getCalendar, keys, postActions, useAccounts, useCampaigns, useTags } from "../publishing/publishing-api";
import { ATTENTION, STATUS_COLORS } from "../publishing/StatusBadge";
import type { CalendarEntry } from "../publishing/types";
import { floatingToLocal, formatLocal } from "../publishing/zoned-time";

import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { CrisisBanner } from "./CrisisBanner";
import { type ColorBy, type EventProps, toEvents } from "./calendar-events";
import { ImportExport } from "./ImportExport";
import { LiveMetrics, metricsLabel, postMetrics } from "./LiveMetrics";
import "./calendar.css";

const STATUSES = Object.keys(STATUS_COLORS).filter((s) => s !== "pending");

interface Filters {
  accounts: string[];
  networks: string[];
  campaigns: string[];
  tags: string[];
  statuses: string[];
}

/** The editorial calendar: month, week and list views in the workspace's zone, filters, drag to move. */
export default function CalendarPage() {
  const { t, i18n } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const tz = workspace.timezone;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const accounts = useAccounts(w);
  const campaigns = useCampaigns(w);
  const tags = useTags(w);
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [colorBy, setColorBy] = useState<ColorBy>("network");
  const [filters, setFilters] = useState<Filters>({
    accounts: [],
    networks: [],
    campaigns: [],
    tags: [],
    statuses: [],
  });
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);

  const posts = useQuery({
    queryKey: [...keys.calendar(w), range, filters],
    enabled: range !== null,
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const list = (v: string[]) => (v.length ? v.join(",") : undefined);
      const query = {
        from: range?.from as string,
        to: range?.to as string,
        accounts: list(filters.accounts),
        networks: list(filters.networks),
        campaigns: list(filters.campaigns),
        tags: list(filters.tags),
        statuses: list(filters.statuses),
      };
      return getCalendar(w, query);
    },
  });
  const events = useMemo(() => toEvents(posts.data, tz, colorBy), [posts.data, tz, colorBy]);
  const networks = [...new Set((accounts.data ?? []).map((a) => a.network))];

  const onDatesSet = (arg: DatesSetArg) => {
    // Floating (UTC-mode) bounds widened by a day: the server filters by instant, the zone offset is < 1 day.
    const from = new Date(arg.start.getTime() - 86_400_000).toISOString();
    const to = new Date(arg.end.getTime() + 86_400_000).toISOString();
    setRange((r) => (r?.from === from && r.to === to ? r : { from, to }));
  };
  const refresh = () => qc.invalidateQueries({ queryKey: keys.calendar(w) });

  const onDrop = async (arg: EventDropArg) => {
    const entry = arg.event.extendedProps.entry as CalendarEntry;
    const before = arg.oldEvent.start ? floatingToLocal(arg.oldEvent.start) : null;
    const after = arg.event.start ? floatingToLocal(arg.event.start) : null;
    if (!after) return arg.revert();
    try {
      const moved = await postActions.move(w, entry.postId, after, entry.version);
      await refresh();
      const id = `move-${entry.postId}`;
      notifications.show({
        id,
        color: "teal",
        title: t("calendar.moved"),
        autoClose: 8000,
        message: (
          <Group justify="space-between" gap="xs">
            <Text size="sm">
              {t("calendar.movedTo", { when: formatLocal(moved.current.local, i18n.language) })}
              {moved.adjusted !== "none" &&
                ` ${t(moved.adjusted === "gap" ? "composer.dstGap" : "composer.dstOverlap", { zone: tz })}`}
            </Text>
            {before && (
              <Button
                size="compact-xs"
                variant="light"
                onClick={async () => {
                  notifications.hide(id);
                  try {
                    await postActions.move(w, entry.postId, before, moved.version);
                    await refresh();
                  } catch (e) {
                    notifyError(e);
                  }
                }}
              >
                {t("calendar.undo")}
              </Button>
            )}
          </Group>
        ),
      });
    } catch (e) {
      arg.revert();
      notifyError(e);
    }
  };
  const onDateClick = (arg: DateClickArg) => {
    if (!canEdit) return;
    const local = floatingToLocal(arg.date);
    const at = arg.allDay ? `${local.slice(0, 10)}T09:00` : local;
    navigate(`new?at=${encodeURIComponent(at)}`);
  };
  const onEventClick = (arg: EventClickArg) => {
    arg.jsEvent.preventDefault();
    navigate(`posts/${(arg.event.extendedProps.entry as CalendarEntry).postId}`);
  };

  const filterFields: { key: keyof Filters; label: string; width: number; data: { value: string; label: string }[] }[] =
    [
      {
        key: "accounts",
        label: "account",
        width: 200,
        data: (accounts.data ?? []).map((a) => ({ value: a.id, label: a.displayName })),
      },
      {
        key: "networks",
        label: "network",
        width: 160,
        data: networks.map((n) => ({ value: n, label: networkLabel(n) })),
      },
      {
        key: "campaigns",
        label: "campaign",
        width: 180,
        data: (campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name })),
      },
      { key: "tags", label: "tag", width: 160, data: (tags.data ?? []).map((x) => ({ value: x.id, label: x.name })) },
      {
        key: "statuses",
        label: "status",
        width: 180,
        data: STATUSES.map((s) => ({ value: s, label: t(`postStatus.${s}`) })),
      },
    ];
  return (
    <>
      <PageTitle
        title={t("modules.calendar.title")}
        subtitle={
          <Group gap={4} component="span">
            <IconWorld size={14} aria-hidden />
            {t("calendar.zone", { zone: tz })}
          </Group>
        }
        actions={
          <Group gap="xs">
            <CrisisBanner variant="toggle" />
            <ImportExport range={range} />
            {canEdit && (
              <Button component={Link} to="new" leftSection={<IconPlus size={16} />}>
                {t("calendar.newPost")}
              </Button>
            )}
          </Group>
        }
      />
      <CrisisBanner variant="banner" />
      <Paper withBorder p="sm" radius="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          {filterFields.map((f) => (
            <MultiSelect
              key={f.key}
              label={t(`calendar.filters.${f.label}`)}
              data={f.data}
              value={filters[f.key]}
              onChange={(value) => setFilters((current) => ({ ...current, [f.key]: value }))}
              clearable
              w={f.width}
            />
          ))}
          <SegmentedControl
            aria-label={t("calendar.colorBy")}
            value={colorBy}
            onChange={(v) => setColorBy(v as ColorBy)}
            data={[
              { value: "network", label: t("calendar.byNetwork") },
              { value: "campaign", label: t("calendar.byCampaign") },
            ]}
          />
        </Group>
      </Paper>
      {posts.isError && <ErrorState error={posts.error} onRetry={() => posts.refetch()} />}
      <Paper withBorder p="sm" radius="md" className="relais-calendar">
        <FullCalendar
          plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
          initialView="dayGridMonth"
          headerToolbar={{ left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listWeek" }}
          locales={[frLocale, enLocale]}
          locale={i18n.language === "en" ? "en-gb" : "fr"}
          timeZone="UTC"
          height="auto"
          firstDay={1}
          nowIndicator
          editable={canEdit}
          eventStartEditable={canEdit}
          eventDurationEditable={false}
          defaultTimedEventDuration="00:30"
          displayEventEnd={false}
          dayMaxEvents={4}
          events={events}
          datesSet={onDatesSet}
          eventDrop={onDrop}
          dateClick={onDateClick}
          eventClick={onEventClick}
          eventContent={(arg) => <EventContent arg={arg} />}
          eventClassNames={(arg) => {
            const entry = arg.event.extendedProps.entry as CalendarEntry;
            return [
              ...(ATTENTION.has(entry.status) ? ["relais-attention"] : []),
              ...(entry.planned ? ["relais-planned"] : []),
            ];
          }}
        />
      </Paper>
      <Text size="xs" c="dimmed" mt="xs">
        {t("calendar.legendPlanned")} {t("calendar.keyboardHint")}
      </Text>
    </>
  );
}

/** Why each failed, missed or unconfirmed target is so: our explanation, then the network's own words. */
function targetProblems(
  post: CalendarEntry,
  accounts: EventProps["accounts"],
  t: (key: string, params?: Record<string, string>) => string,
): string[] {
  return post.targets.flatMap((x) => {
    if (!x.error) return [];
    const explanation = x.error.explanation ?? t(`postStatus.${x.status}`);
    const said = x.error.message ? ` ${t("calendar.networkSaid", { message: x.error.message })}` : "";
    const account = accounts[x.accountId]?.name ?? "";
    return [`${t("calendar.errorFor", { account, explanation })}${said}`];
  });
}

function EventContent({ arg }: { arg: EventContentArg }) {
  const { t } = useTranslation();
  const { entry: post, networks, accounts } = arg.event.extendedProps as EventProps;
  const live = post.targets.find((x) => x.externalUrl)?.externalUrl;
  const totals = postMetrics(post);
  const attention = ATTENTION.has(post.status);
  const problems = targetProblems(post, accounts, t);
  const status = post.planned
    ? `${t("calendar.planned")} · ${t(`postStatus.${post.status}`)}`
    : t(`postStatus.${post.status}`);
  const label = [
    `${arg.timeText} ${arg.event.title} — ${post.planned ? t("calendar.plannedLong") : status} (${networks.map(networkLabel).join(", ")})`,
    ...(totals ? [metricsLabel(totals, t)] : []),
    ...problems,
  ].join("\n");
  const list = arg.view.type.startsWith("list");
  return (
    <div className={list ? "relais-event relais-event-list" : "relais-event"} title={label}>
      <div className="relais-event-line">
        <span className="relais-event-time">{arg.timeText}</span>
        {attention && <IconAlertTriangle size={12} aria-label={t(`postStatus.${post.status}`)} />}
        <span className="relais-event-title">{arg.event.title}</span>
        <span className="relais-event-status">{status}</span>
        {live && (
          <Anchor
            href={live}
            target="_blank"
            rel="noreferrer noopener"
            onClick={(e) => e.stopPropagation()}
            aria-label={t("calendar.viewLive")}
            c="inherit"
          >
            <IconExternalLink size={12} />
          </Anchor>
        )}
        <LiveMetrics post={post} />
      </div>
      {list &&
        problems.map((p) => (
          <Text key={p} size="xs" c="red.8" className="relais-event-problem">
            {p}
          </Text>
        ))}
    </div>
  );
}
