import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconClock,
  IconHourglass,
  IconPlugConnected,
  IconRefresh,
  IconStethoscope,
  IconTrash,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatDateTime } from "../../components/format";
import { notifySuccess } from "../../components/notify";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { useAction } from "../../components/use-action";
import { networkColor } from "../publishing/networks";
import { keys, useAccounts, useNetworks } from "../publishing/publishing-api";
import type { NetworkInfo, SocialAccount } from "../publishing/types";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { accountActions } from "./accounts-api";
import { ConnectModal } from "./ConnectModal";
import { useMastodonReturn } from "./MastodonConnect";
import { SlotsEditor } from "./SlotsEditor";

/** "Comptes & réseaux": the connected accounts, their health, and the networks one can connect. */
export default function AccountsPage() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const accounts = useAccounts(w);
  const networks = useNetworks();
  const canManage = ["owner", "manager"].includes(workspace.role);
  const [connect, setConnect] = useState<{ network: NetworkInfo; account?: SocialAccount } | null>(null);
  const [removing, setRemoving] = useState<SocialAccount | null>(null);
  const [slotsOf, setSlotsOf] = useState<SocialAccount | null>(null);
  // Posting slots are editable by editors and above (posts.write on the server); others only read them.
  const canEditSlots = ["owner", "manager", "editor"].includes(workspace.role);
  const refresh = () => qc.invalidateQueries({ queryKey: keys.accounts(w) });
  useMastodonReturn(w);

  const check = useAction((a: SocialAccount) => accountActions.check(w, a.id), {
    onSuccess: async (r) => {
      if (r.check.ok) notifySuccess(t("accounts.checkOk", { name: r.account.displayName }));
      else
        notifications.show({
          color: r.check.temporary ? "orange" : "red",
          title: t(r.check.temporary ? "accounts.checkTemporary" : "accounts.checkFailed", {
            name: r.account.displayName,
          }),
          message: r.check.reason ?? "",
          autoClose: 10_000,
        });
      await refresh();
    },
  });
  const remove = useAction((a: SocialAccount) => accountActions.remove(w, a.id), {
    success: t("accounts.removed"),
    onSuccess: async () => {
      setRemoving(null);
      await refresh();
    },
  });

  const networkOf = (id: string) => networks.data?.find((n) => n.id === id);
  const connectable = (networks.data ?? []).filter((n) => n.connectable);
  const soon = (networks.data ?? []).filter((n) => !n.connectable);

  return (
    <>
      <PageTitle title={t("modules.connectors.title")} subtitle={t("accounts.subtitle")} />
      <Stack gap="xl">
        <section aria-labelledby="accounts-connected">
          <Title order={2} size="h4" mb="sm" id="accounts-connected">
            {t("accounts.connectedTitle")}
          </Title>
          {accounts.isPending ? (
            <PageLoader />
          ) : accounts.isError ? (
            <ErrorState error={accounts.error} onRetry={() => accounts.refetch()} />
          ) : accounts.data.length === 0 ? (
            <EmptyState title={t("accounts.emptyTitle")}>{t("accounts.emptyText")}</EmptyState>
          ) : (
            <Table withTableBorder highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("accounts.name")}</Table.Th>
                  <Table.Th>{t("accounts.network")}</Table.Th>
                  <Table.Th>{t("accounts.status")}</Table.Th>
                  <Table.Th>{t("accounts.lastChecked")}</Table.Th>
                  <Table.Th>{t("slots.column")}</Table.Th>
                  {canManage && <Table.Th>{t("common.actions")}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {accounts.data.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor component={Link} to={a.id} fw={500} data-testid="account-link">
                        {a.displayName}
                      </Anchor>
                      {a.handle && (
                        <Text size="xs" c="dimmed">
                          {a.handle}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={networkColor(a.network)}>
                        {networkOf(a.network)?.label ?? a.network}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={a.status === "active" ? "teal" : a.status === "reconnect_needed" ? "red" : "gray"}>
                        {t(`accounts.statuses.${a.status}`)}
                      </Badge>
                      {a.status !== "active" && a.statusReason && (
                        <Text size="xs" c="red.8" mt={4} maw={320}>
                          {a.statusReason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(a.lastCheckedAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconClock size={14} />}
                        aria-label={t("slots.openNamed", { name: a.displayName })}
                        onClick={() => setSlotsOf(a)}
                      >
                        {t("slots.open")}
                      </Button>
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Tooltip label={t("accounts.check")}>
                            <ActionIcon
                              variant="subtle"
                              aria-label={t("accounts.checkNamed", { name: a.displayName })}
                              loading={check.isPending && check.variables?.id === a.id}
                              onClick={() => check.mutate(a)}
                            >
                              <IconStethoscope size={18} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label={t("accounts.reconnect")}>
                            <ActionIcon
                              variant={a.status === "reconnect_needed" ? "filled" : "subtle"}
                              color={a.status === "reconnect_needed" ? "red" : undefined}
                              aria-label={t("accounts.reconnectNamed", { name: a.displayName })}
                              disabled={!networkOf(a.network)}
                              onClick={() => {
                                const n = networkOf(a.network);
                                if (n) setConnect({ network: n, account: a });
                              }}
                            >
                              <IconRefresh size={18} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label={t("accounts.remove")}>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={t("accounts.removeNamed", { name: a.displayName })}
                              onClick={() => setRemoving(a)}
                            >
                              <IconTrash size={18} />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </section>

        <section aria-labelledby="accounts-networks">
          <Title order={2} size="h4" mb="sm" id="accounts-networks">
            {t("accounts.networksTitle")}
          </Title>
          {networks.isError && <ErrorState error={networks.error} onRetry={() => networks.refetch()} />}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            {connectable.map((n) => (
              <Card key={n.id} withBorder radius="md">
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={600}>{n.label}</Text>
                    <Badge color={networkColor(n.id)} variant="light">
                      {t("accounts.available")}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {t(`accounts.networkHelp.${n.id}`, { defaultValue: "" })}
                  </Text>
                  {canManage && (
                    <Button
                      leftSection={<IconPlugConnected size={16} />}
                      onClick={() => setConnect({ network: n })}
                      aria-label={t("accounts.connectNetwork", { network: n.label })}
                    >
                      {t("accounts.connect")}
                    </Button>
                  )}
                </Stack>
              </Card>
            ))}
            {soon.map((n) => (
              <Card key={n.id} withBorder radius="md" bg="gray.0">
                <Group justify="space-between">
                  <Text fw={600} c="dimmed">
                    {n.label}
                  </Text>
                  <Badge color="orange" variant="light" leftSection={<IconHourglass size={12} aria-hidden />}>
                    {t("accounts.soon")}
                  </Badge>
                </Group>
              </Card>
            ))}
          </SimpleGrid>
        </section>
      </Stack>
      {connect && (
        <ConnectModal
          workspaceId={w}
          network={connect.network}
          account={connect.account}
          onClose={() => setConnect(null)}
        />
      )}
      {slotsOf && (
        <SlotsEditor workspaceId={w} account={slotsOf} readOnly={!canEditSlots} onClose={() => setSlotsOf(null)} />
      )}
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        title={t("accounts.removeTitle")}
        message={t("accounts.removeText", { name: removing?.displayName ?? "" })}
        confirmLabel={t("accounts.remove")}
        loading={remove.isPending}
      />
    </>
  );
}
