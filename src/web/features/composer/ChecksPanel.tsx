import { Badge, Group, List, Progress, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle, IconCircleCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { currentLanguage } from "../../i18n";
import { type CheckResult, issueMessage, networkColor, networkLabel } from "../publishing/networks";

/**
 * The live counter and issues of one target, counted the way its network counts. `instance`: the name of
 * the server whose own limits the result follows (a Mastodon instance's), said in the counter's label.
 */
export function CheckSummary({
  name,
  network,
  result,
  instance = null,
}: {
  name: string;
  network: string;
  result: CheckResult | null;
  instance?: string | null;
}) {
  const { t } = useTranslation();
  if (!result) return null;
  const counterLabel = instance
    ? t("composer.checks.counterInstance", { length: result.length, max: result.max, instance })
    : t("composer.checks.counter", { length: result.length, max: result.max, network: networkLabel(network) });
  const lang = currentLanguage();
  const ratio = Math.min(100, (result.length / result.max) * 100);
  const over = result.length > result.max;
  const errors = result.issues.filter((i) => i.severity === "error");
  const warnings = result.issues.filter((i) => i.severity === "warning");
  return (
    <Stack gap={4} data-testid={`checks-${network}`}>
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          {result.ok ? (
            <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" aria-hidden />
          ) : (
            <IconAlertCircle size={16} color="var(--mantine-color-red-6)" aria-hidden />
          )}
          <Text size="sm" fw={500} truncate>
            {name}
          </Text>
          <Badge size="xs" variant="light" color={networkColor(network)}>
            {networkLabel(network)}
          </Badge>
        </Group>
        <Text
          size="sm"
          c={over ? "red.7" : "dimmed"}
          fw={over ? 700 : 400}
          aria-label={counterLabel}
          title={instance ? counterLabel : undefined}
        >
          {result.length} / {result.max}
        </Text>
      </Group>
      <Progress value={ratio} color={over ? "red" : ratio > 90 ? "orange" : "teal"} size="xs" aria-hidden />
      {(errors.length > 0 || warnings.length > 0) && (
        <List size="xs" spacing={2} center>
          {errors.map((i) => (
            <List.Item
              key={`e-${i.code}-${i.mediaIndex ?? ""}`}
              icon={<IconAlertCircle size={14} color="var(--mantine-color-red-6)" />}
            >
              <Text size="xs" c="red.8">
                {t("composer.checks.error")} {mediaPrefix(i.mediaIndex, t)}
                {issueMessage(lang, i)}
              </Text>
            </List.Item>
          ))}
          {warnings.map((i) => (
            <List.Item
              key={`w-${i.code}-${i.mediaIndex ?? ""}`}
              icon={<IconAlertTriangle size={14} color="var(--mantine-color-orange-6)" />}
            >
              <Text size="xs" c="orange.9">
                {t("composer.checks.warning")} {mediaPrefix(i.mediaIndex, t)}
                {issueMessage(lang, i)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

function mediaPrefix(index: number | undefined, t: (k: string, o?: Record<string, unknown>) => string): string {
  return index === undefined ? "" : `${t("composer.checks.media", { n: index + 1 })} `;
}
