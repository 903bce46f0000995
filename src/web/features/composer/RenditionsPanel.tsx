import { Button, Group, Image, Modal, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { IconAdjustments, IconCrop } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { keys, paths } from "../publishing/publishing-api";
import type { Media } from "../publishing/types";
import { CropEditor } from "./CropEditor";
import type { Box } from "./crop-box";

/** The per-network presets the server crops to (src/modules/media/media.schema.ts). */
export const PRESETS = ["1:1", "4:5", "1.91:1", "9:16"] as const;
export type Preset = (typeof PRESETS)[number];

const renditionsPath = (w: string, id: string) => `${paths.mediaItem(w, id)}/renditions`;
const renditionPath = (w: string, id: string, p: Preset) => `${renditionsPath(w, id)}/${encodeURIComponent(p)}`;
const renditionsKey = (w: string, id: string) => [...keys.media(w), id, "renditions"] as const;

/** A "Crops" button for an image, opening the per-network renditions of it. */
export function RenditionsButton({
  workspaceId,
  media,
  readOnly,
}: {
  workspaceId: string;
  media: Media;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (media.kind !== "image") return null;
  return (
    <Group gap={0}>
      <Button
        size="compact-xs"
        variant="subtle"
        leftSection={<IconCrop size={12} />}
        aria-label={t("renditions.openNamed", { name: media.name })}
        onClick={() => setOpen(true)}
      >
        {t("renditions.open")}
      </Button>
      {open && (
        <Modal opened onClose={() => setOpen(false)} size="lg" title={t("renditions.title", { name: media.name })}>
          <RenditionsPanel workspaceId={workspaceId} media={media} readOnly={readOnly} />
        </Modal>
      )}
    </Group>
  );
}

/**
 * One card per preset: the current rendition's thumbnail, a button that (re)creates it with the server's
 * automatic crop on the most interesting region (the default: no crop box is sent), and one that opens the
 * hand-adjustable crop box (sent in source pixels).
 */
export function RenditionsPanel({
  workspaceId,
  media,
  readOnly,
}: {
  workspaceId: string;
  media: Media;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: renditionsKey(workspaceId, media.id),
    queryFn: () =>
      unwrap(
        api.GET("/api/workspaces/{workspaceId}/media/{mediaId}/renditions", {
          params: { path: { workspaceId, mediaId: media.id } },
        }),
      ),
  });
  const [editing, setEditing] = useState<Preset | null>(null);
  const crop = useAction(
    ({ preset, box }: { preset: Preset; box?: Box }) =>
      unwrap(
        api.PUT("/api/workspaces/{workspaceId}/media/{mediaId}/renditions/{preset}", {
          params: { path: { workspaceId, mediaId: media.id, preset } },
          body: box ? { crop: box } : {},
        }),
      ),
    {
      success: t("renditions.done"),
      onSuccess: async () => {
        setEditing(null);
        await qc.invalidateQueries({ queryKey: renditionsKey(workspaceId, media.id) });
        await qc.invalidateQueries({ queryKey: keys.media(workspaceId) });
      },
    },
  );

  if (list.isPending) return <PageLoader />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const byPreset = new Map(list.data.map((r) => [r.preset, r]));
  if (editing && media.width && media.height) {
    return (
      <CropEditor
        media={media}
        preset={editing}
        initial={byPreset.get(editing)?.crop ?? null}
        saving={crop.isPending}
        onSave={(box) => crop.mutate({ preset: editing, box })}
        onCancel={() => setEditing(null)}
      />
    );
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t("renditions.help")}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {PRESETS.map((preset) => {
          const r = byPreset.get(preset);
          return (
            <Paper key={preset} withBorder p="xs" radius="sm">
              <Stack gap={6} align="center">
                <Text fw={600} size="sm">
                  {preset}
                </Text>
                {r ? (
                  <Image
                    // The file keeps its URL when recropped: the creation time makes the browser fetch the new one.
                    src={`${renditionPath(workspaceId, media.id, preset)}?v=${encodeURIComponent(r.createdAt)}`}
                    alt={t("renditions.thumbAlt", { preset, name: media.name })}
                    h={110}
                    w="auto"
                    fit="contain"
                    radius="xs"
                  />
                ) : (
                  <Paper h={110} w="100%" bg="gray.0" radius="xs">
                    <Text size="xs" c="dimmed" ta="center" pt={44}>
                      {t("renditions.none")}
                    </Text>
                  </Paper>
                )}
                {r && (
                  <Text size="xs" c="dimmed">
                    {r.width}×{r.height}
                    {r.crop ? "" : ` · ${t("renditions.auto")}`}
                  </Text>
                )}
                {r && (
                  <Text size="xs" c="dimmed">
                    {r.crop ? t("renditions.manual") : ""}
                  </Text>
                )}
                {!readOnly && (
                  <Group gap={4} justify="center">
                    <Button
                      size="compact-xs"
                      variant="light"
                      loading={crop.isPending && crop.variables?.preset === preset && !crop.variables.box}
                      aria-label={t("renditions.cropNamed", { preset })}
                      onClick={() => crop.mutate({ preset })}
                    >
                      {r ? t("renditions.redo") : t("renditions.crop")}
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      leftSection={<IconAdjustments size={12} />}
                      aria-label={t("renditions.adjustNamed", { preset })}
                      onClick={() => setEditing(preset)}
                    >
                      {t("renditions.adjust")}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
