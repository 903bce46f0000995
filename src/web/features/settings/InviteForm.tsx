import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconMail, IconMailOff } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "../../api/types";
import { CopyField } from "../../components/CopyField";
import { useSubmit } from "../../components/use-submit";
import { required } from "../auth/validation";
import { canAssign } from "../workspaces/queries";
import { useMemberActions } from "./members-api";

/** Invites someone by e-mail with a role; shows the link to pass on and whether it was e-mailed. */
export function InviteForm({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const { t } = useTranslation();
  const actions = useMemberActions(workspaceId);
  const form = useForm({ initialValues: { email: "", role: "editor" as Role }, validate: { email: required } });
  const submit = useSubmit(form, (v) => actions.invite(v.email, v.role), {
    success: (r) => t("invite.sent", { email: r.invitation.email }),
    onSuccess: () => form.setFieldValue("email", ""),
  });
  const roles = ROLES.filter((r) => canAssign(myRole, null, r)).map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const result = submit.result;
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t("invite.title")}
      </Title>
      <form onSubmit={submit.onSubmit} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label={t("fields.email")}
            type="email"
            required
            style={{ flex: 1, minWidth: 240 }}
            {...form.getInputProps("email")}
          />
          <Select label={t("invite.role")} data={roles} allowDeselect={false} w={200} {...form.getInputProps("role")} />
          <Button type="submit" mt={25} loading={submit.submitting}>
            {t("invite.submit")}
          </Button>
        </Group>
      </form>
      <Text size="xs" c="dimmed" mt="xs">
        {t("invite.rolesHelp")}
      </Text>
      {result && (
        <Alert
          mt="md"
          color={result.emailed ? "teal" : "yellow"}
          icon={result.emailed ? <IconMail /> : <IconMailOff />}
          title={result.emailed ? t("invite.emailed", { email: result.invitation.email }) : t("invite.notEmailed")}
          withCloseButton
          closeButtonLabel={t("common.close")}
          onClose={submit.reset}
        >
          <Stack gap="xs">
            <Text size="sm">{t("invite.linkHelp")}</Text>
            <CopyField label={t("invite.link")} value={result.acceptUrl} />
          </Stack>
        </Alert>
      )}
    </Paper>
  );
}
