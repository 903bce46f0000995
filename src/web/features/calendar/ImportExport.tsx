import {
  Alert,
  Badge,
  Button,
  Drawer,
  FileButton,
  Group,
  Menu,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconCalendarShare, IconDownload, IconFileImport, IconRefresh } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { CopyField } from "../../components/CopyField";
import { useAction } from "../../components/use-action";
import { keys, paths } from "../publishing/publishing-api";
import type { ImportReport } from "../publishing/types";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";

/** CSV import (report row by row, then confirm), CSV export and the secret iCal feed URL. */
export function ImportExport({ range }: { range: { from: string; to: string } | null }) {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const [panel, setPanel] = useState<"import" | "ical" | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [icalUrl, setIcalUrl] = useState<string | null>(null);

  const send = async (f: File, dryRun: boolean) =>
    unwrap(
      api.POST("/api/workspaces/{workspaceId}/posts/import", {
        params: { path: { workspaceId: w }, query: { dryRun: String(dryRun) as "true" | "false" } },
        body: { csv: await f.text() },
      }),
    );
  const preview = useAction((f: File) => send(f, true), { onSuccess: (r) => setReport(r) });
  const confirm = useAction((f: File) => send(f, false), {
    onSuccess: async (r) => {
      setReport(r);
      await qc.invalidateQueries({ queryKey: keys.calendar(w) });
    },
  });
  const rotate = useAction(
    () => unwrap(api.POST("/api/workspaces/{workspaceId}/ical", { params: { path: { workspaceId: w } } })),
    {
      success: t("io.icalRotated"),
      onSuccess: (r) => setIcalUrl(r.url),
    },
  );
  const invalid = report?.rows.filter((r) => !r.ok).length ?? 0;

  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default">{t("io.menu")}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          {canEdit && (
            <Menu.Item leftSection={<IconFileImport size={16} />} onClick={() => setPanel("import")}>
              {t("io.import")}
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={<IconDownload size={16} />}
            component="a"
            href={`${paths.exportCsv(w)}?${new URLSearchParams(range ?? {}).toString()}`}
            download
            disabled={!range}
          >
            {t("io.export")}
          </Menu.Item>
          <Menu.Item leftSection={<IconCalendarShare size={16} />} onClick={() => setPanel("ical")}>
            {t("io.ical")}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>

      <Drawer
        opened={panel === "import"}
        onClose={() => setPanel(null)}
        position="right"
        size="xl"
        title={t("io.import")}
      >
        <Stack>
          <Text size="sm">{t("io.importHelp")}</Text>
          <Text size="xs" c="dimmed" ff="monospace">
            date,time,accounts,text,link,media_url,tags
          </Text>
          <Group>
            <FileButton
              accept=".csv,text/csv"
              onChange={(f) => {
                setFile(f);
                setReport(null);
                if (f) preview.mutate(f);
              }}
            >
              {(props) => (
                <Button {...props} leftSection={<IconFileImport size={16} />} loading={preview.isPending}>
                  {t("io.chooseFile")}
                </Button>
              )}
            </FileButton>
            {file && <Text size="sm">{file.name}</Text>}
          </Group>
          {report && (
            <>
              {!report.dryRun ? (
                <Alert color="teal">{t("io.created", { count: report.created })}</Alert>
              ) : (
                <Alert color={invalid ? "orange" : "blue"}>
                  {t("io.reportSummary", { ok: report.rows.length - invalid, bad: invalid })}
                </Alert>
              )}
              <ScrollArea h={420}>
                <Table striped withTableBorder>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("io.row")}</Table.Th>
                      <Table.Th>{t("io.result")}</Table.Th>
                      <Table.Th>{t("io.details")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {report.rows.map((r) => (
                      <Table.Tr key={r.line}>
                        <Table.Td>{r.line}</Table.Td>
                        <Table.Td>
                          <Badge color={r.ok ? "teal" : "red"}>{r.ok ? t("io.ok") : t("io.error")}</Badge>
                        </Table.Td>
                        <Table.Td>
                          {r.errors.map((e) => (
                            <Text key={`${e.column}-${e.code}`} size="xs" c="red.8">
                              {e.column ? `${e.column} — ` : ""}
                              {e.message}
                            </Text>
                          ))}
                          {r.warnings.map((e) => (
                            <Text key={`${e.column}-${e.code}`} size="xs" c="orange.9">
                              {e.column ? `${e.column} — ` : ""}
                              {e.message}
                            </Text>
                          ))}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
              {report.dryRun && (
                <Group justify="flex-end">
                  <Button
                    disabled={!file || invalid > 0 || report.rows.length === 0}
                    loading={confirm.isPending}
                    onClick={() => file && confirm.mutate(file)}
                  >
                    {t("io.confirm", { count: report.rows.length })}
                  </Button>
                </Group>
              )}
              {invalid > 0 && report.dryRun && (
                <Text size="sm" c="dimmed">
                  {t("io.fixFirst")}
                </Text>
              )}
            </>
          )}
        </Stack>
      </Drawer>

      <Drawer opened={panel === "ical"} onClose={() => setPanel(null)} position="right" size="md" title={t("io.ical")}>
        <Stack>
          <Title order={3} size="h5">
            {t("io.icalTitle")}
          </Title>
          <Text size="sm">{t("io.icalHelp")}</Text>
          {icalUrl ? (
            <CopyField label={t("io.icalUrl")} value={icalUrl} description={t("io.icalOnce")} />
          ) : (
            <Text size="sm" c="dimmed">
              {t("io.icalHidden")}
            </Text>
          )}
          {canEdit && (
            <Button
              variant="light"
              leftSection={<IconRefresh size={16} />}
              loading={rotate.isPending}
              onClick={() => rotate.mutate(undefined)}
              style={{ alignSelf: "flex-start" }}
            >
              {icalUrl ? t("io.icalRotate") : t("io.icalCreate")}
            </Button>
          )}
        </Stack>
      </Drawer>
    </>
  );
}
