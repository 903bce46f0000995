import { Select } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

/** The browser's own zone, used as the default for new workspaces. */
export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Paris";
  } catch {
    return "Europe/Paris";
  }
}

function allTimezones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return Array.from(new Set([...zones, "UTC", browserTimezone()])).sort();
}

interface Props {
  label: string;
  value?: string;
  onChange: (value: string) => void;
  error?: React.ReactNode;
  disabled?: boolean;
  description?: string;
}

/** A searchable select over every IANA time zone the browser knows. */
export function TimezoneSelect({ label, value = "", onChange, error, disabled, description }: Props) {
  const { t } = useTranslation();
  const data = useMemo(() => {
    const zones = allTimezones();
    return value && !zones.includes(value) ? [value, ...zones] : zones;
  }, [value]);
  return (
    <Select
      label={label}
      description={description}
      data={data}
      value={value}
      onChange={(v) => v && onChange(v)}
      searchable
      limit={100}
      maxDropdownHeight={280}
      nothingFoundMessage={t("common.nothingFound")}
      error={error}
      disabled={disabled}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
