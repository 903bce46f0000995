import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Grid,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import { IconAlertTriangle, IconBell, IconCheck, IconEye, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { formatDateTime } from "../../../components/format";
import { EmptyState, ErrorState, PageLoader } from "../../../components/PageState";
import { PageTitle } from "../../../components/PageTitle";
import { useAction } from "../../../components/use-action";
import { useCurrentWorkspace } from "../../workspaces/use-current-workspace";
import { type AlertDraft, AlertEditor } from "./AlertEditor";
import {
  type Alert,
  type AlertMatch,
  alertActions,
  type MatchFilter,
  type SeenRequest,
  useAlerts,
  useMatches,
  usePresets,
} from "./alerts-api";

/** Alerts (veille / e-réputation): the alerts, the suggested presets, and the matches with filters. */
export default function AlertsPage() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const alerts = useAlerts(w);
  const presets = usePresets(w);
  const [params, setParams] = useSearchParams();
  const alertId = params.get("alert") ?? undefined;
  const [seen, setSeen] = useState<"all" | "false" | "true">("false");
  const [kind, setKind] = useState<"all" | "feed_item" | "network_post">("all");
  const [editing, setEditing] = useState<{ alert: Alert | null; draft: AlertDraft | null } | null>(null);
  const qc = useQueryClient();

  const filter: MatchFilter = {
    ...(alertId ? { alertId } : {}),
    ...(seen !== "all" ? { seen } : {}),
    ...(kind !== "all" ? { kind } : {}),
  };
  const matches = useMatches(w, filter);
  const refresh = () => qc.invalidateQueries({ queryKey: ["alerts", w] });

  const remove = useAction((a: Alert) => alertActions.remove(w, a.id), {
    success: t("alerts.deleted"),
    onSuccess: refresh,
  });
  const markSeen = useAction((body: SeenRequest) => alertActions.markSeen(w, body), { onSuccess: refresh });

  const missingPresets = (presets.data ?? []).filter((p) => !p.exists);

  return (
    <>
      <PageTitle
        title={t("alerts.title")}
        subtitle={t("alerts.subtitle")}
        actions={
          canEdit && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ alert: null, draft: null })}>
              {t("alerts.new")}
            </Button>
          )
        }
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            {alerts.isPending ? (
              <PageLoader />
            ) : alerts.isError ? (
              <ErrorState error={alerts.error} onRetry={() => alerts.refetch()} />
            ) : alerts.data.length === 0 ? (
              <EmptyState title={t("alerts.empty")}>{t("alerts.emptyHint")}</EmptyState>
            ) : (
              alerts.data.map((a) => (
                <Card
                  key={a.id}
                  withBorder
                  radius="md"
                  data-testid="alert-card"
                  style={{
                    cursor: "pointer",
                    borderColor: a.id === alertId ? "var(--mantine-color-blue-5)" : undefined,
                  }}
                  onClick={() => setParams(a.id === alertId ? {} : { alert: a.id })}
                >
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600} lineClamp={1}>
                      {a.name}
                    </Text>
                    <Group gap={4} wrap="nowrap">
                      {a.unseenCount > 0 && (
                        <Badge color="red" variant="filled" data-testid="unseen-count">
                          {a.unseenCount}
                        </Badge>
                      )}
                      {!a.enabled && <Badge variant="light">{t("alerts.paused")}</Badge>}
                    </Group>
                  </Group>
                  <Code block mt={6} style={{ whiteSpace: "pre-wrap" }}>
                    {a.query}
                  </Code>
                  <Group justify="space-between" mt={6}>
                    <Text size="xs" c="dimmed">
                      {[
                        a.searchFeeds ? t("alerts.sources.feeds") : null,
                        a.searchNetworks ? t("alerts.sources.networks") : null,
                      ]
                        .filter(Boolean)
                        .join(" + ")}
                      {" · "}
                      {t(`alerts.emailModes.${a.emailMode}`)}
                      {a.webhookUrl ? ` · ${t("alerts.webhook")}` : ""}
                    </Text>
                    {canEdit && (
                      <Group gap={2} onClick={(e) => e.stopPropagation()}>
                        <Tooltip label={t("alerts.edit")}>
                          <ActionIcon variant="subtle" onClick={() => setEditing({ alert: a, draft: null })}>
                            <IconPencil size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t("common.delete")}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            onClick={() =>
                              window.confirm(t("alerts.confirmDelete", { name: a.name })) && remove.mutate(a)
                            }
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    )}
                  </Group>
                  {a.lastError && (
                    <Text size="xs" c="red" mt={4}>
                      <IconAlertTriangle size={12} /> {a.lastError}
                    </Text>
                  )}
                  {a.networkError && (
                    <Text size="xs" c="orange" mt={4}>
                      <IconAlertTriangle size={12} /> {t("alerts.networkError", { error: a.networkError })}
                    </Text>
                  )}
                </Card>
              ))
            )}
            {canEdit && missingPresets.length > 0 && (
              <Card withBorder radius="md" bg="var(--mantine-color-gray-0)">
                <Text fw={600} size="sm">
                  {t("alerts.presets.title")}
                </Text>
                <Text size="xs" c="dimmed" mb="xs">
                  {t("alerts.presets.hint")}
                </Text>
                <Stack gap="xs">
                  {missingPresets.map((p) => (
                    <Group key={`${p.preset}-${p.competitorId ?? ""}`} justify="space-between" wrap="nowrap">
                      <Text size="sm" lineClamp={1}>
                        {p.name}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="light"
                        data-testid="preset-use"
                        onClick={() =>
                          setEditing({
                            alert: null,
                            draft: { name: p.name, query: p.query, preset: p.preset, competitorId: p.competitorId },
                          })
                        }
                      >
                        {t("alerts.presets.use")}
                      </Button>
                    </Group>
                  ))}
                </Stack>
              </Card>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Group justify="space-between" mb="sm">
            <Group>
              <Select
                size="xs"
                value={alertId ?? ""}
                onChange={(v) => setParams(v ? { alert: v } : {})}
                data={[
                  { value: "", label: t("alerts.filters.allAlerts") },
                  ...(alerts.data ?? []).map((a) => ({ value: a.id, label: a.name })),
                ]}
                allowDeselect={false}
                aria-label={t("alerts.filters.alert")}
              />
              <SegmentedControl
                size="xs"
                value={seen}
                onChange={(v) => setSeen(v as typeof seen)}
                data={[
                  { value: "false", label: t("alerts.filters.unseen") },
                  { value: "true", label: t("alerts.filters.seen") },
                  { value: "all", label: t("alerts.filters.all") },
                ]}
              />
              <SegmentedControl
                size="xs"
                value={kind}
                onChange={(v) => setKind(v as typeof kind)}
                data={[
                  { value: "all", label: t("alerts.filters.allSources") },
                  { value: "feed_item", label: t("alerts.sources.feeds") },
                  { value: "network_post", label: t("alerts.sources.networks") },
                ]}
              />
            </Group>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconCheck size={14} />}
              onClick={() => markSeen.mutate({ all: true, ...(alertId ? { alertId } : {}) })}
            >
              {t("alerts.markAllSeen")}
            </Button>
          </Group>
          {matches.isPending ? (
            <PageLoader />
          ) : matches.isError ? (
            <ErrorState error={matches.error} onRetry={() => matches.refetch()} />
          ) : matches.data.items.length === 0 ? (
            <EmptyState title={t("alerts.noMatches")}>{t("alerts.noMatchesHint")}</EmptyState>
          ) : (
            <Stack gap="xs">
              {matches.data.items.map((m) => (
                <MatchCard
                  key={m.id}
                  match={m}
                  onSeen={() => markSeen.mutate({ ids: [m.id] })}
                  timezone={workspace.timezone}
                />
              ))}
            </Stack>
          )}
        </Grid.Col>
      </Grid>
      <AlertEditor
        workspaceId={w}
        opened={editing !== null}
        alert={editing?.alert ?? null}
        draft={editing?.draft ?? null}
        onClose={() => setEditing(null)}
      />
    </>
  );
}

function MatchCard({ match, onSeen, timezone }: { match: AlertMatch; onSeen: () => void; timezone: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" p="sm" data-testid="alert-match" opacity={match.seen ? 0.65 : 1}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={6} wrap="nowrap">
            {!match.seen && <IconBell size={14} color="var(--mantine-color-red-6)" />}
            <Text fw={600} lineClamp={1}>
              {match.url ? (
                <Anchor href={match.url} target="_blank" rel="noreferrer" inherit>
                  {match.title || match.excerpt.slice(0, 80)}
                </Anchor>
              ) : (
                match.title
              )}
            </Text>
          </Group>
          <Text size="sm" lineClamp={3}>
            {match.excerpt}
          </Text>
          <Text size="xs" c="dimmed">
            {match.kind === "network_post" ? (match.network ?? "") : match.source} ·{" "}
            {formatDateTime(match.publishedAt, timezone)}
            {" · "}
            <Badge size="xs" variant="light">
              {match.alertName}
            </Badge>
          </Text>
        </Stack>
        {!match.seen && (
          <Tooltip label={t("alerts.markSeen")}>
            <ActionIcon variant="subtle" onClick={onSeen} aria-label={t("alerts.markSeen")}>
              <IconEye size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
    </Card>
  );
}
