import { Alert, Anchor, Button, List, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import type { InvitationPreview, Locale, Session } from "../../api/types";
import { formatDate } from "../../components/format";
import { LocaleSelect } from "../../components/LocaleSelect";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useSubmit } from "../../components/use-submit";
import { applyLanguage, currentLanguage } from "../../i18n";
import { AuthLayout } from "../auth/AuthLayout";
import { startSession, useSession } from "../auth/session";
import { minPassword, required } from "../auth/validation";
import { DEFAULT_MODULE } from "../modules/modules";
import { workspacesKey } from "../workspaces/queries";

type AcceptBody = { name?: string; password?: string; locale: Locale };

/** /invite/:token — shows what the invitation offers and lets the invited person join. */
export function InvitationPage() {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const session = useSession();
  const preview = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => unwrap(api.GET("/api/invitations/{token}", { params: { path: { token } } })),
    retry: false,
  });
  if (preview.isPending || session.isPending) return <PageLoader />;
  if (preview.isError) {
    const invalid = isApiError(preview.error) && [400, 404, 410].includes(preview.error.status);
    return (
      <AuthLayout title={t("invitation.title")}>
        {invalid ? (
          <Alert color="orange" icon={<IconAlertTriangle />} title={t("invitation.invalidTitle")} role="alert">
            <Stack gap="xs">
              <Text size="sm">{preview.error.message}</Text>
              <Text size="sm">{t("invitation.invalidHelp")}</Text>
              <Anchor component={Link} to="/" size="sm">
                {t("workspaces.backHome")}
              </Anchor>
            </Stack>
          </Alert>
        ) : (
          <ErrorState error={preview.error} onRetry={() => preview.refetch()} />
        )}
      </AuthLayout>
    );
  }
  const inv = preview.data;
  return (
    <AuthLayout
      title={t("invitation.title")}
      subtitle={t("invitation.subtitle", { workspace: inv.workspaceName, inviter: inv.invitedBy ?? "Relais" })}
    >
      <Stack>
        <List size="sm" spacing={4}>
          <List.Item>
            {t("invitation.workspace")} <strong>{inv.workspaceName}</strong>
          </List.Item>
          <List.Item>
            {t("invitation.role")} <strong>{t(`roles.${inv.role}`)}</strong> — {t(`roleHelp.${inv.role}`)}
          </List.Item>
          {inv.invitedBy && (
            <List.Item>
              {t("invitation.invitedBy")} <strong>{inv.invitedBy}</strong>
            </List.Item>
          )}
          <List.Item>
            {t("invitation.for")} <strong>{inv.email}</strong>
          </List.Item>
          <List.Item>{t("invitation.expires", { date: formatDate(inv.expiresAt) })}</List.Item>
        </List>
        {session.data ? (
          <AcceptSignedIn token={token} invitation={inv} session={session.data} />
        ) : inv.accountExists ? (
          <Stack gap="xs">
            <Text size="sm">{t("invitation.signInFirst", { email: inv.email })}</Text>
            <Button component={Link} to={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>
              {t("invitation.signIn")}
            </Button>
          </Stack>
        ) : (
          <CreateAccountAndAccept token={token} invitation={inv} />
        )}
      </Stack>
    </AuthLayout>
  );
}

/** Accepting, creating the account or as the signed-in user; then opening the workspace. */
function useAccept(token: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return {
    call: (body: AcceptBody) =>
      unwrap(api.POST("/api/invitations/{token}/accept", { params: { path: { token } }, body })),
    async done(result: Session & { workspaceId: string }) {
      await startSession(queryClient, result);
      await queryClient.invalidateQueries({ queryKey: workspacesKey });
      navigate(`/w/${result.workspaceId}/${DEFAULT_MODULE}`, { replace: true });
    },
  };
}

function AcceptSignedIn({
  token,
  invitation,
  session,
}: {
  token: string;
  invitation: InvitationPreview;
  session: Session;
}) {
  const { t } = useTranslation();
  const accept = useAccept(token);
  const form = useForm({ initialValues: { locale: session.user.locale } });
  const submit = useSubmit(form, (v) => accept.call({ locale: v.locale }), {
    success: t("invitation.accepted", { workspace: invitation.workspaceName }),
    onSuccess: accept.done,
  });
  const mismatch = session.user.email.toLowerCase() !== invitation.email.toLowerCase();
  return (
    <form onSubmit={submit.onSubmit}>
      <Stack gap="xs">
        <Text size="sm">{t("invitation.signedInAs", { email: session.user.email })}</Text>
        {mismatch && (
          <Alert color="yellow" icon={<IconAlertTriangle />}>
            {t("invitation.mismatch", { email: invitation.email })}
          </Alert>
        )}
        <Button type="submit" loading={submit.submitting}>
          {t("invitation.accept")}
        </Button>
      </Stack>
    </form>
  );
}

function CreateAccountAndAccept({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { t } = useTranslation();
  const accept = useAccept(token);
  const form = useForm({
    initialValues: { name: "", password: "", locale: currentLanguage() as Locale },
    validate: { name: required, password: minPassword },
  });
  const submit = useSubmit(form, (v) => accept.call(v), {
    success: t("invitation.accepted", { workspace: invitation.workspaceName }),
    onSuccess: accept.done,
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack>
        <Text size="sm">{t("invitation.createAccount")}</Text>
        <TextInput label={t("fields.email")} value={invitation.email} readOnly disabled />
        <TextInput label={t("fields.name")} autoComplete="name" required {...form.getInputProps("name")} />
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
          {t("invitation.createAndAccept")}
        </Button>
      </Stack>
    </form>
  );
}
