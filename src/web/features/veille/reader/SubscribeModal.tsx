import { Alert, Button, Group, Modal, Radio, Select, Stack, Text, TextInput } from "@mantine/core";
import { IconRss } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/errors";
import { type Folder, type SubscribeResult, veilleActions } from "../veille-api";

/**
 * Subscribe by a feed URL or a site URL. When the site announces several feeds the server answers
 * "choose": the choices are listed and the one picked is subscribed.
 */
export function SubscribeModal({
  workspaceId,
  folders,
  opened,
  onClose,
  onSubscribed,
}: {
  workspaceId: string;
  folders: Folder[];
  opened: boolean;
  onClose: () => void;
  onSubscribed: (result: Extract<SubscribeResult, { status: "subscribed" }>) => void;
}) {
  const { t } = useTranslation();
  const [url, setUrl] = useState("");
  const [folderId, setFolderId] = useState<string | null>(null);
  const [choices, setChoices] = useState<Extract<SubscribeResult, { status: "choose" }>["choices"] | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setUrl("");
    setChoices(null);
    setChoice(null);
    setError(null);
  };
  const close = () => {
    reset();
    onClose();
  };

  const submit = async (target: string) => {
    setBusy(true);
    setError(null);
    try {
      const r = await veilleActions.subscribe(workspaceId, { url: target, ...(folderId ? { folderId } : {}) });
      if (r.status === "choose") {
        setChoices(r.choices);
        setChoice(r.choices[0]?.url ?? null);
        return;
      }
      reset();
      onSubscribed(r);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t("errors.unexpected"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={t("veille.subscribe.title")} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (choices && choice) void submit(choice);
          else if (url.trim()) void submit(url.trim());
        }}
      >
        <Stack>
          <TextInput
            label={t("veille.subscribe.url")}
            description={t("veille.subscribe.urlHint")}
            placeholder="https://www.exemple.fr/"
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              setChoices(null);
            }}
            leftSection={<IconRss size={16} />}
            data-autofocus
            required
          />
          {folders.length > 0 && (
            <Select
              label={t("veille.subscribe.folder")}
              placeholder={t("veille.subscribe.noFolder")}
              clearable
              value={folderId}
              onChange={setFolderId}
              data={folders.map((f) => ({ value: f.id, label: f.name }))}
            />
          )}
          {choices && (
            <Radio.Group
              label={t("veille.subscribe.choose")}
              description={t("veille.subscribe.chooseHint")}
              value={choice}
              onChange={setChoice}
            >
              <Stack gap="xs" mt="xs" data-testid="feed-choices">
                {choices.map((c) => (
                  <Radio
                    key={c.url}
                    value={c.url}
                    label={
                      <Text size="sm">
                        {c.title || c.url}{" "}
                        <Text span size="xs" c="dimmed">
                          ({c.type.toUpperCase()}) {c.url}
                        </Text>
                      </Text>
                    }
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {error && (
            <Alert color="red" data-testid="subscribe-error">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {choices ? t("veille.subscribe.subscribeChoice") : t("veille.subscribe.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
