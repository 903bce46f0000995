import { Anchor, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PageTitle } from "../components/PageTitle";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack p="lg">
      <PageTitle title={t("notFound.title")} />
      <Text>{t("notFound.text")}</Text>
      <Anchor component={Link} to="/">
        {t("workspaces.backHome")}
      </Anchor>
    </Stack>
  );
}
