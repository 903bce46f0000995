import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Locale } from "../api/types";

interface Props {
  label: string;
  value?: Locale;
  onChange: (value: Locale) => void;
  error?: React.ReactNode;
  disabled?: boolean;
  description?: string;
}

/** Français / English, each named in its own language. */
export function LocaleSelect({ label, value = "fr", onChange, error, disabled, description }: Props) {
  const { t } = useTranslation();
  return (
    <Select
      label={label}
      description={description}
      value={value}
      onChange={(v) => v && onChange(v as Locale)}
      data={[
        { value: "fr", label: t("language.fr") },
        { value: "en", label: t("language.en") },
      ]}
      allowDeselect={false}
      error={error}
      disabled={disabled}
    />
  );
}
