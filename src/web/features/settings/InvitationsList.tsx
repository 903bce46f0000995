import { Badge, Button, Paper, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Invitation } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatDate } from "../../components/format";
import { ErrorState, PageLoader } from "../../components/PageState";
import { RoleBadge } from "../../components/RoleBadge";
import { useAction } from "../../components/use-action";
import { useInvitations, useMemberActions } from "./members-api";

/** Pending invitations, each revocable (manager+). */
export function InvitationsList({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const list = useInvitations(workspaceId, true);
  const actions = useMemberActions(workspaceId);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useAction((inv: Invitation) => actions.revoke(inv.id), {
    success: t("invitations.revoked"),
    onSuccess: () => setRevoking(null),
  });
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t("invitations.title")}
      </Title>
      {list.isPending && <PageLoader />}
      {list.isError && <ErrorState error={list.error} onRetry={() => list.refetch()} />}
      {list.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("invitations.empty")}
        </Text>
      )}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("fields.email")}</Table.Th>
                <Table.Th>{t("invite.role")}</Table.Th>
                <Table.Th>{t("invitations.invitedBy")}</Table.Th>
                <Table.Th>{t("invitations.expires")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("common.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((inv) => (
                <Table.Tr key={inv.id}>
                  <Table.Td>{inv.email}</Table.Td>
                  <Table.Td>
                    <RoleBadge role={inv.role} />
                  </Table.Td>
                  <Table.Td>{inv.invitedBy ?? "—"}</Table.Td>
                  <Table.Td>
                    {inv.expired ? <Badge color="red">{t("invitations.expired")}</Badge> : formatDate(inv.expiresAt)}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(inv)}>
                      {t("invitations.revoke")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        loading={revoke.isPending}
        title={t("invitations.revokeTitle")}
        message={t("invitations.revokeConfirm", { email: revoking?.email ?? "" })}
        confirmLabel={t("invitations.revoke")}
      />
    </Paper>
  );
}
