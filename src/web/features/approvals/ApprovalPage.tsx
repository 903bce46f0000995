import {
  Alert,
  Badge,
  Button,
  Container,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { IconCheck, IconClockX, IconMessage } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { isApiError } from "../../api/errors";
import { formatDateTime } from "../../components/format";
import { PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { PostPreview } from "../publishing/PostPreview";
import { formatLocal } from "../publishing/zoned-time";
import { LanguageSwitch } from "../shell/LanguageSwitch";
import { approvalActions, approvalKey, type Decision, useApproval } from "./approvals-api";

/**
 * The client's approval page, reached through a signed, expiring link: no account. Shows the post as it
 * will appear on each network, and lets the client approve, request changes or comment.
 */
export function ApprovalPage() {
  const { t, i18n } = useTranslation();
  const { token = "" } = useParams();
  const qc = useQueryClient();
  const view = useApproval(token);
  const [name, setName] = useState("");
  const [comment, setComment] = useState("");
  const [decision, setDecision] = useState<Decision | null>(null);
  const who = name.trim() || view.data?.reviewerName || "";
  const act = useAction(
    async ({ action }: { action: "approve" | "request-changes" | "comments" }): Promise<Decision | null> => {
      const text = comment.trim();
      const named = who ? { name: who } : {};
      switch (action) {
        case "approve":
          return approvalActions.approve(token, { ...named, ...(text ? { comment: text } : {}) });
        case "request-changes":
          return approvalActions.requestChanges(token, { ...named, comment: text });
        case "comments":
          await approvalActions.comment(token, { name: who, body: text });
          return null;
      }
    },
    {
      onSuccess: async (result) => {
        setComment("");
        // A decision uses the link up: reloading it would only say so. Comments reload the thread.
        if (result) setDecision(result);
        else await qc.invalidateQueries({ queryKey: approvalKey(token) });
      },
    },
  );

  let content: React.ReactNode;
  if (view.isPending) content = <PageLoader />;
  else if (view.isError) {
    const gone = isApiError(view.error) && [404, 410, 403].includes(view.error.status);
    content = (
      <Alert
        color={gone ? "orange" : "red"}
        icon={<IconClockX />}
        title={t(gone ? "approval.goneTitle" : "errors.loadFailed")}
        role="alert"
      >
        <Stack gap="xs">
          <Text size="sm">{isApiError(view.error) ? view.error.message : t("errors.unexpected")}</Text>
          {gone && <Text size="sm">{t("approval.goneHelp")}</Text>}
        </Stack>
      </Alert>
    );
  } else {
    const v = view.data;
    const mediaById = new Map(v.post.media.map((m) => [m.id, m]));
    const pending = v.post.status === "in_review" && !decision;
    content = (
      <Stack gap="lg">
        <Stack gap={4}>
          <Text c="dimmed" size="sm">
            {v.workspaceName}
          </Text>
          <Title order={1} size="h2">
            {t("approval.title")}
          </Title>
          <Text size="sm">
            {v.post.scheduledLocal
              ? t("approval.plannedFor", { when: formatLocal(v.post.scheduledLocal, i18n.language), zone: v.timezone })
              : t("approval.notDated")}
          </Text>
          <Text size="xs" c="dimmed">
            {t("approval.expires", { date: formatDateTime(v.expiresAt, v.timezone) })}
          </Text>
        </Stack>
        {decision ? (
          <Alert
            color={decision.status === "approved" ? "teal" : "orange"}
            icon={<IconCheck />}
            title={t(`approval.done.${decision.status}`)}
            role="status"
          >
            {t("approval.thanks", { name: decision.decidedBy })}
          </Alert>
        ) : (
          !pending && (
            <Alert color="blue" title={t("approval.alreadyTitle")} role="status">
              {t("approval.already", { status: t(`postStatus.${v.post.status}`, { defaultValue: v.post.status }) })}
            </Alert>
          )
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {v.post.targets.map((target) => (
            <PostPreview
              key={`${target.network}-${target.accountName}`}
              network={target.network}
              name={target.accountName}
              text={target.body}
              media={target.mediaIds.flatMap((id) => {
                const m = mediaById.get(id);
                return m ? [{ ...m, url: m.url }] : [];
              })}
              linkUrl={v.post.linkUrl}
            />
          ))}
        </SimpleGrid>
        <Paper withBorder p="md" radius="md">
          <Stack>
            <Title order={2} size="h4">
              {pending ? t("approval.decide") : t("approval.commentTitle")}
            </Title>
            <TextInput
              label={t("approval.yourName")}
              placeholder={v.reviewerName ?? ""}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Textarea
              label={t("approval.comment")}
              description={pending ? t("approval.commentHelp") : undefined}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              autosize
              minRows={3}
            />
            <Group>
              {pending && (
                <>
                  <Button
                    color="teal"
                    leftSection={<IconCheck size={16} />}
                    loading={act.isPending}
                    onClick={() => act.mutate({ action: "approve" })}
                  >
                    {t("approval.approve")}
                  </Button>
                  <Button
                    color="orange"
                    variant="light"
                    disabled={!comment.trim()}
                    loading={act.isPending}
                    onClick={() => act.mutate({ action: "request-changes" })}
                  >
                    {t("approval.requestChanges")}
                  </Button>
                </>
              )}
              <Button
                variant="default"
                leftSection={<IconMessage size={16} />}
                disabled={!comment.trim() || !who}
                loading={act.isPending}
                onClick={() => act.mutate({ action: "comments" })}
              >
                {t("approval.sendComment")}
              </Button>
            </Group>
          </Stack>
        </Paper>
        {v.comments.length > 0 && (
          <Stack gap="xs">
            <Title order={2} size="h4">
              {t("composer.comments.title")}
            </Title>
            {v.comments.map((c) => (
              <Paper key={c.id} withBorder p="sm" radius="sm">
                <Group gap="xs">
                  <Text size="sm" fw={600}>
                    {c.authorName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(c.createdAt, v.timezone)}
                  </Text>
                  {c.kind !== "comment" && <Badge size="xs">{t(`composer.comments.kind.${c.kind}`)}</Badge>}
                </Group>
                <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                  {c.body}
                </Text>
              </Paper>
            ))}
          </Stack>
        )}
      </Stack>
    );
  }
  return (
    <Container size="lg" py="xl">
      <Group justify="space-between" mb="lg">
        <Text fw={700} size="lg" c="indigo.7">
          Relais
        </Text>
        <LanguageSwitch />
      </Group>
      <main id="main">{content}</main>
    </Container>
  );
}
