import { Badge, Group, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconHourglass } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Navigate, useParams } from "react-router";
import { PageTitle } from "../../components/PageTitle";
import { MODULES } from "./modules";

/** The page of a module that is not built yet: says what it will do. */
export function ComingSoonPage() {
  const { t } = useTranslation();
  const { module: id } = useParams();
  const entry = MODULES.find((m) => m.id === id && !m.built);
  if (!entry) return <Navigate to=".." replace relative="path" />;
  const Icon = entry.icon;
  return (
    <>
      <PageTitle title={t(`modules.${entry.id}.title`)} />
      <Paper withBorder radius="md" p="xl" maw={720}>
        <Stack gap="md">
          <Group gap="sm">
            <ThemeIcon size="xl" radius="md" variant="light" aria-hidden>
              <Icon />
            </ThemeIcon>
            <Badge leftSection={<IconHourglass size={12} aria-hidden />} variant="light" color="orange" size="lg">
              {t("comingSoon.badge")}
            </Badge>
          </Group>
          <Title order={2} size="h4">
            {t("comingSoon.title")}
          </Title>
          <Text>{t(`modules.${entry.id}.description`)}</Text>
          <Text c="dimmed" size="sm">
            {t("comingSoon.note")}
          </Text>
        </Stack>
      </Paper>
    </>
  );
}
