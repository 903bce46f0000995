import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconKey } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiToken } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyField } from "../../components/CopyField";
import { formatDateTime } from "../../components/format";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useAction } from "../../components/use-action";
import { useSubmit } from "../../components/use-submit";
import { required } from "../auth/validation";
import { useTokenActions, useTokens } from "./tokens-api";

/** Personal API tokens for automation: list, create (shown once), revoke. */
export function TokensPanel() {
  const { t } = useTranslation();
  const tokens = useTokens();
  const actions = useTokenActions();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const form = useForm({ initialValues: { name: "" }, validate: { name: required } });
  const submit = useSubmit(form, (v) => actions.create(v.name), {
    success: t("tokens.created"),
    onSuccess: () => form.reset(),
  });
  const revoke = useAction((tk: ApiToken) => actions.revoke(tk.id), {
    success: t("tokens.revoked"),
    onSuccess: () => setRevoking(null),
  });
  return (
    <Paper withBorder p="lg" radius="md">
      <Title order={2} size="h4" mb={4}>
        {t("tokens.title")}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t("tokens.intro")}
      </Text>
      <form onSubmit={submit.onSubmit} noValidate>
        <Group align="flex-start">
          <TextInput
            label={t("tokens.name")}
            placeholder={t("tokens.namePlaceholder")}
            style={{ flex: 1 }}
            {...form.getInputProps("name")}
          />
          <Button type="submit" mt={25} loading={submit.submitting} leftSection={<IconKey size={16} aria-hidden />}>
            {t("tokens.create")}
          </Button>
        </Group>
      </form>
      {submit.result && (
        <Alert
          mt="md"
          color="teal"
          title={t("tokens.showOnceTitle")}
          withCloseButton
          closeButtonLabel={t("common.close")}
          onClose={submit.reset}
        >
          <Stack gap="xs">
            <Text size="sm">{t("tokens.showOnce")}</Text>
            <CopyField label={t("tokens.value", { name: submit.result.name })} value={submit.result.token} />
          </Stack>
        </Alert>
      )}
      <Stack mt="md">
        {tokens.isPending && <PageLoader />}
        {tokens.isError && <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} />}
        {tokens.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("tokens.empty")}
          </Text>
        )}
        {tokens.data && tokens.data.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("tokens.name")}</Table.Th>
                  <Table.Th>{t("tokens.prefix")}</Table.Th>
                  <Table.Th>{t("tokens.createdAt")}</Table.Th>
                  <Table.Th>{t("tokens.lastUsed")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("common.actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.data.map((tk) => (
                  <Table.Tr key={tk.id}>
                    <Table.Td>{tk.name}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {tk.prefix}…
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDateTime(tk.createdAt)}</Table.Td>
                    <Table.Td>{tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t("tokens.never")}</Table.Td>
                    <Table.Td ta="right">
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(tk)}>
                        {t("tokens.revoke")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <ConfirmDialog
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        loading={revoke.isPending}
        title={t("tokens.revokeTitle")}
        message={t("tokens.revokeConfirm", { name: revoking?.name ?? "" })}
        confirmLabel={t("tokens.revoke")}
      />
    </Paper>
  );
}
