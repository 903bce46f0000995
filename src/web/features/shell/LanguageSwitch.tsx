import { SegmentedControl } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import type { Session } from "../../api/types";
import { notifyError } from "../../components/notify";
import { applyLanguage, currentLanguage, type Language } from "../../i18n";
import { sessionKey } from "../auth/session";

/** FR / EN. Remembered on this browser and, when signed in, on the account (PATCH /api/auth/me). */
export function LanguageSwitch() {
  const { t } = useTranslation(); // re-renders on language change
  const queryClient = useQueryClient();
  const change = async (value: string) => {
    const lang = value as Language;
    await applyLanguage(lang);
    const session = queryClient.getQueryData<Session | null>(sessionKey);
    if (!session || session.user.locale === lang) return;
    try {
      const user = await unwrap(api.PATCH("/api/auth/me", { body: { locale: lang } }));
      queryClient.setQueryData<Session | null>(sessionKey, (s) => (s ? { ...s, user } : s));
    } catch (e) {
      notifyError(e);
    }
  };
  return (
    <SegmentedControl
      size="xs"
      value={currentLanguage()}
      onChange={change}
      aria-label={t("language.switch")}
      data={[
        {
          value: "fr",
          label: (
            <span title={t("language.fr")} lang="fr">
              FR
            </span>
          ),
        },
        {
          value: "en",
          label: (
            <span title={t("language.en")} lang="en">
              EN
            </span>
          ),
        },
      ]}
    />
  );
}
