import { type Kysely, sql } from "kysely";
import type { DB, LatestMetrics, PostStatus } from "../../db/schema.js";

export interface RangeFilters {
  accounts?: string[];
  networks?: string[];
  campaigns?: string[];
  tags?: string[];
  statuses?: string[];
}

/** A post's target as the range query gives it: the account by id (names are in `Lookups`). */
export interface RangeTarget {
  id: string;
  account_id: string;
  status: string;
  external_url: string | null;
  published_at: Date | null;
  error_code: string | null;
  error_message: string | null;
  /** The latest metric snapshot of a published target (only when asked for, see findInRange). */
  latest: LatestMetrics | null;
}

export interface RangeRow {
  id: string;
  status: PostStatus;
  body: string;
  link_url: string | null;
  scheduled_at: Date;
  recurrence: string | null;
  recurrence_parent_id: string | null;
  evergreen: boolean;
  version: number;
  campaign_id: string | null;
  /** Ordered by account name (then id). */
  targets: RangeTarget[];
  /** Ordered by tag name. */
  tag_ids: string[];
}

/** The workspace's zone and its accounts, tags and campaigns by id: small, read once per query. */
export interface Lookups {
  timezone: string;
  accounts: Map<string, { name: string; handle: string | null; network: string }>;
  tags: Map<string, { name: string; color: string }>;
  campaigns: Map<string, { name: string; color: string }>;
}

/** One round trip for the zone and the small lookup tables (each as one JSON text, parsed in JS). */
export async function lookups(db: Kysely<DB>, workspaceId: string): Promise<Lookups> {
  const { rows } = await sql<{
    timezone: string;
    accounts: string | null;
    tags: string | null;
    campaigns: string | null;
  }>`
    select w.timezone,
      (select json_agg(json_build_array(a.id, a.display_name, a.handle, a.network))::text
         from social_accounts a where a.workspace_id = w.id) as accounts,
      (select json_agg(json_build_array(g.id, g.name, g.color))::text from tags g where g.workspace_id = w.id) as tags,
      (select json_agg(json_build_array(c.id, c.name, c.color))::text from campaigns c where c.workspace_id = w.id) as campaigns
    from workspaces w where w.id = ${workspaceId}`.execute(db);
  const r = rows[0];
  if (!r) throw new Error(`workspace ${workspaceId} vanished`);
  const parse = <T>(s: string | null): T[] => (s ? (JSON.parse(s) as T[]) : []);
  return {
    timezone: r.timezone,
    accounts: new Map(
      parse<[string, string, string | null, string]>(r.accounts).map(([id, name, handle, network]) => [
        id,
        { name, handle, network },
      ]),
    ),
    tags: new Map(parse<[string, string, string]>(r.tags).map(([id, name, color]) => [id, { name, color }])),
    campaigns: new Map(parse<[string, string, string]>(r.campaigns).map(([id, name, color]) => [id, { name, color }])),
  };
}

// One collator for the whole result: String#localeCompare builds one per call, which shows at 800 posts.
const collator = new Intl.Collator("fr");

/** A target as the range query sends it: id, account, status, url, published at (ms), error, latest metrics. */
type TargetTuple = [
  string,
  string,
  string,
  string | null,
  number | null,
  string | null,
  string | null,
  (LatestMetrics | null)?,
];

/** id, status, scheduled at, campaign, recurrence, parent, evergreen, version, link, targets, tag ids. */
type PostTuple = [
  string,
  PostStatus,
  number,
  string | null,
  string | null,
  string | null,
  boolean,
  number,
  string | null,
  TargetTuple[] | null,
  string[] | null,
];

/**
 * Posts with a time in [from, to), with their targets and tag ids, in ONE query returning ONE JSON text:
 * the posts come through posts_calendar_idx (workspace_id, scheduled_at), targets and tags through their
 * (post_id, …) keys by post id, and PostgreSQL builds compact arrays that JSON.parse reads far faster than the
 * driver converts thousands of rows (PGlite especially). The texts come as a second JSON value: the first is
 * then plain ASCII (ids, statuses, instants), which the driver decodes several times faster than UTF-8 text
 * with accents and emoji. Accounts, tags and campaigns stay ids (names and colours: `lookups`); targets and
 * tags come in id order, `orderByName` sorts them for display once the lookups are known.
 * `seriesOnly` instead returns recurring series that started before `to` (posts_series_idx): their
 * occurrences may fall in the range even when the first one does not. `withMetrics` adds each published
 * target's latest metric snapshot (what the month view shows on published posts).
 */
