import { Anchor, Avatar, Card, Group, Stack, Text, Tooltip } from "@mantine/core";
import {
  IconAt,
  IconExternalLink,
  IconHeart,
  IconMessageCircle,
  IconQuote,
  IconRepeat,
  IconUserPlus,
} from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { components } from "../../api/schema";
import { formatDateTime } from "../../components/format";

type Schemas = components["schemas"];

export type InteractionKind = Schemas["InteractionKind"];
export const INTERACTION_KINDS: readonly InteractionKind[] = ["reply", "mention", "quote", "repost", "like", "follow"];

/** An interaction as GET …/interactions gives it (docs/SOCIAL-SYNC.md). */
export type Interaction = Schemas["Interaction"];

const KIND_ICON = {
  reply: IconMessageCircle,
  mention: IconAt,
  quote: IconQuote,
  repost: IconRepeat,
  like: IconHeart,
  follow: IconUserPlus,
} as const;

const KIND_COLOR: Record<InteractionKind, string> = {
  reply: "blue",
  mention: "grape",
  quote: "cyan",
  repost: "teal",
  like: "pink",
  follow: "orange",
};

/** One interaction: kind icon, author, what they did and when, the text, links to the network and our post. */
export function InteractionRow({
  item,
  workspaceId,
  showAccount = false,
}: {
  item: Interaction;
  workspaceId: string;
  showAccount?: boolean;
}) {
  const { t } = useTranslation();
  const Icon = KIND_ICON[item.kind];
  const who = item.author.name || item.author.handle || t("accountDetail.someone");
  return (
    <Card withBorder radius="sm" p="sm" data-kind={item.kind}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <Tooltip label={t(`accountDetail.kinds.${item.kind}`)}>
          <Avatar
            color={KIND_COLOR[item.kind]}
            radius="xl"
            size="md"
            aria-label={t(`accountDetail.kinds.${item.kind}`)}
          >
            <Icon size={18} />
          </Avatar>
        </Tooltip>
        <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="wrap">
            <Text size="sm" fw={600}>
              {who}
            </Text>
            {item.author.handle && item.author.name && (
              <Text size="xs" c="dimmed">
                @{item.author.handle.replace(/^@/, "")}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              · {t(`accountDetail.kindsVerb.${item.kind}`)} · {formatDateTime(item.occurredAt)}
              {showAccount ? ` · ${item.accountName}` : ""}
            </Text>
          </Group>
          {item.text && (
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {item.text}
            </Text>
          )}
          <Group gap="md">
            {item.url && (
              <Anchor href={item.url} target="_blank" rel="noreferrer noopener" size="xs">
                <Group gap={2} component="span">
                  {t("accountDetail.onNetwork")}
                  <IconExternalLink size={12} aria-hidden />
                </Group>
              </Anchor>
            )}
            {item.postId && (
              <Anchor component={Link} to={`/w/${workspaceId}/calendar/posts/${item.postId}`} size="xs">
                {t("accountDetail.ourPost")}
              </Anchor>
            )}
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}
