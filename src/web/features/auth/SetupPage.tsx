import { Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import type { Locale } from "../../api/types";
import { LocaleSelect } from "../../components/LocaleSelect";
import { PageLoader } from "../../components/PageState";
import { useSubmit } from "../../components/use-submit";
import { applyLanguage, currentLanguage } from "../../i18n";
import { AuthLayout } from "./AuthLayout";
import { startSession, useSetupStatus } from "./session";
import { minPassword } from "./validation";

/** First run: creates the owner account. */
export function SetupPage() {
  const { t } = useTranslation();
  const setup = useSetupStatus();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: "", email: "", password: "", locale: currentLanguage() as Locale },
    validate: { password: minPassword },
  });
  const submit = useSubmit(form, (values) => unwrap(api.POST("/api/auth/setup", { body: values })), {
    success: t("setup.done"),
    onSuccess: async (session) => {
      await startSession(queryClient, session);
      navigate("/", { replace: true });
    },
  });
  if (setup.isPending) return <PageLoader />;
  if (setup.data && !setup.data.needsSetup) return <Navigate to="/login" replace />;
  return (
    <AuthLayout title={t("setup.title")} subtitle={t("setup.subtitle")}>
      <form onSubmit={submit.onSubmit} noValidate>
        <Stack>
          <TextInput label={t("fields.name")} autoComplete="name" required {...form.getInputProps("name")} />
          <TextInput
            label={t("fields.email")}
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps("email")}
          />
          <PasswordInput
            label={t("fields.password")}
            description={t("fields.passwordHint")}
            autoComplete="new-password"
            required
            {...form.getInputProps("password")}
          />
          <LocaleSelect
            label={t("fields.language")}
            {...form.getInputProps("locale")}
            onChange={(v) => {
              form.setFieldValue("locale", v);
              void applyLanguage(v);
            }}
          />
          <Button type="submit" loading={submit.submitting}>
            {t("setup.submit")}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
