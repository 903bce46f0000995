import { Anchor, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PageTitle } from "../../components/PageTitle";
import { ProfileForm } from "./ProfileForm";
import { TokensPanel } from "./TokensPanel";

export function AccountPage() {
  const { t } = useTranslation();
  return (
    <Stack maw={860} mx="auto">
      <PageTitle title={t("account.title")} />
      <ProfileForm />
      <Paper withBorder p="lg" radius="md">
        <Title order={2} size="h4" mb={4}>
          {t("account.security")}
        </Title>
        <Text size="sm">
          <Anchor component={Link} to="/account/password">
            {t("userMenu.password")}
          </Anchor>
        </Text>
      </Paper>
      <TokensPanel />
    </Stack>
  );
}
