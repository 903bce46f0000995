import { Box, Group, Input, Paper, SegmentedControl, Text, Textarea } from "@mantine/core";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Markdown } from "./Markdown";

interface Props {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  error?: React.ReactNode;
  disabled?: boolean;
  minRows?: number;
}

/** A Markdown textarea with a write/preview toggle. */
export function MarkdownField({ label, description, value, onChange, error, disabled, minRows = 6 }: Props) {
  const { t } = useTranslation();
  // Someone who cannot edit reads the rendered text first.
  const [mode, setMode] = useState<"write" | "preview">(disabled ? "preview" : "write");
  const id = useId();
  return (
    <Box>
      <Group justify="space-between" align="flex-end" mb={4}>
        <Input.Label htmlFor={id}>{label}</Input.Label>
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(v) => setMode(v as "write" | "preview")}
          aria-label={t("markdown.mode", { field: label })}
          data={[
            { value: "write", label: t("markdown.write") },
            { value: "preview", label: t("markdown.preview") },
          ]}
        />
      </Group>
      {description && <Input.Description mb={4}>{description}</Input.Description>}
      {mode === "write" ? (
        <Textarea
          id={id}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          error={error}
          disabled={disabled}
          autosize
          minRows={minRows}
          maxRows={20}
        />
      ) : (
        <Paper withBorder p="md" id={id} tabIndex={0} aria-label={t("markdown.previewOf", { field: label })}>
          {value.trim() ? <Markdown source={value} /> : <Text c="dimmed">{t("markdown.empty")}</Text>}
        </Paper>
      )}
    </Box>
  );
}
