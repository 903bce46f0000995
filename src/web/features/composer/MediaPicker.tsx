import {
  ActionIcon,
  Button,
  Checkbox,
  FileButton,
  Group,
  Image,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconLink, IconPhotoPlus, IconTrash, IconUpload } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { call } from "../publishing/http";
import { keys, paths, useMedia } from "../publishing/publishing-api";
import type { Media } from "../publishing/types";
import { RenditionsButton } from "./RenditionsPanel";

/** The media of one version of the post: thumbnails with their alt text, and the library picker. */
export function MediaField({
  workspaceId,
  value,
  onChange,
  label,
  readOnly,
}: {
  workspaceId: string;
  value: string[];
  onChange: (ids: string[]) => void;
  label: string;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const library = useMedia(workspaceId);
  const byId = new Map((library.data ?? []).map((m) => [m.id, m]));
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={500} size="sm">
          {label}
        </Text>
        {!readOnly && (
          <Button size="xs" variant="light" leftSection={<IconPhotoPlus size={14} />} onClick={() => setOpen(true)}>
            {t("composer.media.add")}
          </Button>
        )}
      </Group>
      {value.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("composer.media.none")}
        </Text>
      ) : (
        <Stack gap="xs">
          {value.map((id, i) => {
            const m = byId.get(id);
            return (
              <Group key={id} wrap="nowrap" align="flex-start">
                <Thumb media={m} />
                <Stack gap={4} style={{ flex: 1 }}>
                  <Text size="xs" c="dimmed" truncate>
                    {m?.name ?? id}
                  </Text>
                  {m && <AltTextInput workspaceId={workspaceId} media={m} readOnly={readOnly} />}
                  {m && <RenditionsButton workspaceId={workspaceId} media={m} readOnly={readOnly} />}
                </Stack>
                {!readOnly && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t("composer.media.remove", { n: i + 1 })}
                    onClick={() => onChange(value.filter((x) => x !== id))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                )}
              </Group>
            );
          })}
        </Stack>
      )}
      <Modal opened={open} onClose={() => setOpen(false)} title={t("composer.media.library")} size="xl">
        <LibraryPicker workspaceId={workspaceId} selected={value} onChange={onChange} onDone={() => setOpen(false)} />
      </Modal>
    </Stack>
  );
}

function Thumb({ media }: { media?: Media }) {
  const src = media?.thumbnailUrl ?? media?.fileUrl;
  if (media && media.kind !== "video" && src) return <Image src={src} alt="" w={64} h={64} radius="sm" fit="cover" />;
  return (
    <Paper withBorder w={64} h={64} radius="sm" p={4}>
      <Text size="xs">{media?.kind === "video" ? "▶" : "…"}</Text>
    </Paper>
  );
}

/** Alt text saved on blur: it belongs to the media item, so every post using it gets it. */
function AltTextInput({ workspaceId, media, readOnly }: { workspaceId: string; media: Media; readOnly?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [alt, setAlt] = useState(media.altText);
  const save = useAction(
    (altText: string) =>
      unwrap(
        api.PATCH("/api/workspaces/{workspaceId}/media/{mediaId}", {
          params: { path: { workspaceId, mediaId: media.id } },
          body: { altText },
        }),
      ),
    { onSuccess: () => qc.invalidateQueries({ queryKey: keys.media(workspaceId) }) },
  );
  return (
    <TextInput
      size="xs"
      label={t("composer.media.alt")}
      value={alt}
      readOnly={readOnly}
      onChange={(e) => setAlt(e.currentTarget.value)}
      onBlur={() => alt !== media.altText && save.mutate(alt)}
    />
  );
}

function LibraryPicker({
  workspaceId,
  selected,
  onChange,
  onDone,
}: {
  workspaceId: string;
  selected: string[];
  onChange: (ids: string[]) => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const library = useMedia(workspaceId);
  const upload = useAction(
    async (files: File[]) => {
      const created: Media[] = [];
      for (const file of files) {
        const form = new FormData();
        form.append("file", file);
        created.push(await call<Media>("POST", paths.media(workspaceId), { form }));
      }
      return created;
    },
    {
      success: t("composer.media.uploaded"),
      onSuccess: async (created) => {
        onChange([...selected, ...created.map((m) => m.id)]);
        await qc.invalidateQueries({ queryKey: keys.media(workspaceId) });
      },
    },
  );
  const [urlOpen, setUrlOpen] = useState(false);
  const [url, setUrl] = useState("");
  const [urlAlt, setUrlAlt] = useState("");
  // The server fetches the address (internal addresses refused, size capped) and answers in our language.
  const fromUrl = useAction(
    () =>
      unwrap(
        api.POST("/api/workspaces/{workspaceId}/media/import-url", {
          params: { path: { workspaceId } },
          body: { url: url.trim(), ...(urlAlt.trim() ? { altText: urlAlt.trim() } : {}) },
        }),
      ),
    {
      success: t("composer.media.urlImported"),
      onSuccess: async (m) => {
        if (!selected.includes(m.id)) onChange([...selected, m.id]);
        setUrl("");
        setUrlAlt("");
        setUrlOpen(false);
        await qc.invalidateQueries({ queryKey: keys.media(workspaceId) });
      },
    },
  );
  return (
    <Stack>
      <Group>
        <FileButton onChange={(files) => files.length && upload.mutate(files)} accept="image/*,video/*" multiple>
          {(props) => (
            <Button {...props} leftSection={<IconUpload size={16} />} loading={upload.isPending}>
              {t("composer.media.upload")}
            </Button>
          )}
        </FileButton>
        <Button variant="light" leftSection={<IconLink size={16} />} onClick={() => setUrlOpen((o) => !o)}>
          {t("composer.media.fromUrl")}
        </Button>
        <Text size="sm" c="dimmed">
          {t("composer.media.uploadHint")}
        </Text>
      </Group>
      {urlOpen && (
        <Paper withBorder p="sm" radius="sm">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (url.trim()) fromUrl.mutate(undefined);
            }}
          >
            <Stack gap="xs">
              <TextInput
                label={t("composer.media.urlLabel")}
                placeholder="https://"
                type="url"
                required
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
                data-autofocus
              />
              <TextInput
                label={t("composer.media.alt")}
                value={urlAlt}
                onChange={(e) => setUrlAlt(e.currentTarget.value)}
              />
              <Group justify="space-between">
                <Text size="xs" c="dimmed">
                  {t("composer.media.urlHint")}
                </Text>
                <Button type="submit" loading={fromUrl.isPending} disabled={!url.trim()}>
                  {t("composer.media.urlImport")}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {library.isPending ? (
        <PageLoader />
      ) : library.isError ? (
        <ErrorState error={library.error} onRetry={() => library.refetch()} />
      ) : library.data.length === 0 ? (
        <Text c="dimmed">{t("composer.media.empty")}</Text>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {library.data.map((m) => {
            const checked = selected.includes(m.id);
            return (
              <Paper key={m.id} withBorder p="xs" radius="sm">
                <Stack gap={4}>
                  <Thumb media={m} />
                  <Checkbox
                    label={m.name || m.id.slice(0, 8)}
                    checked={checked}
                    onChange={() => onChange(checked ? selected.filter((x) => x !== m.id) : [...selected, m.id])}
                  />
                  <RenditionsButton workspaceId={workspaceId} media={m} />
                </Stack>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
      <Group justify="flex-end">
        <Button onClick={onDone}>{t("common.done")}</Button>
      </Group>
    </Stack>
  );
}
