import { Button, Group, Paper, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { LocaleSelect } from "../../components/LocaleSelect";
import { TimezoneSelect } from "../../components/TimezoneSelect";
import { useSubmit } from "../../components/use-submit";
import { required } from "../auth/validation";
import { permissionsOf } from "../workspaces/queries";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { useUpdateWorkspace } from "./use-update-workspace";

/** The client's profile: name, time zone (for scheduling) and language. */
export function ProfileTab() {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const { canEdit } = permissionsOf(workspace);
  const update = useUpdateWorkspace(workspace.id);
  const form = useForm({
    initialValues: { name: workspace.name, timezone: workspace.timezone, locale: workspace.locale },
    validate: { name: required },
  });
  const submit = useSubmit(form, update, {
    success: t("settings.saved"),
    onSuccess: (ws) => form.resetDirty({ name: ws.name, timezone: ws.timezone, locale: ws.locale }),
  });
  return (
    <Paper withBorder p="lg" radius="md" maw={640}>
      <form onSubmit={submit.onSubmit} noValidate>
        <Stack>
          <TextInput label={t("workspaces.fields.name")} disabled={!canEdit} required {...form.getInputProps("name")} />
          <TimezoneSelect
            label={t("workspaces.fields.timezone")}
            description={t("workspaces.fields.timezoneHint")}
            disabled={!canEdit}
            {...form.getInputProps("timezone")}
          />
          <LocaleSelect
            label={t("workspaces.fields.locale")}
            description={t("workspaces.fields.localeHint")}
            disabled={!canEdit}
            {...form.getInputProps("locale")}
          />
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
