import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Image,
  Loader,
  Stack,
  Text,
  Tooltip,
  Typography,
} from "@mantine/core";
import {
  IconExternalLink,
  IconFileText,
  IconMail,
  IconMailOpened,
  IconStar,
  IconStarFilled,
} from "@tabler/icons-react";
import DOMPurify from "dompurify";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../../components/format";
import { ErrorState } from "../../../components/PageState";
import { SaveToTopicButton } from "../../curation/SaveToTopic";
import { type ItemSummary, useItem } from "../veille-api";

/** Server HTML is already sanitized; DOMPurify again in the browser, and links open in a new tab. */
function SafeHtml({ html }: { html: string }) {
  const clean = useMemo(() => {
    const out = DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"] });
    return out.replace(/<a /g, '<a target="_blank" ');
  }, [html]);
  return (
    <Typography>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized on the server and by DOMPurify just above */}
      <div className="veille-content" dangerouslySetInnerHTML={{ __html: clean }} />
    </Typography>
  );
}

/** The open item: its content (or extracted full text), the story's other sources, and the actions. */
export function ItemReader({
  workspaceId,
  item,
  onToggleRead,
  onToggleStar,
  onFullText,
  fullTextBusy,
}: {
  workspaceId: string;
  item: ItemSummary;
  onToggleRead: () => void;
  onToggleStar: () => void;
  onFullText: () => void;
  fullTextBusy: boolean;
}) {
  const { t } = useTranslation();
  const detail = useItem(workspaceId, item.id);
  const d = detail.data;
  const html = d ? (d.fullTextHtml ?? d.contentHtml ?? d.summaryHtml) : "";
  const image = d?.enclosures.find((e) => e.type?.startsWith("image/"))?.url ?? item.imageUrl;
  const audio = d?.enclosures.find((e) => e.type?.startsWith("audio/"));
  return (
    <Stack gap="sm" data-testid="item-reader" p="md">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Text fw={700} size="lg" data-testid="reader-title">
            {item.link ? (
              <Anchor href={item.link} target="_blank" rel="noopener noreferrer" inherit>
                {item.title}
              </Anchor>
            ) : (
              item.title
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {[item.feedTitle, item.author, formatDateTime(item.publishedAt)].filter(Boolean).join(" · ")}
          </Text>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Tooltip label={item.starred ? t("veille.actions.unstar") : t("veille.actions.star")}>
            <ActionIcon variant="subtle" color="yellow" onClick={onToggleStar} aria-label={t("veille.actions.star")}>
              {item.starred ? <IconStarFilled size={18} /> : <IconStar size={18} />}
            </ActionIcon>
          </Tooltip>
          <Tooltip label={item.read ? t("veille.actions.markUnread") : t("veille.actions.markRead")}>
            <ActionIcon variant="subtle" onClick={onToggleRead} aria-label={t("veille.actions.markUnread")}>
              {item.read ? <IconMail size={18} /> : <IconMailOpened size={18} />}
            </ActionIcon>
          </Tooltip>
          {item.link && (
            <Tooltip label={t("veille.actions.open")}>
              <ActionIcon
                component="a"
                href={item.link}
                target="_blank"
                rel="noopener noreferrer"
                variant="subtle"
                aria-label={t("veille.actions.open")}
              >
                <IconExternalLink size={18} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      </Group>
      <Group gap="xs">
        <SaveToTopicButton workspaceId={workspaceId} itemId={item.id} itemTitle={item.title} />
        {item.link && !d?.fullTextHtml && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconFileText size={14} />}
            loading={fullTextBusy}
            onClick={onFullText}
          >
            {t("veille.actions.fullText")}
          </Button>
        )}
        {d?.fullTextHtml && (
          <Badge variant="light" color="teal">
            {t("veille.fullTextShown")}
          </Badge>
        )}
        {d?.categories.slice(0, 6).map((c) => (
          <Badge key={c} variant="outline" color="gray" size="sm">
            {c}
          </Badge>
        ))}
      </Group>
      {detail.isPending ? (
        <Loader size="sm" />
      ) : detail.isError ? (
        <ErrorState error={detail.error} onRetry={() => detail.refetch()} />
      ) : (
        <>
          {image && !html.includes(image) && <Image src={image} alt="" radius="sm" mah={320} fit="contain" />}
          {audio && (
            // biome-ignore lint/a11y/useMediaCaption: podcast enclosures come without captions
            <audio controls preload="none" src={audio.url} style={{ width: "100%" }} />
          )}
          {html ? <SafeHtml html={html} /> : <Text c="dimmed">{item.excerpt}</Text>}
        </>
      )}
      {item.story && item.story.sources.length > 0 && (
        <Stack gap={4} data-testid="story-sources">
          <Text size="sm" fw={600}>
            {t("veille.story.sources", { count: item.story.sources.length })}
          </Text>
          {item.story.sources.map((s) => (
            <Text size="sm" key={s.itemId}>
              {s.link ? (
                <Anchor href={s.link} target="_blank" rel="noopener noreferrer">
                  {s.title}
                </Anchor>
              ) : (
                s.title
              )}{" "}
              <Text span c="dimmed" size="xs">
                — {s.feedTitle}
              </Text>
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
