import { Button, Paper, Stack, Tabs, Text, Textarea, Timeline } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../components/format";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { keys, postActions, usePostComments, usePostEvents } from "../publishing/publishing-api";
import type { Post } from "../publishing/types";

/** Internal comments and the event trail (who did what, when) of a post. */
export function PostActivity({ workspaceId, post, timeZone }: { workspaceId: string; post: Post; timeZone: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const comments = usePostComments(workspaceId, post.id);
  const events = usePostEvents(workspaceId, post.id);
  const [text, setText] = useState("");
  /** A target's event names its account: "(Slack équipe)". */
  const targetName = (id: string | null | undefined) => {
    const target = id ? post.targets.find((x) => x.id === id) : undefined;
    return target ? ` (${target.accountName})` : "";
  };
  const add = useAction((body: string) => postActions.comment(workspaceId, post.id, body), {
    onSuccess: async () => {
      setText("");
      await qc.invalidateQueries({ queryKey: keys.post(workspaceId, post.id) });
    },
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Tabs defaultValue="comments">
        <Tabs.List>
          <Tabs.Tab value="comments">{t("composer.comments.title")}</Tabs.Tab>
          <Tabs.Tab value="events">{t("composer.events.title")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="comments" pt="sm">
          <Stack gap="sm">
            {comments.isPending ? (
              <PageLoader />
            ) : comments.isError ? (
              <ErrorState error={comments.error} onRetry={() => comments.refetch()} />
            ) : comments.data.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("composer.comments.empty")}
              </Text>
            ) : (
              comments.data.map((c) => (
                <Stack key={c.id} gap={0}>
                  <Text size="xs" c="dimmed">
                    {c.authorName} · {formatDateTime(c.createdAt, timeZone)}
                    {c.kind !== "comment" && ` · ${t(`composer.comments.kind.${c.kind}`)}`}
                  </Text>
                  <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                    {c.body}
                  </Text>
                </Stack>
              ))
            )}
            <Textarea
              label={t("composer.comments.add")}
              description={t("composer.comments.internal")}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <Button
              size="xs"
              variant="light"
              disabled={!text.trim()}
              loading={add.isPending}
              onClick={() => add.mutate(text.trim())}
              style={{ alignSelf: "flex-start" }}
            >
              {t("composer.comments.send")}
            </Button>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="sm">
          {events.isPending ? (
            <PageLoader />
          ) : events.isError ? (
            <ErrorState error={events.error} onRetry={() => events.refetch()} />
          ) : (
            <Timeline bulletSize={14} lineWidth={2} active={events.data.length}>
              {events.data.map((e) => (
                <Timeline.Item
                  key={e.id}
                  title={`${t("composer.events.line", {
                    who: e.actorLabel,
                    from: e.fromStatus ? t(`postStatus.${e.fromStatus}`, { defaultValue: e.fromStatus }) : "—",
                    to: t(`postStatus.${e.toStatus}`, { defaultValue: e.toStatus }),
                  })}${targetName(e.targetId)}`}
                >
                  <Text size="xs" c="dimmed">
                    {formatDateTime(e.createdAt, timeZone)}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}
