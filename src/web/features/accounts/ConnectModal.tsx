import { Alert, Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconShieldLock } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyField } from "../../components/CopyField";
import { useSubmit } from "../../components/use-submit";
import { keys } from "../publishing/publishing-api";
import type { NetworkInfo, SocialAccount } from "../publishing/types";
import { accountActions } from "./accounts-api";
import { MastodonOAuthButton } from "./MastodonConnect";

const WEBHOOK_FORMATS = ["auto", "relais", "slack", "discord"];

/**
 * Connects an account (or reconnects one) with the network's own connect form (GET /api/networks
 * describes its fields). The webhook signing secret comes back once: it is shown here with a copy button.
 */
export function ConnectModal({
  workspaceId,
  network,
  account,
  onClose,
}: {
  workspaceId: string;
  network: NetworkInfo;
  /** Set to reconnect this account. */
  account?: SocialAccount;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [revealed, setRevealed] = useState<Record<string, string> | null>(null);
  const initial: Record<string, string | boolean> = Object.fromEntries(
    network.connectFields.map((f) => [
      f.name,
      f.type === "boolean"
        ? true
        : f.name === "format"
          ? "auto"
          : f.name === "name"
            ? (account?.displayName ?? "")
            : "",
    ]),
  );
  const form = useForm({
    initialValues: initial,
    validate: Object.fromEntries(
      network.connectFields
        .filter((f) => f.required)
        .map((f) => [f.name, (v: unknown) => (typeof v === "string" && !v.trim() ? t("fields.required") : null)]),
    ),
  });
  const { onSubmit, submitting } = useSubmit(
    form,
    (values) => {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
      return account
        ? accountActions.reconnect(workspaceId, account.id, body)
        : accountActions.connect(workspaceId, { network: network.id, ...body });
    },
    {
      success: (r) => t(account ? "accounts.reconnected" : "accounts.connected", { name: r.account.displayName }),
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: keys.accounts(workspaceId) });
        if (Object.keys(r.reveal ?? {}).length) setRevealed(r.reveal);
        else onClose();
      },
    },
  );
  const title = account
    ? t("accounts.reconnectTitle", { name: account.displayName })
    : t("accounts.connectTitle", { network: network.label });
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      {revealed ? (
        <Stack>
          <Alert color="orange" icon={<IconShieldLock />} title={t("accounts.secretTitle")}>
            {t("accounts.secretOnce")}
          </Alert>
          {Object.entries(revealed).map(([k, v]) => (
            <CopyField key={k} label={t(`accounts.reveal.${k}`, { defaultValue: k })} value={v} />
          ))}
          <Text size="sm" c="dimmed">
            {t("accounts.secretHelp")}
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t("accounts.secretSaved")}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {network.connectFields.map((f) => {
              const label = t(`accounts.fields.${f.labelKey}`, { defaultValue: f.name });
              const props = form.getInputProps(f.name, f.type === "boolean" ? { type: "checkbox" } : undefined);
              if (f.type === "boolean") return <Checkbox key={f.name} label={label} {...props} />;
              if (f.name === "format") {
                return (
                  <Select
                    key={f.name}
                    label={label}
                    data={WEBHOOK_FORMATS.map((v) => ({ value: v, label: t(`accounts.formats.${v}`) }))}
                    allowDeselect={false}
                    {...props}
                  />
                );
              }
              if (f.type === "password") {
                return <PasswordInput key={f.name} label={label} withAsterisk={f.required} {...props} />;
              }
              const input = (
                <TextInput
                  key={f.name}
                  label={label}
                  type={f.type === "url" ? "url" : "text"}
                  placeholder={f.placeholder}
                  withAsterisk={f.required}
                  {...props}
                />
              );
              // Mastodon: the instance field serves both ways in, OAuth (this button) or a pasted token.
              if (network.id !== "mastodon" || f.name !== "instanceUrl") return input;
              return (
                <Stack key={f.name} gap="xs">
                  {input}
                  <MastodonOAuthButton
                    workspaceId={workspaceId}
                    account={account}
                    instanceUrl={String(form.values.instanceUrl ?? "")}
                    name={String(form.values.name ?? "")}
                    onMissing={() => form.setFieldError("instanceUrl", t("fields.required"))}
                  />
                </Stack>
              );
            })}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" loading={submitting}>
                {account ? t("accounts.reconnect") : t("accounts.connect")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
