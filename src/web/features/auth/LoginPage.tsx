import { Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { PageLoader } from "../../components/PageState";
import { useSubmit } from "../../components/use-submit";
import { AuthLayout } from "./AuthLayout";
import { startSession, useSession, useSetupStatus } from "./session";
import { required } from "./validation";

/** Only local paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const setup = useSetupStatus();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { email: "", password: "" },
    validate: { email: required, password: required },
  });
  const submit = useSubmit(form, (values) => unwrap(api.POST("/api/auth/login", { body: values })), {
    onSuccess: async (s) => {
      await startSession(queryClient, s);
      navigate(next, { replace: true });
    },
  });
  if (setup.isPending || session.isPending) return <PageLoader />;
  if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (session.data) return <Navigate to={next} replace />;
  return (
    <AuthLayout title={t("login.title")} subtitle={t("login.subtitle")}>
      <form onSubmit={submit.onSubmit} noValidate>
        <Stack>
          <TextInput
            label={t("fields.email")}
            type="email"
            autoComplete="username"
            required
            {...form.getInputProps("email")}
          />
          <PasswordInput
            label={t("fields.password")}
            autoComplete="current-password"
            required
            {...form.getInputProps("password")}
          />
          <Button type="submit" loading={submit.submitting}>
            {t("login.submit")}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
