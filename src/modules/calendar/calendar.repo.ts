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

/**
 * Posts with a time in [from, to), with their targets, tags and campaign, in ONE query: the targets and
 * tags are aggregated per post by correlated subqueries that use the (post_id, …) keys, and the posts are
 * found through posts_calendar_idx (workspace_id, scheduled_at). No N+1 whatever the month holds.
 * `seriesOnly` instead returns recurring series that started before `to` (their occurrences may fall in
 * the range even when the first one does not).
 */
export async function findInRange(
  db: Kysely<DB>,
  workspaceId: string,
  from: Date,
  to: Date,
  f: RangeFilters,
  seriesOnly = false,
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
  const { rows } = await sql<RangeRow>`
    select p.id, p.status, p.body, p.link_url, p.scheduled_at, p.recurrence, p.recurrence_parent_id,
           p.evergreen, p.version, p.campaign_id, c.name as campaign_name, c.color as campaign_color,
           coalesce((
             select json_agg(json_build_object(
                      'id', t.id, 'account_id', t.account_id, 'account_name', a.display_name,
                      'handle', a.handle, 'network', a.network, 'status', t.status,
                      'external_url', t.external_url, 'published_at', t.published_at)
                    order by a.display_name, t.id)
               from post_targets t join social_accounts a on a.id = t.account_id
              where t.post_id = p.id and t.workspace_id = p.workspace_id), '[]'::json) as targets,
           coalesce((
             select json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) order by g.name)
               from post_tags pt join tags g on g.id = pt.tag_id
              where pt.post_id = p.id and pt.workspace_id = p.workspace_id), '[]'::json) as tags
      from posts p
      left join campaigns c on c.id = p.campaign_id and c.workspace_id = p.workspace_id
     where ${sql.join(conds, sql` and `)}
     order by p.scheduled_at, p.id`.execute(db);
  return rows;
}

/** The wall-clock times already materialised for these series (children), to skip them when expanding. */
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
