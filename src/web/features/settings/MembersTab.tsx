import { Button, Group, Paper, Select, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { type Member, ROLES, type Role } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatDate } from "../../components/format";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { RoleBadge } from "../../components/RoleBadge";
import { useAction } from "../../components/use-action";
import { useCurrentSession } from "../auth/RequireAuth";
import { canAssign, permissionsOf } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { InvitationsList } from "./InvitationsList";
import { InviteForm } from "./InviteForm";
import { useMemberActions, useMembers } from "./members-api";

type Pending = { kind: "remove"; member: Member } | { kind: "leave"; member: Member } | null;

/** Members and roles; managers also invite, change roles and remove. Anyone can leave. */
export function MembersTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const { user } = useCurrentSession();
  const navigate = useNavigate();
  const { canManageMembers } = permissionsOf(workspace);
  const members = useMembers(workspace.id);
  const actions = useMemberActions(workspace.id);
  const [pending, setPending] = useState<Pending>(null);
  const changeRole = useAction((a: { userId: string; role: Role }) => actions.changeRole(a.userId, a.role), {
    success: t("members.roleChanged"),
  });
  const remove = useAction((m: Member) => actions.remove(m.userId), {
    success: t("members.removed"),
    onSuccess: () => setPending(null),
  });
  const leave = useAction((m: Member) => actions.leave(m.userId), {
    success: t("members.left", { name: workspace.name }),
    onSuccess: () => {
      setPending(null);
      navigate("/", { replace: true });
    },
  });

  const roleCell = (m: Member) => {
    const options = ROLES.filter((r) => r === m.role || canAssign(workspace.role, m.role, r));
    if (!canManageMembers || m.userId === user.id || options.length <= 1) return <RoleBadge role={m.role} />;
    return (
      <Select
        aria-label={t("members.roleOf", { name: m.name })}
        size="xs"
        w={160}
        value={m.role}
        allowDeselect={false}
        disabled={changeRole.isPending}
        data={options.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        onChange={(v) => v && v !== m.role && changeRole.mutate({ userId: m.userId, role: v as Role })}
      />
    );
  };
  const actionCell = (m: Member) => {
    if (m.userId === user.id) {
      return (
        <Button size="xs" variant="subtle" color="red" onClick={() => setPending({ kind: "leave", member: m })}>
          {t("members.leave")}
        </Button>
      );
    }
    if (!canManageMembers || (m.role === "owner" && workspace.role !== "owner")) return null;
    return (
      <Button size="xs" variant="subtle" color="red" onClick={() => setPending({ kind: "remove", member: m })}>
        {t("members.remove")}
      </Button>
    );
  };

  return (
    <Stack gap="lg">
      {canManageMembers && <InviteForm workspaceId={workspace.id} myRole={workspace.role} />}
      <Paper withBorder p="lg" radius="md">
        <Title order={2} size="h4" mb="sm">
          {t("members.title")}
        </Title>
        {members.isPending && <PageLoader />}
        {members.isError && <ErrorState error={members.error} onRetry={() => members.refetch()} />}
        {members.data?.length === 0 && <EmptyState title={t("members.empty")} />}
        {members.data && members.data.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("fields.name")}</Table.Th>
                  <Table.Th>{t("fields.email")}</Table.Th>
                  <Table.Th>{t("members.role")}</Table.Th>
                  <Table.Th>{t("members.joined")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("common.actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.data.map((m) => (
                  <Table.Tr key={m.userId}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={500}>
                          {m.name}
                        </Text>
                        {m.userId === user.id && (
                          <Text size="xs" c="dimmed">
                            {t("members.you")}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{m.email}</Table.Td>
                    <Table.Td>{roleCell(m)}</Table.Td>
                    <Table.Td>{formatDate(m.joinedAt)}</Table.Td>
                    <Table.Td ta="right">{actionCell(m)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {canManageMembers && <InvitationsList workspaceId={workspace.id} />}
      <ConfirmDialog
        opened={pending !== null}
        onClose={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === "remove") remove.mutate(pending.member);
          if (pending?.kind === "leave") leave.mutate(pending.member);
        }}
        loading={remove.isPending || leave.isPending}
        title={pending?.kind === "leave" ? t("members.leaveTitle") : t("members.removeTitle")}
        message={
          pending?.kind === "leave"
            ? t("members.leaveConfirm", { name: workspace.name })
            : t("members.removeConfirm", { name: pending?.member.name ?? "" })
        }
        confirmLabel={pending?.kind === "leave" ? t("members.leave") : t("members.remove")}
      />
    </Stack>
  );
}
