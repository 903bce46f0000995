import { Button, Group, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import type { Locale } from "../../api/types";
import { LocaleSelect } from "../../components/LocaleSelect";
import { browserTimezone, TimezoneSelect } from "../../components/TimezoneSelect";
import { useSubmit } from "../../components/use-submit";
import { currentLanguage } from "../../i18n";
import { required } from "../auth/validation";
import { workspacesKey } from "./queries";

/** Creates a workspace (one per client or brand) and opens it. */
export function CreateWorkspaceForm({ onDone, onCancel }: { onDone?: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: "", timezone: browserTimezone(), locale: currentLanguage() as Locale },
    validate: { name: required },
  });
  const submit = useSubmit(form, (body) => unwrap(api.POST("/api/workspaces", { body })), {
    success: (ws) => t("workspaces.created", { name: ws.name }),
    onSuccess: (ws) => {
      // Open the new workspace first: the welcome page redirects away as soon as the list is not empty.
      onDone?.();
      navigate(`/w/${ws.id}/settings/profile`);
      void queryClient.invalidateQueries({ queryKey: workspacesKey });
    },
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack>
        <TextInput
          label={t("workspaces.fields.name")}
          description={t("workspaces.fields.nameHint")}
          required
          data-autofocus
          {...form.getInputProps("name")}
        />
        <TimezoneSelect
          label={t("workspaces.fields.timezone")}
          description={t("workspaces.fields.timezoneHint")}
          {...form.getInputProps("timezone")}
        />
        <LocaleSelect
          label={t("workspaces.fields.locale")}
          description={t("workspaces.fields.localeHint")}
          {...form.getInputProps("locale")}
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t("common.cancel")}
            </Button>
          )}
          <Button type="submit" loading={submit.submitting}>
            {t("workspaces.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
