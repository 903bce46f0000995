import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Grid,
  Group,
  Image,
  Kbd,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconBell,
  IconChecks,
  IconLayoutGrid,
  IconList,
  IconPlus,
  IconRefresh,
  IconSearch,
  IconStar,
  IconStarFilled,
} from "@tabler/icons-react";
import { type InfiniteData, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "../../../components/format";
import { notifySuccess } from "../../../components/notify";
import { EmptyState, ErrorState, PageLoader } from "../../../components/PageState";
import { PageTitle } from "../../../components/PageTitle";
import { showServerErrors } from "../../../components/server-errors";
import { useCurrentWorkspace } from "../../workspaces/use-current-workspace";
import {
  type ItemFilter,
  type ItemPage,
  type ItemSummary,
  keys,
  paths,
  useFeeds,
  useItems,
  veilleActions,
} from "../veille-api";
import { ItemReader } from "./ItemReader";
import { type Selection, Sidebar } from "./Sidebar";
import { SubscribeModal } from "./SubscribeModal";
import "./veille.css";

const PERIODS = { all: 0, day: 1, week: 7, month: 30 } as const;
type Period = keyof typeof PERIODS;
const LANGUAGES = ["fr", "en", "de", "es", "it", "pt", "nl"];

/** Keys typed into a text field are the field's (radio buttons and switches are not text fields). */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === "INPUT") return !["radio", "checkbox", "button"].includes((el as HTMLInputElement).type);
  return el.isContentEditable || ["TEXTAREA", "SELECT"].includes(el.tagName);
}

/**
 * The feed reader (Feedly/Netvibes-like): folders and feeds with unread counts, list and magazine views,
 * read/unread, star, search and filters, keyboard shortcuts (j/k next/previous, o/Enter open, s star,
 * m read/unread, / search, Esc close), subscription by site or feed URL, OPML import and export.
 */
