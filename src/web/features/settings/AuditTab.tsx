import { Button, Code, Paper, Stack, Table, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import type { AuditEntry } from "../../api/types";
import { formatDateTime } from "../../components/format";
import { EmptyState, ErrorState, PageLoader } from "../../components/PageState";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";

const PAGE = 50;

/** One readable line for an entry's data: the e-mail concerned, a role change, a name. */
function useDescribe() {
  const { t } = useTranslation();
  return (e: AuditEntry): string => {
    const d = e.data as Record<string, unknown>;
    const role = (r: unknown) => (typeof r === "string" ? t(`roles.${r}`, { defaultValue: r }) : "");
    const parts: string[] = [];
    if (typeof d.name === "string") parts.push(d.name);
    if (typeof d.email === "string") parts.push(d.email);
    if (d.from && d.to) parts.push(`${role(d.from)} → ${role(d.to)}`);
    else if (d.role) parts.push(role(d.role));
    return parts.join(" · ");
  };
}

/** The workspace's audit log, newest first, paged with "load more" (manager+). */
export function AuditTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const describe = useDescribe();
  const log = useInfiniteQuery({
    queryKey: ["workspaces", workspace.id, "audit"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/workspaces/{workspaceId}/audit", {
          params: {
            path: { workspaceId: workspace.id },
            query: { limit: PAGE, ...(pageParam ? { before: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => (last.length === PAGE ? last[last.length - 1]?.createdAt : undefined),
  });
  if (log.isPending) return <PageLoader />;
  if (log.isError) return <ErrorState error={log.error} onRetry={() => log.refetch()} />;
  const entries = log.data.pages.flat();
  if (entries.length === 0) return <EmptyState title={t("audit.empty")} />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t("audit.intro", { timezone: workspace.timezone })}
      </Text>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("audit.when")}</Table.Th>
                <Table.Th>{t("audit.who")}</Table.Th>
                <Table.Th>{t("audit.what")}</Table.Th>
                <Table.Th>{t("audit.details")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(e.createdAt, workspace.timezone)}
                  </Table.Td>
                  <Table.Td>{e.actor ? e.actor.name : t("audit.system")}</Table.Td>
                  <Table.Td>
                    {t(`audit.actions.${e.action.replace(".", "_")}`, { defaultValue: "" }) || <Code>{e.action}</Code>}
                  </Table.Td>
                  <Table.Td>{describe(e)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {log.hasNextPage && (
        <Button
          variant="default"
          onClick={() => log.fetchNextPage()}
          loading={log.isFetchingNextPage}
          style={{ alignSelf: "center" }}
        >
          {t("audit.more")}
        </Button>
      )}
    </Stack>
  );
}
