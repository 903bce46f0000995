import { type Kysely, type RawBuilder, sql } from "kysely";

/**
 * Feed ingestion: the story candidates locked by veille_ingest_insert (migration 0010) are found by id only.
 * Their workspace condition was a plain `f.workspace_id = p_workspace`: with the function's generic plan,
 * a plan made while feed_items was small walked the workspace's recent-items index and filtered on the ids
 * — and kept doing so once the table had grown (the session keeps PL/pgSQL plans). Written with coalesce,
 * no btree index matches the condition and the primary key is the only way in. The function is otherwise
 * the one of 0010 (docs/VEILLE.md, "Ingestion").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await insertFunction(sql`coalesce(f.workspace_id, p_workspace) = p_workspace`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await insertFunction(sql`f.workspace_id = p_workspace`).execute(db);
}

function insertFunction(workspaceCondition: RawBuilder<unknown>) {
  return sql`
    create or replace function veille_ingest_insert(p_workspace uuid, p_feed uuid, p_items json, p_plan json)
    returns table (id uuid, guid text)
    language plpgsql volatile
    set enable_seqscan = off
    set plan_cache_mode = force_generic_plan
    as $fn$
    #variable_conflict use_column
    begin
      return query
      with r as (
        select * from json_to_recordset(p_items) as r(guid text, link text, content_hash text, title text,
          summary text, content text, author text, categories jsonb, enclosures jsonb, image_url text, language text,
          published_at timestamptz, story_bands integer[], candidate uuid, cfg text, st text, sb text)),
      -- entries stored meanwhile by another feed (same link or content hash): index probes, as in the lookup
      dup as (
        select f.link, null::text as hash from feed_items f
         where f.workspace_id = p_workspace and f.link = any(array(select r.link from r where r.link is not null))
           and f.link is not null
        union all
        select null, f.content_hash from feed_items f
         where f.workspace_id = p_workspace and f.content_hash = any(array(select r.content_hash from r))),
      p as (
        select * from json_to_recordset(p_plan) as p(c uuid, s uuid, t text)),
      c as (
        select f.id, f.story_id from feed_items f
         where f.id = any(array(select p.c from p)) and ${workspaceCondition}
         order by f.id
           for no key update),
      t as (
        select p.c as candidate, coalesce(c.story_id, p.s) as story_id, c.story_id is null as is_new, p.t as title
          from p join c on c.id = p.c),
      ins as (
        insert into feed_items as fi (workspace_id, feed_id, guid, link, content_hash, title, summary, content, author,
                                      categories, enclosures, image_url, language, published_at, story_bands, story_id,
                                      search)
        select p_workspace, p_feed, r.guid, r.link, r.content_hash, r.title, r.summary, r.content, r.author,
               r.categories, r.enclosures, r.image_url, r.language, r.published_at, r.story_bands, t.story_id,
               setweight(to_tsvector(r.cfg::regconfig, r.st), 'A') || setweight(to_tsvector(r.cfg::regconfig, r.sb), 'B')
          from r left join t on t.candidate = r.candidate
         where (r.link is null or r.link not in (select dup.link from dup where dup.link is not null))
           and r.content_hash not in (select dup.hash from dup where dup.hash is not null)
        on conflict on constraint feed_items_guid_key do nothing
        returning fi.id, fi.guid, fi.story_id),
      joined as (
        select ins.story_id, count(*)::integer as n from ins where ins.story_id is not null group by ins.story_id),
      created as (
        insert into stories (id, workspace_id, title, lead_item_id, item_count)
        select t.story_id, p_workspace, t.title, t.candidate, 1 + j.n from t join joined j on j.story_id = t.story_id
         where t.is_new
        returning stories.id),
      lead as (
        update feed_items f set story_id = t.story_id from t join joined j on j.story_id = t.story_id
         where t.is_new and f.id = t.candidate
        returning f.id),
      grown as (
        update stories s set item_count = s.item_count + j.n from joined j
         where s.id = j.story_id and not exists (select 1 from t where t.story_id = j.story_id and t.is_new)
        returning s.id)
      select ins.id, ins.guid from ins;
    end
    $fn$`;
}