export default function VeillePage() {
  const { t, i18n } = useTranslation();
  const workspace = useCurrentWorkspace();
  const w = workspace.id;
  const canEdit = ["owner", "manager", "editor"].includes(workspace.role);
  const qc = useQueryClient();
  const feeds = useFeeds(w);

  const [selection, setSelection] = useState<Selection>({ kind: "all" });
  const [view, setView] = useState<"list" | "magazine">(
    () => (localStorage.getItem("relais.veille.view") as "list" | "magazine" | null) ?? "list",
  );
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [language, setLanguage] = useState<string | null>(null);
  const [period, setPeriod] = useState<Period>("all");
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [cursor, setCursor] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [subscribing, setSubscribing] = useState(false);
  const [fullTextBusy, setFullTextBusy] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const filter: ItemFilter = useMemo(() => {
    const f: ItemFilter = {};
    if (selection.kind === "feed") f.feedId = selection.id;
    if (selection.kind === "folder") f.folderId = selection.id;
    if (selection.kind === "starred") f.starred = true;
    if (unreadOnly) f.unread = true;
    if (language) f.language = language;
    if (q) f.q = q;
    const days = PERIODS[period];
    if (days) f.since = new Date(Date.now() - days * 86_400_000).toISOString();
    return f;
  }, [selection, unreadOnly, language, q, period]);
  const items = useItems(w, filter);
  const list: ItemSummary[] = useMemo(() => items.data?.pages.flatMap((p) => p.items) ?? [], [items.data]);

  // A new filter starts at the top with nothing open.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the filter changes
  useEffect(() => {
    setCursor(0);
    setOpenId(null);
  }, [filter]);

  useEffect(() => localStorage.setItem("relais.veille.view", view), [view]);

  const refreshCounts = useCallback(() => qc.invalidateQueries({ queryKey: keys.feeds(w) }), [qc, w]);

  /** Changes one item in every cached page (optimistic), then tells the server. */
  const patchItem = useCallback(
    (id: string, change: Partial<Pick<ItemSummary, "read" | "starred">>) => {
      qc.setQueriesData<InfiniteData<ItemPage>>({ queryKey: ["veille", w, "items"] }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((p) => ({
                ...p,
                items: p.items.map((i) => (i.id === id ? { ...i, ...change } : i)),
              })),
            }
          : data,
      );
    },
    [qc, w],
  );

  const setRead = useCallback(
    async (item: ItemSummary, read: boolean) => {
      if (item.read === read) return;
      patchItem(item.id, { read });
      try {
        await veilleActions.setRead(w, item.id, read);
        void refreshCounts();
      } catch (err) {
        patchItem(item.id, { read: item.read });
        showServerErrors(err);
      }
    },
    [patchItem, refreshCounts, w],
  );

  const setStar = useCallback(
    async (item: ItemSummary, starred: boolean) => {
      patchItem(item.id, { starred });
      try {
        await veilleActions.setStar(w, item.id, starred);
      } catch (err) {
        patchItem(item.id, { starred: item.starred });
        showServerErrors(err);
      }
    },
    [patchItem, w],
  );

  const open = useCallback(
    (index: number) => {
      const item = list[index];
      if (!item) return;
      setCursor(index);
      setOpenId((current) => (current === item.id ? null : item.id));
      void setRead(item, true);
    },
    [list, setRead],
  );

  const move = useCallback(
    (delta: number) => {
      if (!list.length) return;
      const next = Math.max(0, Math.min(list.length - 1, cursor + delta));
      setCursor(next);
      // Like Feedly: when an item is open, j/k open the next one.
      if (openId) {
        const item = list[next];
        if (item) {
          setOpenId(item.id);
          void setRead(item, true);
        }
      }
      if (next >= list.length - 3 && items.hasNextPage && !items.isFetchingNextPage) void items.fetchNextPage();
    },
    [cursor, list, openId, setRead, items],
  );

  useEffect(() => {
    const el = listRef.current?.querySelector(`[data-index="${cursor}"]`);
    el?.scrollIntoView({ block: "nearest" });
  }, [cursor]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingIn(e.target)) {
        if (e.key === "Escape") (e.target as HTMLElement).blur();
        return;
      }
      if (document.querySelector(".mantine-Modal-content")) return;
      // Enter on a focused button or link is that control's own action.
      const tag = (e.target as HTMLElement | null)?.tagName;
      if (e.key === "Enter" && (tag === "BUTTON" || tag === "A")) return;
      const item = list[cursor];
      switch (e.key) {
        case "j":
          move(1);
          break;
        case "k":
          move(-1);
          break;
        case "o":
        case "Enter":
          open(cursor);
          break;
        case "s":
          if (item) void setStar(item, !item.starred);
          break;
        case "m":
          if (item) void setRead(item, !item.read);
          break;
        case "/":
          searchRef.current?.focus();
          break;
        case "Escape":
          setOpenId(null);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [cursor, list, move, open, setRead, setStar]);

  const markAllRead = async () => {
    const newest = list[0];
    if (!newest) return;
    try {
      const r = await veilleActions.markAllRead(w, {
        before: newest.publishedAt,
        ...(filter.feedId ? { feedId: filter.feedId } : {}),
        ...(filter.folderId ? { folderId: filter.folderId } : {}),
      });
      notifySuccess(t("veille.markedRead", { count: r.marked }));
      await qc.invalidateQueries({ queryKey: keys.all(w) });
    } catch (err) {
      showServerErrors(err);
    }
  };

  const fetchNow = async (feedId: string) => {
    try {
      const r = await veilleActions.fetchNow(w, feedId);
      const message = t(`veille.fetchOutcome.${r.outcome}`, { count: r.newItems });
      if (r.outcome === "ok" || r.outcome === "not_modified") notifySuccess(message);
      else notifications.show({ color: "orange", title: t("common.failed"), message, autoClose: 8000 });
      await qc.invalidateQueries({ queryKey: keys.all(w) });
    } catch (err) {
      showServerErrors(err);
    }
  };

  const fullText = async (item: ItemSummary) => {
    setFullTextBusy(true);
    try {
      const detail = await veilleActions.fullText(w, item.id);
      qc.setQueryData(keys.item(w, item.id), detail);
    } catch (err) {
      showServerErrors(err);
    } finally {
      setFullTextBusy(false);
    }
  };

  const newFolder = async () => {
    const name = window.prompt(t("veille.folderName"))?.trim();
    if (!name) return;
    try {
      await veilleActions.createFolder(w, name);
      await refreshCounts();
    } catch (err) {
      showServerErrors(err);
    }
  };

  const deleteFolder = async (id: string, name: string) => {
    if (!window.confirm(t("veille.confirmDeleteFolder", { name }))) return;
    try {
      await veilleActions.deleteFolder(w, id);
      if (selection.kind === "folder" && selection.id === id) setSelection({ kind: "all" });
      await refreshCounts();
    } catch (err) {
      showServerErrors(err);
    }
  };

  const importOpml = async (file: File) => {
    try {
      const r = await veilleActions.importOpml(w, await file.text());
      notifySuccess(
        t("veille.opml.imported", {
          created: r.feedsCreated,
          existing: r.feedsExisting,
          folders: r.foldersCreated,
          invalid: r.invalid.length,
        }),
      );
      await qc.invalidateQueries({ queryKey: keys.all(w) });
    } catch (err) {
      showServerErrors(err);
    }
  };

  const moveFeed = async (feedId: string, folderId: string | null) => {
    try {
      await veilleActions.updateFeed(w, feedId, { folderId });
      await refreshCounts();
    } catch (err) {
      showServerErrors(err);
    }
  };

  const unsubscribe = async (feedId: string, title: string) => {
    if (!window.confirm(t("veille.confirmUnsubscribe", { title }))) return;
    try {
      await veilleActions.unsubscribe(w, feedId);
      setSelection({ kind: "all" });
      await qc.invalidateQueries({ queryKey: keys.all(w) });
    } catch (err) {
      showServerErrors(err);
    }
  };

  if (feeds.isPending) return <PageLoader />;
  if (feeds.isError) return <ErrorState error={feeds.error} onRetry={() => feeds.refetch()} />;

  const selectedFeed = selection.kind === "feed" ? feeds.data.feeds.find((f) => f.id === selection.id) : undefined;
  const selectedFolder =
    selection.kind === "folder" ? feeds.data.folders.find((f) => f.id === selection.id) : undefined;
  const heading =
    selection.kind === "starred"
      ? t("veille.starred")
      : (selectedFeed?.title ?? selectedFolder?.name ?? t("veille.allItems"));

  const renderOpen = (item: ItemSummary) =>
    openId === item.id && (
      <ItemReader
        workspaceId={w}
        item={item}
        onToggleRead={() => void setRead(item, !item.read)}
        onToggleStar={() => void setStar(item, !item.starred)}
        onFullText={() => void fullText(item)}
        fullTextBusy={fullTextBusy}
      />
    );

  return (
    <>
      <PageTitle
        title={t("veille.title")}
        subtitle={t("veille.subtitle")}
        actions={
          <Group gap="xs">
            <Button component={Link} to="alerts" variant="default" leftSection={<IconBell size={16} />}>
              {t("veille.alertsLink")}
            </Button>
            {canEdit && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setSubscribing(true)}>
                {t("veille.subscribe.action")}
              </Button>
            )}
          </Group>
        }
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Paper withBorder radius="md" p="xs">
            <Sidebar
              list={feeds.data}
              selection={selection}
              onSelect={setSelection}
              canEdit={canEdit}
              onNewFolder={() => void newFolder()}
              onDeleteFolder={(id, name) => void deleteFolder(id, name)}
              onImportOpml={(file) => void importOpml(file)}
              exportUrl={paths.opml(w)}
            />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Stack gap="sm">
            <Group justify="space-between" wrap="nowrap">
              <Text fw={700} size="lg" lineClamp={1} data-testid="reader-heading" style={{ minWidth: 0 }}>
                {heading}
              </Text>
              <Group gap="xs" wrap="nowrap">
                <Button
                  size="xs"
                  variant="default"
                  leftSection={<IconChecks size={14} />}
                  onClick={() => void markAllRead()}
                  disabled={!list.some((i) => !i.read)}
                >
                  {t("veille.markAllRead")}
                </Button>
                <SegmentedControl
                  size="xs"
                  value={view}
                  onChange={(v) => setView(v as "list" | "magazine")}
                  data={[
                    {
                      value: "list",
                      label: (
                        <Group gap={4} wrap="nowrap">
                          <IconList size={14} />
                          {t("veille.views.list")}
                        </Group>
                      ),
                    },
                    {
                      value: "magazine",
                      label: (
                        <Group gap={4} wrap="nowrap">
                          <IconLayoutGrid size={14} />
                          {t("veille.views.magazine")}
                        </Group>
                      ),
                    },
                  ]}
                />
              </Group>
            </Group>
            {selectedFeed && canEdit && (
              <Group gap="xs" data-testid="feed-controls">
                {feeds.data.folders.length > 0 && (
                  <Select
                    size="xs"
                    w={170}
                    aria-label={t("veille.moveToFolder")}
                    placeholder={t("veille.subscribe.noFolder")}
                    clearable
                    value={selectedFeed.folderId}
                    onChange={(folderId) => void moveFeed(selectedFeed.id, folderId)}
                    data={feeds.data.folders.map((f) => ({ value: f.id, label: f.name }))}
                  />
                )}
                <Tooltip label={t("veille.fetchNow")}>
                  <ActionIcon
                    variant="default"
                    onClick={() => void fetchNow(selectedFeed.id)}
                    aria-label={t("veille.fetchNow")}
                  >
                    <IconRefresh size={16} />
                  </ActionIcon>
                </Tooltip>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => void unsubscribe(selectedFeed.id, selectedFeed.title)}
                >
                  {t("veille.unsubscribe")}
                </Button>
              </Group>
            )}
            {selectedFeed?.lastError && (
              <Alert
                color={selectedFeed.goneAt ? "gray" : "red"}
                title={t("veille.feedError")}
                data-testid="feed-error"
              >
                {selectedFeed.lastError.message}
                {selectedFeed.lastError.detail && selectedFeed.lastError.code !== "http_status"
                  ? ` (${selectedFeed.lastError.detail})`
                  : ""}{" "}
                —{" "}
                {t("veille.feedErrorSince", {
                  date: formatDateTime(selectedFeed.lastError.at),
                  count: selectedFeed.errorCount,
                })}
              </Alert>
            )}
            <Group gap="xs" wrap="wrap">
              <TextInput
                ref={searchRef}
                style={{ flex: 1, minWidth: 280 }}
                placeholder={t("veille.searchPlaceholder")}
                aria-label={t("veille.search")}
                leftSection={<IconSearch size={16} />}
                rightSection={<Kbd size="xs">/</Kbd>}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
              />
              <Select
                w={180}
                aria-label={t("veille.filters.language")}
                placeholder={t("veille.filters.anyLanguage")}
                clearable
                value={language}
                onChange={setLanguage}
                data={LANGUAGES.map((l) => ({
                  value: l,
                  label: new Intl.DisplayNames([i18n.language || "fr"], { type: "language" }).of(l) ?? l,
                }))}
              />
              <Select
                w={170}
                aria-label={t("veille.filters.period")}
                value={period}
                onChange={(v) => setPeriod((v as Period) ?? "all")}
                allowDeselect={false}
                data={(Object.keys(PERIODS) as Period[]).map((p) => ({ value: p, label: t(`veille.periods.${p}`) }))}
              />
              <Switch
                label={t("veille.filters.unreadOnly")}
                checked={unreadOnly}
                onChange={(e) => setUnreadOnly(e.currentTarget.checked)}
              />
            </Group>
            <Text size="xs" c="dimmed">
              {t("veille.shortcuts")}
            </Text>
            <Box ref={listRef} data-testid="item-list" data-view={view}>
              {items.isPending ? (
                <PageLoader />
              ) : items.isError ? (
                <ErrorState error={items.error} onRetry={() => items.refetch()} />
              ) : list.length === 0 ? (
                <EmptyState title={q ? t("veille.noResults") : t("veille.empty")}>
                  {feeds.data.feeds.length === 0 ? t("veille.emptyHint") : null}
                </EmptyState>
              ) : view === "list" ? (
                <Paper withBorder radius="md">
                  {list.map((item, index) => (
                    <Box
                      key={item.id}
                      data-index={index}
                      data-testid="item-row"
                      data-read={item.read}
                      data-starred={item.starred}
                      data-selected={index === cursor}
                      className="veille-row"
                    >
                      <Group
                        gap="sm"
                        wrap="nowrap"
                        px="sm"
                        py={6}
                        style={{ cursor: "pointer" }}
                        onClick={() => open(index)}
                      >
                        <ActionIcon
                          variant="subtle"
                          color="yellow"
                          size="sm"
                          aria-label={item.starred ? t("veille.actions.unstar") : t("veille.actions.star")}
                          onClick={(e) => {
                            e.stopPropagation();
                            void setStar(item, !item.starred);
                          }}
                        >
                          {item.starred ? <IconStarFilled size={16} /> : <IconStar size={16} />}
                        </ActionIcon>
                        <Text size="xs" c="dimmed" w={140} lineClamp={1} style={{ flexShrink: 0 }}>
                          {item.feedTitle}
                        </Text>
                        <Text
                          size="sm"
                          fw={item.read ? 400 : 700}
                          lineClamp={1}
                          style={{ flex: 1 }}
                          data-testid="item-title"
                        >
                          {item.title}
                          <Text span size="sm" c="dimmed" fw={400}>
                            {" "}
                            — {item.excerpt}
                          </Text>
                        </Text>
                        {item.story && item.story.count > 1 && (
                          <Badge size="xs" variant="light" color="grape">
                            {t("veille.story.badge", { count: item.story.count })}
                          </Badge>
                        )}
                        {item.language && (
                          <Badge size="xs" variant="outline" color="gray">
                            {item.language}
                          </Badge>
                        )}
                        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                          {formatDateTime(item.publishedAt)}
                        </Text>
                      </Group>
                      {renderOpen(item)}
                    </Box>
                  ))}
                </Paper>
              ) : (
                <Stack>
                  {openId && list.find((i) => i.id === openId) && (
                    <Card withBorder radius="md" p={0}>
                      {renderOpen(list.find((i) => i.id === openId) as ItemSummary)}
                    </Card>
                  )}
                  <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                    {list.map((item, index) => (
                      <Card
                        key={item.id}
                        withBorder
                        radius="md"
                        padding="sm"
                        data-index={index}
                        data-testid="item-row"
                        data-read={item.read}
                        data-starred={item.starred}
                        data-selected={index === cursor}
                        className="veille-card"
                        onClick={() => open(index)}
                      >
                        {item.imageUrl && (
                          <Card.Section mb="xs">
                            <Image src={item.imageUrl} alt="" h={140} fit="cover" />
                          </Card.Section>
                        )}
                        <Group justify="space-between" wrap="nowrap" align="flex-start">
                          <Text fw={item.read ? 500 : 700} lineClamp={3} data-testid="item-title">
                            {item.title}
                          </Text>
                          <ActionIcon
                            variant="subtle"
                            color="yellow"
                            size="sm"
                            aria-label={item.starred ? t("veille.actions.unstar") : t("veille.actions.star")}
                            onClick={(e) => {
                              e.stopPropagation();
                              void setStar(item, !item.starred);
                            }}
                          >
                            {item.starred ? <IconStarFilled size={16} /> : <IconStar size={16} />}
                          </ActionIcon>
                        </Group>
                        <Text size="sm" c="dimmed" lineClamp={3} mt={4}>
                          {item.excerpt}
                        </Text>
                        <Text size="xs" c="dimmed" mt="xs">
                          {item.feedTitle} · {formatDateTime(item.publishedAt)}
                          {item.story && item.story.count > 1
                            ? ` · ${t("veille.story.badge", { count: item.story.count })}`
                            : ""}
                        </Text>
                      </Card>
                    ))}
                  </SimpleGrid>
                </Stack>
              )}
              {items.hasNextPage && (
                <Group justify="center" mt="sm">
                  <Button
                    variant="default"
                    loading={items.isFetchingNextPage}
                    onClick={() => void items.fetchNextPage()}
                  >
                    {t("veille.loadMore")}
                  </Button>
                </Group>
              )}
            </Box>
          </Stack>
        </Grid.Col>
      </Grid>
      <SubscribeModal
        workspaceId={w}
        folders={feeds.data.folders}
        opened={subscribing}
        onClose={() => setSubscribing(false)}
        onSubscribed={(r) => {
          setSubscribing(false);
          notifySuccess(t("veille.subscribe.done", { title: r.feed.title, count: r.newItems }));
          void qc.invalidateQueries({ queryKey: keys.all(w) });
          setSelection({ kind: "feed", id: r.feed.id });
        }}
      />
    </>
  );
}
