import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconRefresh } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { formatDateTime } from "../../components/format";
import { notifySuccess } from "../../components/notify";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { InteractionRow } from "../inbox/InteractionRow";
import { networkColor } from "../publishing/networks";
import { keys, useNetworks } from "../publishing/publishing-api";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import {
  accountActions,
  accountKeys,
  useAccount,
  useAccountInteractions,
  useAccountMetrics,
  useAccountSync,
} from "./accounts-api";
import { ConnectModal } from "./ConnectModal";
import { FollowersSparkline } from "./Sparkline";

function formatCount(n: number | null | undefined): string {
  return n == null ? "—" : new Intl.NumberFormat().format(n);
}

/**
 * One account's page (from "Comptes & réseaux"): connection status with the reconnect flow, last sync and
 * its error, latest counters with a followers sparkline, and the recent interactions with links to the
 * network and to our post.
 */
export default function AccountDetailPage() {
  const { t } = useTranslation();
  const { accountId = "" } = useParams();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const canManage = ["owner", "manager"].includes(workspace.role);
  const networks = useNetworks();
  const [reconnecting, setReconnecting] = useState(false);

  const account = useAccount(w, accountId);
  const sync = useAccountSync(w, accountId);
  const interactions = useAccountInteractions(w, accountId);
  const metrics = useAccountMetrics(w, accountId);
  const refreshAll = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.accounts(w) }),
      qc.invalidateQueries({ queryKey: accountKeys.sync(w, accountId) }),
      qc.invalidateQueries({ queryKey: accountKeys.interactions(w, accountId) }),
      qc.invalidateQueries({ queryKey: accountKeys.metrics(w, accountId) }),
    ]);

  const syncNow = useAction(() => accountActions.syncNow(w, accountId), {
    onSuccess: async (r) => {
      if (r.result.status === "ok") notifySuccess(t("accountDetail.synced", { count: r.result.inserted }));
      await refreshAll();
    },
  });

  if (account.isPending) return <PageLoader />;
  if (account.isError) return <ErrorState error={account.error} onRetry={() => account.refetch()} />;
  const a = account.data;
  const network = networks.data?.find((n) => n.id === a.network);
  const s = sync.data;

  return (
    <>
      <Anchor component={Link} to=".." relative="path" size="sm" mb="xs" display="inline-flex">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          {t("accountDetail.back")}
        </Group>
      </Anchor>
      <PageTitle
        title={a.displayName}
        subtitle={
          <Group gap="xs" component="span">
            <Badge variant="light" color={networkColor(a.network)}>
              {network?.label ?? a.network}
            </Badge>
            {a.handle && <span>{a.handle}</span>}
          </Group>
        }
        actions={
          canManage && s?.canSync ? (
            <Button
              leftSection={<IconRefresh size={16} />}
              loading={syncNow.isPending}
              disabled={a.status !== "active"}
              onClick={() => syncNow.mutate(undefined)}
            >
              {t("accountDetail.syncNow")}
            </Button>
          ) : null
        }
      />
      <Stack gap="lg">
        {a.status === "reconnect_needed" && (
          <Alert color="red" title={t("accountDetail.reconnectTitle")} data-testid="reconnect-alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{t("accountDetail.reconnectText")}</Text>
              {a.statusReason && (
                <Text size="sm" c="red.9">
                  {t("accountDetail.networkSaid", { reason: a.statusReason })}
                </Text>
              )}
              {canManage && network && (
                <Button color="red" leftSection={<IconRefresh size={16} />} onClick={() => setReconnecting(true)}>
                  {t("accounts.reconnect")}
                </Button>
              )}
            </Stack>
          </Alert>
        )}

        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="sm">
              {t("accountDetail.statusTitle")}
            </Title>
            <Stack gap={6}>
              <Group gap="xs">
                <Text size="sm" c="dimmed" w={170}>
                  {t("accounts.status")}
                </Text>
                <Badge color={a.status === "active" ? "teal" : a.status === "reconnect_needed" ? "red" : "gray"}>
                  {t(`accounts.statuses.${a.status}`)}
                </Badge>
              </Group>
              <Group gap="xs">
                <Text size="sm" c="dimmed" w={170}>
                  {t("accountDetail.lastSync")}
                </Text>
                <Text size="sm">{s?.canSync ? formatDateTime(s.lastSyncedAt) : t("accountDetail.notSynced")}</Text>
              </Group>
              {s?.nextSyncNotBefore && (
                <Group gap="xs">
                  <Text size="sm" c="dimmed" w={170}>
                    {t("accountDetail.waitUntil")}
                  </Text>
                  <Text size="sm">{formatDateTime(s.nextSyncNotBefore)}</Text>
                </Group>
              )}
              {s?.lastSyncError && (
                <Alert color="orange" variant="light" p="xs" title={t("accountDetail.lastError")}>
                  <Text size="xs">{formatDateTime(s.lastSyncErrorAt)}</Text>
                  <Text size="sm" style={{ wordBreak: "break-word" }}>
                    {s.lastSyncError}
                  </Text>
                </Alert>
              )}
              {s?.backfillPending && (
                <Text size="xs" c="dimmed">
                  {t("accountDetail.backfill")}
                </Text>
              )}
            </Stack>
          </Card>

          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="sm">
              {t("accountDetail.audienceTitle")}
            </Title>
            {metrics.isError ? (
              <ErrorState error={metrics.error} onRetry={() => metrics.refetch()} />
            ) : (
              <Stack gap="sm">
                <SimpleGrid cols={3}>
                  {(["followers", "following", "posts"] as const).map((k) => (
                    <div key={k}>
                      <Text size="xl" fw={700} data-testid={`counter-${k}`}>
                        {formatCount(metrics.data?.latest?.[k])}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`accountDetail.counters.${k}`)}
                      </Text>
                    </div>
                  ))}
                </SimpleGrid>
                <FollowersSparkline
                  points={(metrics.data?.series ?? []).flatMap((p) =>
                    p.followers == null ? [] : [{ at: p.takenAt, value: p.followers }],
                  )}
                  label={t("accountDetail.sparkline")}
                  emptyLabel={t("accountDetail.noSeries")}
                />
                {metrics.data?.latest && (
                  <Text size="xs" c="dimmed">
                    {t("accountDetail.takenAt", { at: formatDateTime(metrics.data.latest.takenAt) })}
                  </Text>
                )}
              </Stack>
            )}
          </Card>
        </SimpleGrid>

        <section aria-labelledby="recent-interactions">
          <Title order={2} size="h4" mb="sm" id="recent-interactions">
            {t("accountDetail.interactionsTitle")}
          </Title>
          {interactions.isPending ? (
            <PageLoader />
          ) : interactions.isError ? (
            <ErrorState error={interactions.error} onRetry={() => interactions.refetch()} />
          ) : interactions.data.items.length === 0 ? (
            <EmptyState title={t("accountDetail.noInteractions")}>
              {s?.canSync ? t("accountDetail.noInteractionsText") : t("accountDetail.cannotSync")}
            </EmptyState>
          ) : (
            <Stack gap="xs" data-testid="interactions">
              {interactions.data.items.map((i) => (
                <InteractionRow key={i.id} item={i} workspaceId={w} />
              ))}
            </Stack>
          )}
        </section>
      </Stack>
      {reconnecting && network && (
        <ConnectModal
          workspaceId={w}
          network={network}
          account={a}
          onClose={() => {
            setReconnecting(false);
            void refreshAll();
          }}
        />
      )}
    </>
  );
}
