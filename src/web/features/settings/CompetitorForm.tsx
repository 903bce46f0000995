import { ActionIcon, Button, Fieldset, Group, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { type Competitor, NETWORKS, type Network } from "../../api/types";
import { useSubmit } from "../../components/use-submit";
import { required } from "../auth/validation";
import { type CompetitorBody, useCompetitorActions } from "./competitors-api";

interface Values {
  name: string;
  website: string;
  handles: { network: Network; handle: string }[];
  notes: string;
}

function valuesOf(c: Competitor | null): Values {
  return {
    name: c?.name ?? "",
    website: c?.website ?? "",
    handles: (c?.handles ?? []).map((h) => ({ network: h.network as Network, handle: h.handle })),
    notes: c?.notes ?? "",
  };
}

function bodyOf(v: Values): CompetitorBody {
  return {
    name: v.name,
    website: v.website.trim() ? v.website.trim() : null,
    handles: v.handles.filter((h) => h.handle.trim()),
    notes: v.notes,
  };
}

/** Adds or edits a competitor: name, website, handles per network, notes. */
export function CompetitorForm(props: { workspaceId: string; competitor: Competitor | null; onDone: () => void }) {
  const { t } = useTranslation();
  const actions = useCompetitorActions(props.workspaceId);
  const form = useForm<Values>({ initialValues: valuesOf(props.competitor), validate: { name: required } });
  const submit = useSubmit(form, (v) => actions.save(props.competitor?.id ?? null, bodyOf(v)), {
    success: (c) => t("competitors.saved", { name: c.name }),
    onSuccess: props.onDone,
  });
  const networks = NETWORKS.map((n) => ({ value: n, label: t(`networks.${n}`) }));
  const handles = form.getValues().handles;
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack>
        <TextInput label={t("competitors.fields.name")} required data-autofocus {...form.getInputProps("name")} />
        <TextInput
          label={t("competitors.fields.website")}
          placeholder="https://"
          type="url"
          {...form.getInputProps("website")}
        />
        <Fieldset legend={t("competitors.fields.handles")}>
          <Stack gap="xs">
            {handles.length === 0 && (
              <Text size="sm" c="dimmed">
                {t("competitors.noHandles")}
              </Text>
            )}
            {handles.map((_, i) => (
              <Group key={form.key(`handles.${i}`)} align="flex-start" wrap="nowrap">
                <Select
                  label={t("competitors.fields.network")}
                  data={networks}
                  allowDeselect={false}
                  w={170}
                  {...form.getInputProps(`handles.${i}.network`)}
                />
                <TextInput
                  label={t("competitors.fields.handle")}
                  placeholder="@"
                  style={{ flex: 1 }}
                  {...form.getInputProps(`handles.${i}.handle`)}
                />
                <ActionIcon
                  mt={26}
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label={t("competitors.removeHandle", { n: i + 1 })}
                  onClick={() => form.removeListItem("handles", i)}
                >
                  <IconTrash size={16} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => form.insertListItem("handles", { network: "bluesky", handle: "" })}
              style={{ alignSelf: "flex-start" }}
            >
              {t("competitors.addHandle")}
            </Button>
          </Stack>
        </Fieldset>
        <Textarea label={t("competitors.fields.notes")} autosize minRows={3} {...form.getInputProps("notes")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onDone}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={submit.submitting}>
            {t("common.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
