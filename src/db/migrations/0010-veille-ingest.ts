import { type Kysely, sql } from "kysely";

/**
 * Feed ingestion (issue 5, polling throughput; docs/VEILLE.md "Ingestion").
 *
 * - feed_items_bands_idx (GIN on story_bands) without the fast-update pending list: every fetched feed
 *   searches this index for its story candidates, and a GIN search reads the whole pending list (up to
 *   gin_pending_list_limit, 4 MB) — it grew with every insert until the next cleanup (autovacuum, which
 *   PGlite does not have), and a candidate lookup took 130 ms at 20,000 items instead of 1 ms. An item
 *   adds only 8 keys, written straight into the tree. The list already pending is merged now.
 *
 * - The two statements of a fetched feed's ingestion, as functions (src/modules/veille/ingest.repo.ts calls
 *   them): PL/pgSQL keeps their plans for the session, so they are planned once instead of at every fetched
 *   feed (on PGlite, where every statement runs on the one shared connection, planning these was a fifth of
 *   their cost), and the batch goes in and comes out as one JSON value (parsing thousands of small protocol
 *   fields in JavaScript cost more than the lookup itself). The plans are generic and sequential scans are
 *   off inside: every access below is an index probe whatever the table's size or statistics (PGlite has no
 *   autovacuum, so no statistics until the poller's ANALYZE), and nothing may degrade into a scan of the
 *   workspace's items as the table grows (a correlated EXISTS was turned into a hash of every link and hash
 *   of the workspace by PostgreSQL 18's planner, a never-analysed table into a sequential scan). The story
 *   candidates' workspace and date conditions are written so that no btree index matches them (coalesce,
 *   an added interval): the GIN index on story_bands is then the only way in — with them as plain
 *   conditions the planner could walk the workspace's recent-items index through the whole time window.
 *
 * veille_ingest_lookup(workspace, feed, entries json, from, to) → json {known, candidates}
 *   entries: [{g: guid, l: link|null, h: content hash, b: [story bands]}]; `known` = indexes of the entries
 *   already stored (guid in this feed, link or content hash in the workspace); `candidates` = items of other
 *   feeds of the workspace sharing a story band with an entry not stored yet, published within [from, to]
 *   (at most 500): [[id, title, published_at epoch ms, story_bands]].
 *
 * veille_ingest_insert(workspace, feed, items json, plan json) → setof (id, guid) of the inserted items
 *   items: the new items (columns of feed_items, plus `candidate`: the story candidate chosen for the item,
 *   and the search inputs `cfg`, `st`, `sb`: configuration, folded title and body); plan: one entry per
 *   chosen candidate {c: candidate id, s: id of the story it leads if it has none, t: its title}.
 *   Duplicates are dropped again when writing (guid by the unique key, link and content hash by index
 *   probes), so a batch that raced with another is still stored once. A story is resolved when writing: the
 *   candidates are locked (no key update, in id order) and one that got a story meanwhile is joined in it
 *   rather than leading a second one; a new story's count is 1 + the items inserted in it, an existing
 *   story's count grows by them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index feed_items_bands_idx set (fastupdate = off)`.execute(db);
  await sql`select gin_clean_pending_list('feed_items_bands_idx'::regclass)`.execute(db);

  await sql`
    create function veille_ingest_lookup(p_workspace uuid, p_feed uuid, p_entries json, p_from timestamptz,
                                         p_to timestamptz)
    returns json
    language plpgsql stable
    set enable_seqscan = off
    set plan_cache_mode = force_generic_plan
    as $fn$
    begin
      return (
        with e as (
          select (x.n - 1)::integer as i, x.e ->> 'g' as guid, x.e ->> 'l' as link, x.e ->> 'h' as hash, x.e -> 'b' as bands
            from json_array_elements(p_entries) with ordinality as x(e, n)),
        s as (
          select f.guid, null::text as link, null::text as hash from feed_items f
           where f.feed_id = p_feed and f.guid = any(array(select e.guid from e))
          union all
          select null, f.link, null from feed_items f
           where f.workspace_id = p_workspace and f.link = any(array(select e.link from e where e.link is not null))
             and f.link is not null
          union all
          select null, null, f.content_hash from feed_items f
           where f.workspace_id = p_workspace and f.content_hash = any(array(select e.hash from e))),
        k as (
          select e.i from e
           where e.guid in (select s.guid from s) or e.link in (select s.link from s) or e.hash in (select s.hash from s)),
        b as (
          select array_agg(distinct band.value::integer) as bands
            from e cross join lateral json_array_elements_text(e.bands) as band(value)
           where e.i not in (select k.i from k)),
        c as (
          select f.id, f.title, f.published_at, f.story_bands from feed_items f
           where f.story_bands && (select b.bands from b)
             and coalesce(f.workspace_id, p_workspace) = p_workspace and f.feed_id <> p_feed
             and f.published_at + interval '0 second' between p_from and p_to
           limit 500)
        select json_build_object(
          'known', coalesce((select json_agg(k.i) from k), '[]'::json),
          'candidates', coalesce((select json_agg(json_build_array(c.id, c.title,
                                    floor(extract(epoch from c.published_at) * 1000), c.story_bands)) from c), '[]'::json)));
    end
    $fn$`.execute(db);

  await sql`
    create function veille_ingest_insert(p_workspace uuid, p_feed uuid, p_items json, p_plan json)
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
         where f.id = any(array(select p.c from p)) and f.workspace_id = p_workspace
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
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function veille_ingest_insert(uuid, uuid, json, json)`.execute(db);
  await sql`drop function veille_ingest_lookup(uuid, uuid, json, timestamptz, timestamptz)`.execute(db);
  await sql`alter index feed_items_bands_idx reset (fastupdate)`.execute(db);
}
