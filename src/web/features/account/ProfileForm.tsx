import { Button, Group, Paper, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import type { Session } from "../../api/types";
import { LocaleSelect } from "../../components/LocaleSelect";
import { useSubmit } from "../../components/use-submit";
import { applyLanguage } from "../../i18n";
import { useCurrentSession } from "../auth/RequireAuth";
import { sessionKey } from "../auth/session";
import { required } from "../auth/validation";

/** My name and interface language. */
export function ProfileForm() {
  const { t } = useTranslation();
  const { user } = useCurrentSession();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: user.name, locale: user.locale }, validate: { name: required } });
  const submit = useSubmit(form, (body) => unwrap(api.PATCH("/api/auth/me", { body })), {
    success: t("account.saved"),
    onSuccess: async (u) => {
      queryClient.setQueryData<Session | null>(sessionKey, (s) => (s ? { ...s, user: u } : s));
      form.resetDirty({ name: u.name, locale: u.locale });
      await applyLanguage(u.locale);
    },
  });
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t("account.profile")}
      </Title>
      <form onSubmit={submit.onSubmit} noValidate>
        <Stack>
          <TextInput label={t("fields.email")} value={user.email} readOnly disabled />
          <TextInput label={t("fields.name")} required autoComplete="name" {...form.getInputProps("name")} />
          <LocaleSelect label={t("fields.language")} {...form.getInputProps("locale")} />
          <Group justify="flex-end">
            <Button type="submit" loading={submit.submitting} disabled={!form.isDirty()}>
              {t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
