import { Button, Group, Modal, Paper, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconCalendarPlus, IconCheck, IconDeviceFloppy, IconLink, IconSend } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyField } from "../../components/CopyField";
import { formatDateTime } from "../../components/format";
import { notifySuccess } from "../../components/notify";
import { useAction } from "../../components/use-action";
import { getPost, keys, postActions } from "../publishing/publishing-api";
import type { ApprovalLink, Post } from "../publishing/types";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { type ComposerState, inputOf, PLANNABLE } from "./composer-state";

type Action = "save" | "submit" | "approve" | "request-changes" | "schedule" | "unschedule" | "queue";

/**
 * The workflow buttons offered by the post's status and the caller's role (the server decides):
 * save, request approval, approve / request changes, schedule, add to queue, unschedule, approval link,
 * and for a failed, unconfirmed or missed target: "it was published" / "publish again".
 */
export function ComposerActions({
  post,
  state,
  dirty,
  blocking,
  canEdit,
  onSaved,
  onScheduleWarning,
  savedLocal,
}: {
  post?: Post;
  state: ComposerState;
  dirty: boolean;
  blocking: boolean;
  canEdit: boolean;
  onSaved: (post: Post) => Promise<void>;
  onScheduleWarning: (warning: string | null) => void;
  /** The post's current wall-clock time in the workspace zone (to tell a move from an edit). */
  savedLocal: string | null;
}) {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const qc = useQueryClient();
  const [changesOpen, setChangesOpen] = useState(false);
  const [comment, setComment] = useState("");
  const [linkOpen, setLinkOpen] = useState(false);
  const [reviewer, setReviewer] = useState("");
  const [link, setLink] = useState<ApprovalLink | null>(null);
  const canReview = ["owner", "manager", "reviewer"].includes(workspace.role);
  const status = post?.status ?? "draft";

  const save = async (): Promise<Post> => {
    const input = inputOf(state, !post || PLANNABLE.includes(post.status));
    return post ? postActions.update(w, post.id, input, post.version) : postActions.create(w, input);
  };
  const reload = (id: string) => getPost(w, id);
  /** Saves pending edits first, so the transition applies to what is on screen. */
  const run = useAction(
    async ({ action, body }: { action: Action; body?: Record<string, unknown> }): Promise<Post> => {
      let saved = !post || (dirty && canEdit) ? await save() : post;
      const local = state.scheduledLocal;
      switch (action) {
        case "save":
          // A scheduled post whose date field changed moves (the keyboard way to reschedule).
          if (saved.status === "scheduled" && local && local !== savedLocal) {
            await postActions.move(w, saved.id, local, saved.version);
            saved = await reload(saved.id);
          }
          return saved;
        case "schedule": {
          const result = await postActions.schedule(w, saved.id, local);
          onScheduleWarning(
            result.warning ??
              (result.adjusted === "none"
                ? null
                : t(`composer.dst${result.adjusted === "gap" ? "Gap" : "Overlap"}`, { zone: workspace.timezone })),
          );
          return result.post;
        }
        case "queue":
          await postActions.queue(w, saved.id);
          return reload(saved.id);
        default:
          return postActions.transition(w, saved.id, action, body);
      }
    },
    {
      onSuccess: async (saved, { action }) => {
        notifySuccess(t(`composer.done.${action}`));
        await onSaved(saved);
      },
    },
  );
  const createLink = useAction(() => postActions.approvalLink(w, post?.id as string, reviewer.trim(), 7), {
    onSuccess: (l) => setLink(l),
  });
  const resolve = useAction(
    ({ targetId, outcome }: { targetId: string; outcome: "published" | "republish" }) =>
      postActions.resolveTarget(w, post?.id as string, targetId, outcome),
    {
      success: t("composer.done.resolved"),
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: keys.post(w, post?.id as string) });
        await qc.invalidateQueries({ queryKey: keys.calendar(w) });
      },
    },
  );
  const busy = run.isPending;
  const go = (action: Action, body?: Record<string, unknown>) => run.mutate({ action, body });
  const noTargets = state.accountIds.length === 0;
  const linkUrl = link?.url ?? "";
  const attention =
    post?.targets.filter((x) => x.id && ["failed", "unconfirmed", "missed"].includes(x.status ?? "")) ?? [];

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        {blocking && (
          <Text size="sm" c="red.8" role="status">
            {t("composer.blocked")}
          </Text>
        )}
        <Group gap="xs">
          {canEdit && (
            <Button
              variant="default"
              leftSection={<IconDeviceFloppy size={16} />}
              loading={busy}
              onClick={() => go("save")}
            >
              {t("composer.actions.save")}
            </Button>
          )}
          {canEdit && ["draft", "changes_requested"].includes(status) && (
            <Button
              variant="light"
              leftSection={<IconSend size={16} />}
              disabled={noTargets}
              loading={busy}
              onClick={() => go("submit")}
            >
              {t("composer.actions.submit")}
            </Button>
          )}
          {post && canReview && status === "in_review" && (
            <>
              <Button color="teal" leftSection={<IconCheck size={16} />} loading={busy} onClick={() => go("approve")}>
                {t("composer.actions.approve")}
              </Button>
              <Button color="orange" variant="light" onClick={() => setChangesOpen(true)}>
                {t("composer.actions.requestChanges")}
              </Button>
            </>
          )}
          {canEdit && ["draft", "changes_requested", "approved", "in_review"].includes(status) && (
            <>
              <Button
                leftSection={<IconCalendarPlus size={16} />}
                disabled={blocking || noTargets || !state.scheduledLocal}
                loading={busy}
                onClick={() => go("schedule")}
              >
                {t("composer.actions.schedule")}
              </Button>
              <Button variant="light" disabled={blocking || noTargets} loading={busy} onClick={() => go("queue")}>
                {t("composer.actions.queue")}
              </Button>
            </>
          )}
          {canEdit && post && status === "scheduled" && (
            <Button variant="light" color="gray" loading={busy} onClick={() => go("unschedule")}>
              {t("composer.actions.unschedule")}
            </Button>
          )}
          {post && canEdit && ["draft", "in_review", "changes_requested"].includes(status) && (
            <Button variant="subtle" leftSection={<IconLink size={16} />} onClick={() => setLinkOpen(true)}>
              {t("composer.actions.approvalLink")}
            </Button>
          )}
        </Group>
        {attention.map((target) => (
          <Group key={target.id} gap="xs">
            <Text size="sm" c="red.8">
              {t(`composer.attention.${target.status}`)}
            </Text>
            {target.status === "unconfirmed" && (
              <Button
                size="xs"
                variant="light"
                onClick={() => resolve.mutate({ targetId: target.id as string, outcome: "published" })}
              >
                {t("composer.actions.confirmPublished")}
              </Button>
            )}
            <Button
              size="xs"
              color="red"
              variant="light"
              onClick={() => resolve.mutate({ targetId: target.id as string, outcome: "republish" })}
            >
              {t("composer.actions.republish")}
            </Button>
          </Group>
        ))}
      </Stack>

      <Modal opened={changesOpen} onClose={() => setChangesOpen(false)} title={t("composer.actions.requestChanges")}>
        <Stack>
          <Textarea
            label={t("composer.changesComment")}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            autosize
            minRows={3}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setChangesOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button
              color="orange"
              disabled={!comment.trim()}
              loading={busy}
              onClick={() => {
                go("request-changes", { comment: comment.trim() });
                setChangesOpen(false);
              }}
            >
              {t("composer.actions.requestChanges")}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal
        opened={linkOpen}
        onClose={() => {
          setLinkOpen(false);
          setLink(null);
        }}
        title={t("composer.approvalLink.title")}
      >
        {link ? (
          <Stack>
            <CopyField label={t("composer.approvalLink.url")} value={linkUrl} />
            <Text size="sm" c="dimmed">
              {t("composer.approvalLink.expires", { date: formatDateTime(link.expiresAt, workspace.timezone) })}
            </Text>
          </Stack>
        ) : (
          <Stack>
            <Text size="sm">{t("composer.approvalLink.intro")}</Text>
            <TextInput
              label={t("composer.approvalLink.reviewer")}
              value={reviewer}
              onChange={(e) => setReviewer(e.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button loading={createLink.isPending} onClick={() => createLink.mutate(undefined)}>
                {t("composer.approvalLink.create")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}
