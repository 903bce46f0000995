import { type Kysely, sql } from "kysely";
import type { DB, PostStatus } from "../../db/schema.js";

export interface RangeFilters {
  accounts?: string[];
  networks?: string[];
  campaigns?: string[];
  tags?: string[];
  statuses?: string[];
}

export interface TargetJson {
  id: string;
  account_id: string;
  account_name: string;
  handle: string | null;
  network: string;
  status: string;
  external_url: string | null;
  published_at: string | null;
  error_code: string | null;
  error_message: string | null;
  /** The latest metric snapshot of a published target (only when asked for, see findInRange). */
  latest: {
    takenAt: string;
    likes: number | null;
    reposts: number | null;
    replies: number | null;
    quotes: number | null;
  } | null;
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
  campaign_name: string | null;
  campaign_color: string | null;
  targets: TargetJson[];
  tags: { id: string; name: string; color: string }[];
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

/** A target as the range query sends it: id, account, status, url, published at, error, latest metrics. */
type TargetTuple = [
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  (string | null)?,
  (number | null)?,
  (number | null)?,
  (number | null)?,
  (number | null)?,
];

type PostTuple = [
  string,
  PostStatus,
  string,
  string,
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
 * driver converts thousands of rows (PGlite especially). Names and colours come from `lookups`.
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
  look: Lookups,
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
  // range. Published targets carry their latest metric snapshot (post_metric_snapshots_target_idx), so the
  // month view needs no second query.
  const metricColumns = withMetrics ? sql`, m.taken_at, m.likes, m.reposts, m.replies, m.quotes` : sql``;
  const metricJoin = withMetrics
    ? sql`left join lateral (
             select s.taken_at, s.likes, s.reposts, s.replies, s.quotes from post_metric_snapshots s
              where t.status = 'published' and s.post_target_id = t.id
              order by s.taken_at desc limit 1) m on true`
    : sql``;
  const { rows } = await sql<{ data: string | null }>`
    with p as materialized (
      select p.id, p.status, p.body, p.scheduled_at, p.campaign_id, p.recurrence,
             p.recurrence_parent_id, p.evergreen, p.version, p.link_url
        from posts p
       where ${sql.join(conds, sql` and `)}),
    ids as (select array_agg(id) as a from p),
    t as (
      select t.post_id,
             json_agg(json_build_array(t.id, t.account_id, t.status,
                      case when t.removed_at is null then t.external_url end, t.published_at,
                      t.error_code, t.error_message${metricColumns}) order by t.id) as targets
        from post_targets t ${metricJoin}
       where t.post_id = any((select a from ids)::uuid[])
       group by t.post_id),
    g as (
      select pt.post_id, json_agg(pt.tag_id) as tags
        from post_tags pt
       where pt.post_id = any((select a from ids)::uuid[])
       group by pt.post_id)
    select json_agg(json_build_array(
             p.id, p.status, p.body, p.scheduled_at, p.campaign_id, p.recurrence, p.recurrence_parent_id,
             p.evergreen, p.version, p.link_url, t.targets, g.tags)
           order by p.scheduled_at, p.id)::text as data
      from p left join t on t.post_id = p.id left join g on g.post_id = p.id`.execute(db);
  const data = rows[0]?.data;
  if (!data) return [];
  return (JSON.parse(data) as PostTuple[]).map((p) => {
    const campaign = p[4] ? look.campaigns.get(p[4]) : undefined;
    const targets = (p[10] ?? []).map((tt): TargetJson => {
      const [
        id,
        accountId,
        status,
        url,
        publishedAt,
        errorCode,
        errorMessage,
        takenAt,
        likes,
        reposts,
        replies,
        quotes,
      ] = tt;
      const a = look.accounts.get(accountId);
      return {
        id,
        account_id: accountId,
        account_name: a?.name ?? "",
        handle: a?.handle ?? null,
        network: a?.network ?? "",
        status,
        external_url: url,
        published_at: publishedAt,
        error_code: errorCode ?? null,
        error_message: errorMessage ?? null,
        latest: takenAt
          ? {
              takenAt: new Date(takenAt).toISOString(),
              likes: likes ?? null,
              reposts: reposts ?? null,
              replies: replies ?? null,
              quotes: quotes ?? null,
            }
          : null,
      };
    });
    if (targets.length > 1)
      targets.sort((x, y) => collator.compare(x.account_name, y.account_name) || (x.id < y.id ? -1 : 1));
    const tags = (p[11] ?? [])
      .map((id) => ({ id, ...(look.tags.get(id) ?? { name: "", color: "#868e96" }) }))
      .sort((x, y) => collator.compare(x.name, y.name));
    return {
      id: p[0],
      status: p[1],
      body: p[2],
      scheduled_at: new Date(p[3]),
      campaign_id: p[4],
      campaign_name: campaign?.name ?? null,
      campaign_color: campaign?.color ?? null,
      recurrence: p[5],
      recurrence_parent_id: p[6],
      evergreen: p[7],
      version: p[8],
      link_url: p[9],
      targets,
      tags,
    };
  });
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
