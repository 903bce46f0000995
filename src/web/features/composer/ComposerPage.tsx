import {
  Alert,
  Anchor,
  Badge,
  Chip,
  Grid,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { IconAlertTriangle, IconClock, IconWorld } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { formatDateTime } from "../../components/format";
import { ErrorState, PageLoader } from "../../components/PageState";
import { PageTitle } from "../../components/PageTitle";
import { checkFor, networkHasThreads } from "../publishing/networks";
import { PostPreview } from "../publishing/PostPreview";
import { keys, useAccounts, useCampaigns, useMedia, usePost, useTags } from "../publishing/publishing-api";
import { StatusBadge } from "../publishing/StatusBadge";
import type { Post, SocialAccount } from "../publishing/types";
import { dstStatus, nextQuarterLocal, postLocal } from "../publishing/zoned-time";
import { useCurrentWorkspace } from "../workspaces/use-current-workspace";
import { CheckSummary } from "./ChecksPanel";
import { ComposerActions } from "./ComposerActions";
import { type ComposerState, effective, emptyState, PLANNABLE, stateFromPost } from "./composer-state";
import { MediaField } from "./MediaPicker";
import { PostActivity } from "./PostActivity";
import { PRESETS } from "./RenditionsPanel";
import { SeriesPanel } from "./SeriesPanel";
import { TakeDown } from "./TakeDown";

/**
 * The composer: one post, several accounts, a base version and per-account variants, live checks and
 * previews per network, and the workflow actions. `/calendar/new?at=…` creates, `/calendar/posts/:id` edits.
 */
export default function ComposerPage() {
  const { postId } = useParams();
  const workspace = useCurrentWorkspace();
  const post = usePost(workspace.id, postId);
  if (postId && post.isPending) return <PageLoader />;
  if (postId && post.isError) return <ErrorState error={post.error} onRetry={() => post.refetch()} />;
  return <Composer key={postId ?? "new"} post={post.data} />;
}

function Composer({ post }: { post?: Post }) {
  const { t } = useTranslation();
  const workspace = useCurrentWorkspace();
  const tz = workspace.timezone;
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const accounts = useAccounts(workspace.id);
  const media = useMedia(workspace.id);
  const campaigns = useCampaigns(workspace.id);
  const tags = useTags(workspace.id);
  // Opened from a calendar slot (?at=…): that time is the draft's planned time, saved with it.
  const [state, setState] = useState<ComposerState>(() => {
    const at = search.get("at");
    if (!post) {
      // Opened from "Share" (curation, ?text=…&link=…): the draft starts with that text and link.
      const fresh = emptyState(at ?? nextQuarterLocal(tz), at !== null);
      return { ...fresh, body: search.get("text") ?? "", linkUrl: search.get("link") ?? "" };
    }
    const s = stateFromPost(post, postLocal(post, tz) ?? at);
    return at !== null && !post.planned && PLANNABLE.includes(post.status) ? { ...s, planTime: true } : s;
  });
  const [dirty, setDirty] = useState(!post);
  /** The post this new-post screen created (until the route shows it). */
  const [created, setCreated] = useState<Post | null>(null);
  /** The server's words when scheduling moved a DST-day time. */
  const [serverWarning, setServerWarning] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>("base");
  const update = (patch: Partial<ComposerState>) => {
    setState((s) => ({ ...s, ...patch }));
    setDirty(true);
  };
  // A post saved elsewhere (approval, move) comes back with a new version: follow it when not editing.
  useEffect(() => {
    // A draft without a planned time keeps the time proposed here (not saved until planned or scheduled).
    if (post && !dirty)
      setState((s) => {
        const next = stateFromPost(post, postLocal(post, tz) ?? s.scheduledLocal);
        return post.planned || !PLANNABLE.includes(post.status) ? next : { ...next, planTime: s.planTime };
      });
  }, [post, dirty, tz]);

  const accountById = new Map((accounts.data ?? []).map((a) => [a.id, a]));
  const mediaById = new Map((media.data ?? []).map((m) => [m.id, m]));
  // Cheap pure functions: recomputed on every keystroke, no memo needed.
  const checks = state.accountIds.map((id) => {
    const account = accountById.get(id);
    const eff = effective(state, id);
    const items = eff.mediaIds.flatMap((m) => mediaById.get(m) ?? []);
    const thread = state.variants[id]?.options?.thread === true;
    // The account's own limits (a Mastodon instance's) set the counter's maximum and the errors.
    const result = account ? checkFor(account.network, eff.body, items, { thread, limits: account.limits }) : null;
    return { id, account, result };
  });
  const blocking = checks.some((c) => c.result && !c.result.ok);
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const readOnly = !canEdit || (post ? ["publishing", "published"].includes(post.status) : false);
  const plannable = !post || PLANNABLE.includes(post.status);

  const toggleAccount = (ids: string[]) => {
    update({ accountIds: ids });
    if (tab && tab !== "base" && !ids.includes(tab)) setTab("base");
  };
  const setVariant = (accountId: string, patch: Partial<ComposerState["variants"][string]>) => {
    const current = state.variants[accountId] ?? { body: null, mediaIds: null };
    update({ variants: { ...state.variants, [accountId]: { ...current, ...patch } } });
  };

  const onSaved = async (saved: Post) => {
    setDirty(false);
    qc.setQueryData(keys.post(workspace.id, saved.id), saved);
    if (!post) {
      // From now on this screen edits the saved post: the route change below renders in a transition, and
      // an action clicked on this screen meanwhile must update that post, not create a second one.
      setCreated(saved);
      const at = state.scheduledLocal ? `?at=${encodeURIComponent(state.scheduledLocal)}` : "";
      navigate(`/w/${workspace.id}/calendar/posts/${saved.id}${at}`, { replace: true });
    }
    await qc.invalidateQueries({ queryKey: keys.calendar(workspace.id) });
    await qc.invalidateQueries({ queryKey: keys.post(workspace.id, saved.id) });
  };

  const dst = state.scheduledLocal ? dstStatus(state.scheduledLocal, tz) : "none";
  return (
    <>
      <PageTitle
        title={post ? t("composer.editTitle") : t("composer.newTitle")}
        subtitle={
          <Anchor component={Link} to={post ? "../.." : ".."} relative="path" size="sm">
            ← {t("composer.backToCalendar")}
          </Anchor>
        }
        actions={post && <StatusBadge status={post.status} size="lg" />}
      />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <Stack gap="xs">
                <Text fw={600} id="composer-accounts">
                  {t("composer.accounts")}
                </Text>
                {accounts.isError ? (
                  <ErrorState error={accounts.error} onRetry={() => accounts.refetch()} />
                ) : (accounts.data ?? []).length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t("composer.noAccounts")}{" "}
                    <Anchor component={Link} to={`/w/${workspace.id}/connectors`}>
                      {t("composer.connectAccount")}
                    </Anchor>
                  </Text>
                ) : (
                  <Chip.Group multiple value={state.accountIds} onChange={toggleAccount}>
                    <Group gap="xs" role="group" aria-labelledby="composer-accounts">
                      {(accounts.data ?? []).map((a) => (
                        <Chip key={a.id} value={a.id} disabled={readOnly}>
                          {a.displayName}
                        </Chip>
                      ))}
                    </Group>
                  </Chip.Group>
                )}
              </Stack>
            </Paper>

            <Paper withBorder p="md" radius="md">
              <Tabs value={tab} onChange={setTab} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="base">{t("composer.baseVersion")}</Tabs.Tab>
                  {state.accountIds.map((id) => (
                    <Tabs.Tab key={id} value={id}>
                      {accountById.get(id)?.displayName ?? id.slice(0, 8)}
                      {effective(state, id).overridden && " •"}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
                <Tabs.Panel value="base" pt="md">
                  <Stack gap="sm">
                    <Textarea
                      label={t("composer.text")}
                      autosize
                      minRows={5}
                      value={state.body}
                      readOnly={readOnly}
                      onChange={(e) => update({ body: e.currentTarget.value })}
                    />
                    <TextInput
                      label={t("composer.link")}
                      placeholder="https://"
                      value={state.linkUrl}
                      readOnly={readOnly}
                      onChange={(e) => update({ linkUrl: e.currentTarget.value })}
                    />
                    <MediaField
                      workspaceId={workspace.id}
                      label={t("composer.media.title")}
                      value={state.mediaIds}
                      readOnly={readOnly}
                      onChange={(mediaIds) => update({ mediaIds })}
                    />
                  </Stack>
                </Tabs.Panel>
                {state.accountIds.map((id) => {
                  const v = state.variants[id];
                  const name = accountById.get(id)?.displayName ?? id;
                  return (
                    <Tabs.Panel key={id} value={id} pt="md">
                      <Stack gap="sm">
                        <Switch
                          label={t("composer.overrideText", { name })}
                          checked={v?.body != null}
                          disabled={readOnly}
                          onChange={(e) => setVariant(id, { body: e.currentTarget.checked ? state.body : null })}
                        />
                        <Textarea
                          label={t("composer.variantText", { name })}
                          autosize
                          minRows={5}
                          value={v?.body ?? state.body}
                          readOnly={readOnly || v?.body == null}
                          onChange={(e) => setVariant(id, { body: e.currentTarget.value })}
                        />
                        <Switch
                          label={t("composer.overrideMedia")}
                          checked={v?.mediaIds != null}
                          disabled={readOnly}
                          onChange={(e) =>
                            setVariant(id, { mediaIds: e.currentTarget.checked ? [...state.mediaIds] : null })
                          }
                        />
                        {v?.mediaIds != null && (
                          <MediaField
                            workspaceId={workspace.id}
                            label={t("composer.variantMedia", { name })}
                            value={v.mediaIds}
                            readOnly={readOnly}
                            onChange={(mediaIds) => setVariant(id, { mediaIds })}
                          />
                        )}
                        {/* A text longer than the network allows goes out as a numbered thread, on request. */}
                        {accountById.get(id) && networkHasThreads(accountById.get(id)?.network ?? "") && (
                          <Switch
                            label={t("composer.thread")}
                            description={t("composer.threadHint")}
                            checked={v?.options?.thread === true}
                            disabled={readOnly}
                            onChange={(e) => {
                              const { thread: _old, ...rest } = v?.options ?? {};
                              setVariant(id, { options: e.currentTarget.checked ? { ...rest, thread: true } : rest });
                            }}
                          />
                        )}
                        {/* Which crop of each image this account publishes (its rendition, made in "Cadrages"). */}
                        <Select
                          label={t("composer.imageFormat")}
                          description={t("composer.imageFormatHint")}
                          data={[
                            { value: "original", label: t("composer.imageFormatOriginal") },
                            ...PRESETS.map((p) => ({ value: p, label: p })),
                          ]}
                          value={typeof v?.options?.preset === "string" ? v.options.preset : "original"}
                          readOnly={readOnly}
                          allowDeselect={false}
                          onChange={(preset) => {
                            const { preset: _old, ...rest } = v?.options ?? {};
                            setVariant(id, { options: preset && preset !== "original" ? { ...rest, preset } : rest });
                          }}
                        />
                      </Stack>
                    </Tabs.Panel>
                  );
                })}
              </Tabs>
            </Paper>

            {checks.length > 0 && (
              <Paper withBorder p="md" radius="md" aria-labelledby="composer-checks">
                <Stack gap="sm">
                  <Title order={2} size="h5" id="composer-checks">
                    {t("composer.checks.title")}
                  </Title>
                  <div aria-live="polite">
                    <Stack gap="sm">
                      {checks.map(
                        (c) =>
                          c.account && (
                            <CheckSummary
                              key={c.id}
                              name={c.account.displayName}
                              network={c.account.network}
                              result={c.result}
                              instance={instanceName(c.account)}
                            />
                          ),
                      )}
                    </Stack>
                  </div>
                </Stack>
              </Paper>
            )}

            <Paper withBorder p="md" radius="md">
              <Grid>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <TextInput
                    type="datetime-local"
                    label={t("composer.when")}
                    description={
                      <Group gap={4} component="span">
                        <IconWorld size={12} aria-hidden />
                        {t("composer.zone", { zone: tz })}
                      </Group>
                    }
                    leftSection={<IconClock size={16} aria-hidden />}
                    value={state.scheduledLocal}
                    readOnly={readOnly}
                    onChange={(e) => {
                      update({ scheduledLocal: e.currentTarget.value, planTime: true });
                      setServerWarning(null);
                    }}
                  />
                  {plannable && state.planTime && state.scheduledLocal && (
                    <Text size="xs" c="dimmed" mt={4} data-testid="planned-hint">
                      {t("composer.plannedHint")}
                    </Text>
                  )}
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Select
                    label={t("composer.campaign")}
                    clearable
                    data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                    value={state.campaignId}
                    readOnly={readOnly}
                    onChange={(campaignId) => update({ campaignId })}
                    nothingFoundMessage={t("common.nothingFound")}
                  />
                </Grid.Col>
                <Grid.Col span={12}>
                  <MultiSelect
                    label={t("composer.tags")}
                    data={(tags.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                    value={state.tagIds}
                    readOnly={readOnly}
                    onChange={(tagIds) => update({ tagIds })}
                    searchable
                    nothingFoundMessage={t("common.nothingFound")}
                  />
                </Grid.Col>
              </Grid>
              {(dst !== "none" || serverWarning) && (
                <Alert mt="sm" color="orange" icon={<IconAlertTriangle />} title={t("composer.dstTitle")} role="status">
                  {serverWarning ?? t(dst === "gap" ? "composer.dstGap" : "composer.dstOverlap", { zone: tz })}
                </Alert>
              )}
            </Paper>

            <ComposerActions
              post={post ?? created ?? undefined}
              state={state}
              dirty={dirty}
              blocking={blocking}
              canEdit={canEdit && !readOnly}
              onSaved={onSaved}
              onScheduleWarning={setServerWarning}
              savedLocal={post ? postLocal(post, tz) : null}
            />
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Title order={2} size="h4">
              {t("composer.preview")}
            </Title>
            {state.accountIds.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t("composer.previewHint")}
              </Text>
            ) : (
              state.accountIds.map((id) => {
                const account = accountById.get(id);
                const eff = effective(state, id);
                const target = post?.targets.find((x) => x.accountId === id);
                return (
                  <Stack key={id} gap={4}>
                    <PostPreview
                      network={account?.network ?? "webhook"}
                      name={account?.displayName ?? id}
                      handle={account?.handle}
                      text={eff.body}
                      media={eff.mediaIds.flatMap((m) => mediaById.get(m) ?? [])}
                      linkUrl={state.linkUrl || null}
                    />
                    {target?.status && target.status !== "pending" && (
                      <Group gap="xs">
                        <StatusBadge status={target.status} />
                        {target.removedAt ? (
                          <Text size="sm" c="dimmed">
                            {t("composer.takeDown.removedOn", { date: formatDateTime(target.removedAt, tz) })}
                          </Text>
                        ) : (
                          target.externalUrl && (
                            <Anchor href={target.externalUrl} target="_blank" rel="noreferrer" size="sm">
                              {t("calendar.viewLive")}
                            </Anchor>
                          )
                        )}
                        {target.removable && canEdit && post && target.id && (
                          <TakeDown
                            workspaceId={workspace.id}
                            postId={post.id}
                            targetId={target.id}
                            accountName={account?.displayName ?? target.accountName ?? ""}
                          />
                        )}
                        {target.errorMessage && (
                          <Text size="xs" c="red.8">
                            {target.errorMessage}
                          </Text>
                        )}
                      </Group>
                    )}
                  </Stack>
                );
              })
            )}
            {post && <SeriesPanel key={post.id} workspaceId={workspace.id} post={post} canEdit={canEdit} />}
            {post && <PostActivity workspaceId={workspace.id} post={post} timeZone={tz} />}
            {post && (
              <Badge variant="outline" color="gray">
                {t("composer.version", { n: post.version })}
              </Badge>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

/** The server whose own limits an account's checks follow (a Mastodon instance), by its title or host. */
function instanceName(account: SocialAccount): string | null {
  if (!account.limits?.maxCharacters) return null;
  const { instanceTitle, instanceUrl } = account.settings;
  if (typeof instanceTitle === "string" && instanceTitle.trim()) return instanceTitle;
  if (typeof instanceUrl === "string") {
    try {
      return new URL(instanceUrl).host;
    } catch {
      // not an address: fall through
    }
  }
  return account.handle?.split("@").at(-1) || null;
}