export async function findInRange(
  db: Kysely<DB>,
  workspaceId: string,
  from: Date,
  to: Date,
  f: RangeFilters,
  seriesOnly = false,
  withMetrics = false,
): Promise<RangeRow[]> {
  const conds = [sql`p.workspace_id = ${workspaceId}`];
  if (seriesOnly) {
    conds.push(sql`p.recurrence is not null`, sql`p.scheduled_at < ${to}`);
  } else conds.push(sql`p.scheduled_at >= ${from}`, sql`p.scheduled_at < ${to}`);
  if (f.statuses?.length) conds.push(sql`p.status in (${sql.join(f.statuses)})`);
  if (f.campaigns?.length) conds.push(sql`p.campaign_id in (${sql.join(f.campaigns)})`);
  if (f.tags?.length) {
    conds.push(sql`exists (select 1 from post_tags ft where ft.post_id = p.id
      and ft.workspace_id = p.workspace_id and ft.tag_id in (${sql.join(f.tags)}))`);
  }
  if (f.accounts?.length || f.networks?.length) {
    const inner = [sql`ft.post_id = p.id`, sql`ft.workspace_id = p.workspace_id`, sql`ft.status <> 'cancelled'`];
    if (f.accounts?.length) inner.push(sql`ft.account_id in (${sql.join(f.accounts)})`);
    if (f.networks?.length) inner.push(sql`fa.network in (${sql.join(f.networks)})`);
    conds.push(sql`exists (select 1 from post_targets ft join social_accounts fa on fa.id = ft.account_id
      where ${sql.join(inner, sql` and `)})`);
  }
  // The posts in range first (posts_calendar_idx), then their targets and tags looked up by post id through
  // their (post_id, …) keys — never a scan of the workspace's whole history — and aggregated once for the
  // range. Published targets carry their latest metric snapshot from their own row (migration 0014), so the
  // month view needs no second query. Instants come as epoch milliseconds (cheaper to write and to read).
  const metrics = withMetrics ? sql`, case when t.status = 'published' then t.latest_metrics end` : sql``;
  const { rows } = await sql<{ data: string | null; bodies: string | null }>`
    with p as materialized (
      select p.id, p.status, p.body, p.scheduled_at, p.campaign_id, p.recurrence,
             p.recurrence_parent_id, p.evergreen, p.version, p.link_url
        from posts p
       where ${sql.join(conds, sql` and `)}),
    ids as (select array_agg(id) as a from p),
    t as (
      select t.post_id,
             json_agg(json_build_array(t.id, t.account_id, t.status,
                      case when t.removed_at is null then t.external_url end,
                      floor(extract(epoch from t.published_at) * 1000), t.error_code, t.error_message${metrics})
                      order by t.id) as targets
        from post_targets t
       where t.post_id = any((select a from ids)::uuid[])
       group by t.post_id),
    g as (
      select pt.post_id, json_agg(pt.tag_id order by pt.tag_id) as tags
        from post_tags pt
       where pt.post_id = any((select a from ids)::uuid[])
       group by pt.post_id)
    select json_agg(json_build_array(
             p.id, p.status, floor(extract(epoch from p.scheduled_at) * 1000), p.campaign_id, p.recurrence, p.recurrence_parent_id,
             p.evergreen, p.version, p.link_url, t.targets, g.tags)
           order by p.scheduled_at, p.id)::text as data,
           json_agg(p.body order by p.scheduled_at, p.id)::text as bodies
      from p left join t on t.post_id = p.id left join g on g.post_id = p.id`.execute(db);
  const data = rows[0]?.data;
  if (!data) return [];
  const bodies = JSON.parse(rows[0]?.bodies ?? "[]") as string[];
  return (JSON.parse(data) as PostTuple[]).map((p, i) => ({
    id: p[0],
    status: p[1],
    body: bodies[i] ?? "",
    scheduled_at: new Date(p[2]),
    campaign_id: p[3],
    recurrence: p[4],
    recurrence_parent_id: p[5],
    evergreen: p[6],
    version: p[7],
    link_url: p[8],
    targets: (p[9] ?? []).map(
      (tt): RangeTarget => ({
        id: tt[0],
        account_id: tt[1],
        status: tt[2],
        external_url: tt[3],
        published_at: tt[4] === null ? null : new Date(tt[4]),
        error_code: tt[5] ?? null,
        error_message: tt[6] ?? null,
        latest: tt[7] ? { ...tt[7], takenAt: new Date(tt[7].takenAt).toISOString() } : null,
      }),
    ),
    tag_ids: p[10] ?? [],
  }));
}

/** Sorts each row's targets by account name (then id) and its tags by name, for display and export. */
export function orderByName(rows: RangeRow[], look: Lookups): RangeRow[] {
  const accountName = (id: string) => look.accounts.get(id)?.name ?? "";
  const tagName = (id: string) => look.tags.get(id)?.name ?? "";
  for (const row of rows) {
    if (row.targets.length > 1)
      row.targets.sort(
        (x, y) => collator.compare(accountName(x.account_id), accountName(y.account_id)) || (x.id < y.id ? -1 : 1),
      );
    if (row.tag_ids.length > 1) row.tag_ids.sort((x, y) => collator.compare(tagName(x), tagName(y)));
  }
  return rows;
}

/** The instants already materialised for these series (children), to skip them when expanding. */
export async function materialisedOccurrences(
  db: Kysely<DB>,
  workspaceId: string,
  seriesIds: string[],
): Promise<Set<string>> {
  if (!seriesIds.length) return new Set();
  const rows = await db
    .selectFrom("posts")
    .select(["recurrence_parent_id", "scheduled_at"])
    .where("workspace_id", "=", workspaceId)
    .where("recurrence_parent_id", "in", seriesIds)
    .where("scheduled_at", "is not", null)
    .execute();
  return new Set(rows.map((r) => `${r.recurrence_parent_id}@${(r.scheduled_at as Date).toISOString()}`));
}

export async function workspaceZone(db: Kysely<DB>, workspaceId: string): Promise<string> {
  const w = await db
    .selectFrom("workspaces")
    .select("timezone")
    .where("id", "=", workspaceId)
    .executeTakeFirstOrThrow();
  return w.timezone;
}
