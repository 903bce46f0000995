import { Anchor, Avatar, Badge, Group, Image, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { networkColor, networkLabel } from "./networks";

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

/**
 * A simple, faithful preview of one target: the account's name and handle, the text as it will be
 * sent, the media grid and the link. Used by the composer and by the client's approval page.
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
  return (
    <Paper withBorder radius="md" p="md" aria-label={t("composer.previewOf", { network: networkLabel(network), name })}>
      <Stack gap="sm">
        <Group gap="sm" wrap="nowrap">
          <Avatar color={networkColor(network)} radius="xl" aria-hidden>
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
        {text ? (
          <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {highlighted(text)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed" fs="italic">
            {t("composer.previewEmpty")}
          </Text>
        )}
        {media.length > 0 && (
          <SimpleGrid cols={media.length === 1 ? 1 : 2} spacing={4}>
            {media.map((m) =>
              m.kind !== "video" ? (
                <Image
                  key={m.id}
                  src={m.thumbnailUrl ?? m.fileUrl ?? m.url}
                  alt={m.altText}
                  radius="sm"
                  h={media.length === 1 ? 220 : 120}
                  fit="cover"
                />
              ) : (
                <Paper key={m.id} withBorder h={120} radius="sm" p="xs" bg="dark.6">
                  <Text c="white" size="xs">
                    ▶ {m.altText || t("composer.video")}
                  </Text>
                </Paper>
              ),
            )}
          </SimpleGrid>
        )}
        {linkUrl && (
          <Paper withBorder radius="sm" p="xs" bg="gray.0">
            <Text size="xs" c="dimmed">
              {safeHost(linkUrl)}
            </Text>
            <Anchor
              href={linkUrl}
              target="_blank"
              rel="noreferrer noopener"
              size="sm"
              style={{ overflowWrap: "anywhere" }}
            >
              {linkUrl}
            </Anchor>
          </Paper>
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
