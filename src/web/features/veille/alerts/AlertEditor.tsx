import {
  Anchor,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Alert as MantineAlert,
  Modal,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/errors";
import { useAction } from "../../../components/use-action";
import { type Alert, alertActions, type EmailMode, keys, type Preview } from "./alerts-api";

export interface AlertDraft {
  name: string;
  query: string;
  preset?: "brand" | "competitor" | null;
  competitorId?: string | null;
}

/**
 * Create or edit an alert: the query is checked live against the server's parser (a debounced preview
 * over the latest feed items), so the editor shows the parser's own translated message with its
 * position, or what the query would have matched.
 */
export function AlertEditor({
  workspaceId,
  alert,
  draft,
  opened,
  onClose,
}: {
  workspaceId: string;
  alert: Alert | null;
  draft: AlertDraft | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [query, setQuery] = useState("");
  const [searchFeeds, setSearchFeeds] = useState(true);
  const [searchNetworks, setSearchNetworks] = useState(false);
  const [notifyInApp, setNotifyInApp] = useState(true);
  const [emailMode, setEmailMode] = useState<EmailMode>("none");
  const [recipients, setRecipients] = useState<string[]>([]);
  const [digestTime, setDigestTime] = useState("08:00");
  const [digestWeekday, setDigestWeekday] = useState("1");
  const [webhookUrl, setWebhookUrl] = useState("");
  const [secret, setSecret] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setName(alert?.name ?? draft?.name ?? "");
    setQuery(alert?.query ?? draft?.query ?? "");
    setSearchFeeds(alert?.searchFeeds ?? true);
    setSearchNetworks(alert?.searchNetworks ?? false);
    setNotifyInApp(alert?.notifyInApp ?? true);
    setEmailMode(alert?.emailMode ?? "none");
    setRecipients(alert?.emailRecipients ?? []);
    setDigestTime(alert?.digestTime ?? "08:00");
    setDigestWeekday(String(alert?.digestWeekday ?? 1));
    setWebhookUrl(alert?.webhookUrl ?? "");
    setSecret(null);
  }, [opened, alert, draft]);

  const [debounced] = useDebouncedValue(query, 400);
  const preview = useQuery({
    queryKey: ["alerts", workspaceId, "preview", debounced],
    enabled: opened && debounced.trim().length > 0,
    retry: false,
    queryFn: () => alertActions.preview(workspaceId, { query: debounced, limit: 500 }),
  });
  const queryError =
    preview.error instanceof ApiError && preview.error.code === "alert_query_invalid" ? preview.error.message : null;

  const body = {
    name,
    query,
    searchFeeds,
    searchNetworks,
    notifyInApp,
    emailMode,
    emailRecipients: recipients,
    digestTime,
    digestWeekday: Number(digestWeekday),
    webhookUrl: webhookUrl.trim() || null,
  };
  const save = useAction(
    () =>
      alert
        ? alertActions.update(workspaceId, alert.id, body)
        : alertActions.create(workspaceId, {
            ...body,
            preset: draft?.preset ?? null,
            competitorId: draft?.competitorId ?? null,
          }),
    {
      success: t("alerts.editor.saved"),
      onSuccess: async (saved) => {
        await qc.invalidateQueries({ queryKey: keys.alerts(workspaceId) });
        if (saved.webhookSecret) setSecret(saved.webhookSecret);
        else onClose();
      },
    },
  );

  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`alerts.weekdays.${d}`) }));

  if (secret) {
    return (
      <Modal opened={opened} onClose={onClose} title={t("alerts.editor.secretTitle")} size="lg">
        <Stack>
          <Text size="sm">{t("alerts.editor.secretHelp")}</Text>
          <Code block data-testid="webhook-secret">
            {secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? t("alerts.editor.copied") : t("alerts.editor.copy")}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>{t("common.close")}</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={alert ? t("alerts.editor.editTitle") : t("alerts.editor.newTitle")}
      size="xl"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined);
        }}
      >
        <Stack>
          <TextInput
            label={t("alerts.editor.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
          />
          <Textarea
            label={t("alerts.editor.query")}
            description={t("alerts.editor.queryHelp")}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            autosize
            minRows={2}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            error={queryError}
            data-testid="alert-query"
            required
          />
          <QueryFeedback preview={preview.data} loading={preview.isFetching} error={queryError} />
          <Group grow align="flex-start">
            <Switch
              label={t("alerts.editor.searchFeeds")}
              checked={searchFeeds}
              onChange={(e) => setSearchFeeds(e.currentTarget.checked)}
            />
            <Switch
              label={t("alerts.editor.searchNetworks")}
              description={t("alerts.editor.searchNetworksHelp")}
              checked={searchNetworks}
              onChange={(e) => setSearchNetworks(e.currentTarget.checked)}
            />
            <Switch
              label={t("alerts.editor.notifyInApp")}
              checked={notifyInApp}
              onChange={(e) => setNotifyInApp(e.currentTarget.checked)}
            />
          </Group>
          <Group grow align="flex-start">
            <Select
              label={t("alerts.editor.emailMode")}
              value={emailMode}
              onChange={(v) => setEmailMode((v as EmailMode) ?? "none")}
              data={(["none", "immediate", "daily", "weekly"] as const).map((m) => ({
                value: m,
                label: t(`alerts.emailModes.${m}`),
              }))}
              allowDeselect={false}
            />
            {(emailMode === "daily" || emailMode === "weekly") && (
              <TextInput
                label={t("alerts.editor.digestTime")}
                type="time"
                value={digestTime}
                onChange={(e) => setDigestTime(e.currentTarget.value)}
              />
            )}
            {emailMode === "weekly" && (
              <Select
                label={t("alerts.editor.digestWeekday")}
                value={digestWeekday}
                onChange={(v) => setDigestWeekday(v ?? "1")}
                data={weekdays}
                allowDeselect={false}
              />
            )}
          </Group>
          {emailMode !== "none" && (
            <TagsInput
              label={t("alerts.editor.recipients")}
              description={t("alerts.editor.recipientsHelp")}
              value={recipients}
              onChange={setRecipients}
              splitChars={[",", " ", ";"]}
            />
          )}
          <TextInput
            label={t("alerts.editor.webhook")}
            description={t("alerts.editor.webhookHelp")}
            placeholder="https://"
            value={webhookUrl}
            onChange={(e) => setWebhookUrl(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!!queryError}>
              {t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function QueryFeedback({ preview, loading, error }: { preview?: Preview; loading: boolean; error: string | null }) {
  const { t } = useTranslation();
  if (error) return null;
  if (loading && !preview) return <Loader size="xs" />;
  if (!preview) return null;
  return (
    <MantineAlert
      variant="light"
      color={preview.matches.length ? "teal" : "gray"}
      icon={preview.matches.length ? <IconCheck size={16} /> : <IconAlertTriangle size={16} />}
      data-testid="alert-preview"
      title={t("alerts.editor.previewCount", { count: preview.matches.length, scanned: preview.scanned })}
    >
      <Stack gap={4}>
        {preview.matches.slice(0, 5).map((m) => (
          <Text key={m.itemId} size="sm" lineClamp={2}>
            {m.url ? (
              <Anchor href={m.url} target="_blank" rel="noreferrer">
                {m.title}
              </Anchor>
            ) : (
              m.title
            )}{" "}
            <Text span c="dimmed" size="xs">
              — {m.source}
            </Text>
          </Text>
        ))}
      </Stack>
    </MantineAlert>
  );
}
