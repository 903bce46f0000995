import { Anchor, Avatar, Badge, Group, Image, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { Fragment, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { networkColor, networkLabel } from "./networks";
import { foldedText, previewStyle } from "./preview-style";

export interface PreviewMedia {
  id: string;
  kind: string;
  /** The file (approval page) or the library's file and thumbnail (composer). */
  url?: string;
  fileUrl?: string;
  thumbnailUrl?: string | null;
  altText: string;
}

const TOKEN = /(https?:\/\/[^\s]+|#[\p{L}\p{N}_]+|@[\w.-]+(?:@[\w.-]+)?)/gu;

/** The text as the network shows it: links, hashtags and mentions highlighted, line breaks kept. */
export function highlighted(text: string): ReactNode[] {
  return text.split(TOKEN).map((part, i) => {
    const key = `${i}-${part.length}`;
    if (i % 2 === 0) return <Fragment key={key}>{part}</Fragment>;
    if (part.startsWith("http")) {
      return (
        <Anchor key={key} href={part} target="_blank" rel="noreferrer noopener" size="sm">
          {part}
        </Anchor>
      );
    }
    return (
      <Text key={key} span c="blue.7" fw={500} size="sm">
        {part}
      </Text>
    );
  });
}

/** The text as the network shows it, folded behind "… voir plus" where the network folds long texts. */
function PreviewText({ text, network, prefix }: { text: string; network: string; prefix?: string }) {
  const { t } = useTranslation();
  const style = previewStyle(network);
  const [open, setOpen] = useState(false);
  const folded = style.seeMoreAt && !open ? foldedText(text, style.seeMoreAt) : null;
  const shown = folded ?? text;
  return (
    <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
      {prefix && (
        <Text span fw={600} size="sm">
          {prefix}{" "}
        </Text>
      )}
      {style.linksClickable ? highlighted(shown) : shown}
      {folded !== null && (
        <>
          {"… "}
          <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => setOpen(true)}>
            {t("composer.seeMore")}
          </Anchor>
        </>
      )}
    </Text>
  );
}

function PreviewMediaView({ media, network }: { media: PreviewMedia[]; network: string }) {
  const { t } = useTranslation();
  const style = previewStyle(network);
  const src = (m: PreviewMedia) => m.thumbnailUrl ?? m.fileUrl ?? m.url;
  const tile = (m: PreviewMedia, h: number | string, ratio?: number) =>
    m.kind !== "video" ? (
      <Image
        key={m.id}
        src={src(m)}
        alt={m.altText}
        radius={style.media === "carousel" ? 0 : "md"}
        h={ratio ? undefined : h}
        style={ratio ? { aspectRatio: String(ratio) } : undefined}
        fit="cover"
      />
    ) : (
      <Paper key={m.id} withBorder h={h} radius="md" p="xs" bg="dark.6">
        <Text c="white" size="xs">
          ▶ {m.altText || t("composer.video")}
        </Text>
      </Paper>
    );
  if (style.media === "carousel") {
    // Instagram: one square at a time, a counter for the others.
    const first = media[0] as PreviewMedia;
    return (
      <div style={{ position: "relative" }}>
        {tile(first, "auto", 1)}
        {media.length > 1 && (
          <Badge pos="absolute" top={8} right={8} color="dark" variant="filled" size="sm">
            1/{media.length}
          </Badge>
        )}
      </div>
    );
  }
  const shown = media.slice(0, 4);
  return (
    <SimpleGrid cols={shown.length === 1 ? 1 : 2} spacing={2}>
      {shown.map((m) => tile(m, shown.length === 1 ? 220 : shown.length === 3 ? 110 : 120))}
    </SimpleGrid>
  );
}

function LinkCard({ url, network }: { url: string; network: string }) {
  const style = previewStyle(network);
  if (style.linkCard === "none") return null;
  const host = safeHost(url);
  if (style.linkCard === "large") {
    return (
      <Paper withBorder radius={0} bg="gray.1">
        <Paper h={90} radius={0} bg="gray.3" aria-hidden />
        <Stack gap={0} p="xs">
          <Text size="xs" c="dimmed" tt="uppercase">
            {host}
          </Text>
          <Anchor href={url} target="_blank" rel="noreferrer noopener" size="sm" fw={600} c="dark" lineClamp={2}>
            {url}
          </Anchor>
        </Stack>
      </Paper>
    );
  }
  return (
    <Paper withBorder radius="md" p="xs">
      <Text size="xs" c="dimmed">
        {host}
      </Text>
      <Anchor href={url} target="_blank" rel="noreferrer noopener" size="sm" style={{ overflowWrap: "anywhere" }}>
        {url}
      </Anchor>
    </Paper>
  );
}

/**
 * A modest likeness of one target as its network shows it: the account's avatar, name and handle, the
 * text folded where the network folds it ("… voir plus"), the media as a grid or a carousel, the link
 * card, and the row of reactions — drawn with the UI's own components, no network assets. Used by the
 * composer and by the client's approval page.
 */
export function PostPreview({
  network,
  name,
  handle,
  text,
  media,
  linkUrl,
}: {
  network: string;
  name: string;
  handle?: string | null;
  text: string;
  media: PreviewMedia[];
  linkUrl?: string | null;
}) {
  const { t } = useTranslation();
  const style = previewStyle(network);
  const body = text ? (
    <PreviewText text={text} network={network} prefix={style.mediaFirst ? (handle ?? name) : undefined} />
  ) : (
    <Text size="sm" c="dimmed" fs="italic">
      {t("composer.previewEmpty")}
    </Text>
  );
  const mediaView = media.length > 0 ? <PreviewMediaView media={media} network={network} /> : null;
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      data-network={network}
      aria-label={t("composer.previewOf", { network: networkLabel(network), name })}
    >
      <Stack gap="sm">
        <Group gap="sm" wrap="nowrap">
          <Avatar color={networkColor(network)} radius={style.avatar === "square" ? "sm" : "xl"} aria-hidden>
            {name.slice(0, 2).toUpperCase()}
          </Avatar>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={600} size="sm" truncate>
              {name}
            </Text>
            <Text c="dimmed" size="xs" truncate>
              {handle ? handle : networkLabel(network)}
            </Text>
          </Stack>
          <Badge ml="auto" variant="light" color={networkColor(network)}>
            {networkLabel(network)}
          </Badge>
        </Group>
        {style.mediaFirst ? (
          <>
            {mediaView}
            {body}
          </>
        ) : (
          <>
            {body}
            {mediaView}
            {linkUrl && !media.length && <LinkCard url={linkUrl} network={network} />}
          </>
        )}
        {style.actions.length > 0 && (
          <Group gap="md" aria-hidden>
            {style.actions.map((a) => (
              <Text key={a} size="xs" c="dimmed">
                {t(`composer.previewActions.${a}`)}
              </Text>
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
