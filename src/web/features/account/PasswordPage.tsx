import { Anchor, Button, Group, Paper, PasswordInput, Stack } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import { PageTitle } from "../../components/PageTitle";
import { useSubmit } from "../../components/use-submit";
import i18n from "../../i18n";
import { minPassword, required } from "../auth/validation";

/** Changes my password; the server signs out my other sessions. */
export function PasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { currentPassword: "", newPassword: "", confirm: "" },
    validate: {
      currentPassword: required,
      newPassword: minPassword,
      confirm: (v, values) => (v === values.newPassword ? null : i18n.t("password.mismatch")),
    },
  });
  const submit = useSubmit(
    form,
    (v) =>
      unwrap(
        api.POST("/api/auth/password", { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } }),
      ),
    { success: t("password.changed"), onSuccess: () => navigate("/account") },
  );
  return (
    <Stack maw={520} mx="auto">
      <PageTitle title={t("password.title")} subtitle={t("password.subtitle")} />
      <Paper withBorder p="lg" radius="md">
        <form onSubmit={submit.onSubmit} noValidate>
          <Stack>
            <PasswordInput
              label={t("password.current")}
              autoComplete="current-password"
              required
              {...form.getInputProps("currentPassword")}
            />
            <PasswordInput
              label={t("password.new")}
              description={t("fields.passwordHint")}
              autoComplete="new-password"
              required
              {...form.getInputProps("newPassword")}
            />
            <PasswordInput
              label={t("password.confirm")}
              autoComplete="new-password"
              required
              {...form.getInputProps("confirm")}
            />
            <Group justify="space-between">
              <Anchor component={Link} to="/account" size="sm">
                {t("common.back")}
              </Anchor>
              <Button type="submit" loading={submit.submitting}>
                {t("password.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
