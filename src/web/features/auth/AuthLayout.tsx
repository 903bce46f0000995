import { Anchor, Box, Center, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../shell/LanguageSwitch";

/** The frame of pages seen before signing in: brand, language switch, one centred card. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · Relais`;
  }, [title]);
  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="space-between" px="lg" py="sm" component="header">
        <Text fw={700} size="lg" c="indigo.7">
          Relais
        </Text>
        <LanguageSwitch />
      </Group>
      <Center component="main" px="md" py="xl">
        <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={460}>
          <Stack gap="xs" mb="lg">
            <Title order={1} size="h2">
              {title}
            </Title>
            {subtitle && (
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            )}
          </Stack>
          {children}
        </Paper>
      </Center>
      <Center pb="md">
        <Text size="xs" c="dimmed">
          {t("app.tagline")}{" "}
          <Anchor href="/api/docs" size="xs">
            {t("app.apiDocs")}
          </Anchor>
        </Text>
      </Center>
    </Box>
  );
}
