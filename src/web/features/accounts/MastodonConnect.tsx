import { Button, Divider, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconBrandMastodon } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { notifySuccess } from "../../components/notify";
import { useAction } from "../../components/use-action";
import { keys } from "../publishing/publishing-api";
import type { SocialAccount } from "../publishing/types";
import { accountActions } from "./accounts-api";

/**
 * Mastodon's OAuth connect, under the instance field of the connect dialog: Relais registers itself on the
 * instance and sends the browser to its authorization page; the instance sends it back to the accounts
 * page (?connected=<id>, or ?oauth=denied|failed&reason=…), which useMastodonReturn() announces.
 */
export function MastodonOAuthButton({
  workspaceId,
  account,
  instanceUrl,
  name,
  onMissing,
}: {
  workspaceId: string;
  /** Set to reconnect this account. */
  account?: SocialAccount;
  instanceUrl: string;
  name: string;
  onMissing: () => void;
}) {
  const { t } = useTranslation();
  const start = useAction(
    () =>
      accountActions.mastodonOAuth(workspaceId, {
        instanceUrl: instanceUrl.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(account ? { accountId: account.id } : {}),
      }),
    { onSuccess: (r) => window.location.assign(r.authorizeUrl) },
  );
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t("accounts.mastodon.oauthHelp")}
      </Text>
      <Button
        leftSection={<IconBrandMastodon size={18} />}
        loading={start.isPending}
        onClick={() => (instanceUrl.trim() ? start.mutate(undefined) : onMissing())}
      >
        {t("accounts.mastodon.oauthButton")}
      </Button>
      <Divider my="xs" label={t("accounts.mastodon.orToken")} labelPosition="center" />
    </Stack>
  );
}

/** On the accounts page: announces the outcome of an OAuth round trip, then cleans the address. */
export function useMastodonReturn(workspaceId: string) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const connected = params.get("connected");
  const oauth = params.get("oauth");
  const reason = params.get("reason");
  useEffect(() => {
    if (!connected && !oauth) return;
    if (connected) {
      notifySuccess(t("accounts.mastodon.connected"));
      void qc.invalidateQueries({ queryKey: keys.accounts(workspaceId) });
    } else {
      notifications.show({
        color: "red",
        title: t(oauth === "denied" ? "accounts.mastodon.denied" : "accounts.mastodon.failed"),
        message: reason ?? "",
        autoClose: 15_000,
      });
    }
    const next = new URLSearchParams(params);
    for (const k of ["connected", "oauth", "reason"]) next.delete(k);
    setParams(next, { replace: true });
  }, [connected, oauth, reason, params, setParams, qc, t, workspaceId]);
}
