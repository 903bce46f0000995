import { Button, Group, Paper, Stack, TagsInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";
import type { Workspace } from "../../api/types";
import { MarkdownField } from "../../components/MarkdownField";
import { useSubmit } from "../../components/use-submit";
import { permissionsOf } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { useUpdateWorkspace } from "./use-update-workspace";

const MARKDOWN_FIELDS = ["description", "toneOfVoice", "speakingCharter", "moderationCharter"] as const;

function brandBookOf(ws: Workspace) {
  return {
    description: ws.description,
    values: ws.values,
    toneOfVoice: ws.toneOfVoice,
    speakingCharter: ws.speakingCharter,
    moderationCharter: ws.moderationCharter,
  };
}

/** The brand book: description, values, tone of voice and the two charters (Markdown). */
export function BrandBookTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const { canEdit } = permissionsOf(workspace);
  const update = useUpdateWorkspace(workspace.id);
  const form = useForm({ initialValues: brandBookOf(workspace) });
  const submit = useSubmit(form, update, {
    success: t("brandBook.saved"),
    onSuccess: (ws) => form.resetDirty(brandBookOf(ws)),
  });
  const markdownField = (name: (typeof MARKDOWN_FIELDS)[number]) => {
    const props = form.getInputProps(name);
    return (
      <MarkdownField
        key={name}
        label={t(`brandBook.fields.${name}`)}
        description={t(`brandBook.hints.${name}`)}
        value={form.getValues()[name]}
        onChange={(v) => form.setFieldValue(name, v)}
        error={props.error}
        disabled={!canEdit}
      />
    );
  };
  return (
    <Paper withBorder p="lg" radius="md" maw={900}>
      <form onSubmit={submit.onSubmit} noValidate>
        <Stack gap="lg">
          {markdownField("description")}
          <TagsInput
            label={t("brandBook.fields.values")}
            description={t("brandBook.hints.values")}
            disabled={!canEdit}
            clearable={canEdit}
            maxTags={30}
            splitChars={[","]}
            {...form.getInputProps("values")}
          />
          {markdownField("toneOfVoice")}
          {markdownField("speakingCharter")}
          {markdownField("moderationCharter")}
          {canEdit && (
            <Group justify="flex-end">
              <Button type="submit" loading={submit.submitting} disabled={!form.isDirty()}>
                {t("common.save")}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
