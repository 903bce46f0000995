// Feed search benchmark (npm run bench:feeds-search): 200,000 items (80 % French with accents, 20 % English,
// 50 feeds in 10 folders, 90 days, a tenth read by the user) generated in SQL, then 200 searches through
// the items service (the route's code: authorization, search, filters, keyset page of 30, story sources)
// with random words, accented or not, phrases, exclusions, and random filters. Target: p95 ≤ 100 ms.
// A tenth of the items are grouped in stories of three (other feeds, a minute apart), so one entry per story and
// the story sources are exercised too.
// Options: --only=pglite|postgres, --items=N, --queries=N, --slowest=N (the N slowest searches, default 5),
// --keep (generate once into bench/.out/feeds-search-pglite-N and the database relais_bench_feeds_search_N, keep
// them, and reuse them on the next --keep run: iterations on the search code skip the minutes of generation;
// migrations still run on the kept database). PostgreSQL: BENCH_PG_ADMIN_URL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import * as auth from "../src/modules/auth/auth.service.js";
import * as feeds from "../src/modules/veille/feeds.repo.js";
import { analyzeItems } from "../src/modules/veille/items.repo.js";
import * as itemsService from "../src/modules/veille/items.service.js";
import * as workspaces from "../src/modules/workspaces/workspaces.service.js";
import { closeContext, createContext } from "../src/runtime.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option("only");
const ITEMS = Number(option("items") ?? 200_000);
const QUERIES = Number(option("queries") ?? 200);
const SLOWEST = Number(option("slowest") ?? 5);
const KEEP = args.includes("--keep");
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_DB = KEEP ? `relais_bench_feeds_search_${ITEMS}` : "relais_bench_feeds_search";
const KEPT_DIR = path.join(import.meta.dirname, ".out", `feeds-search-pglite-${ITEMS}`);
const EMAIL = "bench@relais.test";
const WORKSPACE = "Bench recherche";

const FR = [
  "équipe",
  "municipalité",
  "fréquentation",
  "arènes",
  "féria",
  "musée",
  "exposition",
  "théâtre",
  "rénovation",
  "écoles",
  "crèche",
  "piscine",
  "marché",
  "vendanges",
  "manade",
  "taureaux",
  "gardians",
  "étangs",
  "flamants",
  "crue",
  "Rhône",
  "pompiers",
  "sécurité",
  "élus",
  "budget",
  "impôts",
  "commerçants",
  "hôtellerie",
  "tourisme",
  "été",
  "hiver",
  "Noël",
  "santons",
  "cathédrale",
  "cloître",
  "photographie",
  "Van Gogh",
  "Camargue",
  "Arles",
  "Nîmes",
  "Avignon",
  "Provence",
  "région",
  "département",
  "préfecture",
  "grève",
  "transports",
  "gare",
  "vélo",
  "écologie",
  "énergie",
  "solaire",
  "riziculture",
  "agriculteurs",
  "sécheresse",
  "incendie",
  "forêt",
  "plage",
];
const EN = [
  "team",
  "council",
  "tourists",
  "arena",
  "festival",
  "museum",
  "exhibition",
  "theatre",
  "renovation",
  "schools",
  "market",
  "harvest",
  "bulls",
  "flamingos",
  "flood",
  "firefighters",
  "budget",
  "hotels",
  "summer",
  "winter",
  "photography",
  "railway",
  "cycling",
  "energy",
  "drought",
  "wildfire",
  "beach",
  "running",
  "report",
  "visitors",
];
const LINK = ["de la", "du", "des", "pour la", "contre les", "avec les", "à", "sur le"];
const QUERY_TERMS = [
  "equipe",
  "équipes",
  "feria",
  "féria",
  "musee",
  "exposition Van Gogh",
  '"fréquentation des arènes"',
  "crue -pompiers",
  "taureaux or flamants",
  "ecole",
  "sécheresse agriculteurs",
  "hôtellerie",
  "tourism",
  "running",
  "flood report",
  "photographie",
  "cathedrale",
  "Noel santons",
  "velo gare",
  "energie solaire",
];

let seed = 7;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

interface Prepared {
  user: auth.AuthUser;
  workspaceId: string;
  folderIds: string[];
  feedIds: string[];
}

/** The kept data of a previous --keep run, when it is complete (the item count is written last). */
async function findKept(ctx: AppContext): Promise<Prepared | undefined> {
  const user = await auth.findUserByEmail(ctx, EMAIL);
  if (!user) return undefined;
  const ws = await ctx.db
    .selectFrom("workspaces")
    .select(["id", "description"])
    .where("name", "=", WORKSPACE)
    .executeTakeFirst();
  if (!ws || ws.description !== `complete: ${ITEMS} items`) return undefined;
  const folders = await ctx.db
    .selectFrom("feed_folders")
    .select("id")
    .where("workspace_id", "=", ws.id)
    .orderBy("position")
    .orderBy("name")
    .execute();
  const feedRows = await ctx.db.selectFrom("feeds").select(["id", "url"]).where("workspace_id", "=", ws.id).execute();
  const feedNumber = (url: string) => Number(/source(\d+)\./.exec(url)?.[1]);
  feedRows.sort((a, b) => feedNumber(a.url) - feedNumber(b.url));
  return { user, workspaceId: ws.id, folderIds: folders.map((f) => f.id), feedIds: feedRows.map((f) => f.id) };
}

async function generate(ctx: AppContext, engine: string): Promise<Prepared> {
  const user = await auth.createUser(ctx, {
    email: EMAIL,
    name: "Bench",
    password: "bench-password-123",
    canCreateWorkspaces: true,
  });
  const ws = await workspaces.create(ctx, user, { name: WORKSPACE, timezone: "Europe/Paris", locale: "fr" });
  const folderIds: string[] = [];
  for (let i = 0; i < 10; i++) folderIds.push((await feeds.insertFolder(ctx.db, ws.id, `Dossier ${i}`)).id);
  const feedIds: string[] = [];
  for (let i = 0; i < 50; i++) {
    const f = await feeds.insertFeed(ctx.db, ws.id, {
      url: `https://source${i}.example/rss`,
      title: `Source ${i}`,
      folder_id: folderIds[i % 10] ?? null,
    });
    feedIds.push((f as feeds.FeedRow).id);
  }
  // Generation in SQL, 10,000 rows per statement: titles of 6–9 words and 40-word summaries mixing topical
  // words (a third of the title, an eighth of the summary) with a 5,000-word filler vocabulary; the search vector
  // from the accent-folded text (what ingestion computes in JS for real items).
  const t0 = performance.now();
  // Stories: items g, g+1, g+2 for every g ≡ 0 (mod 30) — three feeds, a minute apart — led by the oldest (g+2).
  // Ids derived from g (md5 as uuid), so the stories exist before their items and nothing is joined afterwards.
  await sql`
    insert into stories (id, workspace_id, title, lead_item_id, first_seen_at, item_count)
    select md5('story' || k)::uuid, ${ws.id}, 'Histoire ' || k, md5('item' || (k * 30 + 2))::uuid,
           now() - ((k * 30 + 2) % 129600) * interval '1 minute', 3
      from generate_series(1, ${Math.floor((ITEMS - 2) / 30)}::int) k`.execute(ctx.db);
  const fold = (e: string) => sql.raw(`translate(${e}, 'éèêëàâäîïôöûüùçÉÈÊÀÂÎÔÛÇœ', 'eeeeaaaiioouuucEEEAAIOUCo')`);
  for (let done = 0; done < ITEMS; done += 10_000) {
    const n = Math.min(10_000, ITEMS - done);
    await sql`
      with src as (
        select g, (g % 5 = 0) as en,
               ${feedIds}::uuid[] as feeds, ${FR}::text[] as fr, ${EN}::text[] as en_words, ${LINK}::text[] as link
          from generate_series(${done + 1}::int, ${done + n}::int) g),
      txt as (
        select g, en, feeds[1 + (g * 7919) % 50] as feed_id,
               (select string_agg(left(w::text, 0) || case when w % 3 = 1 then (case when en then en_words[1 + floor(random() * 30)::int]
                                  else fr[1 + floor(random() * 58)::int] || ' ' || link[1 + floor(random() * 8)::int] end)
                                  else (case when en then 'word' else 'mot' end) || floor(random() * 5000)::int end, ' ')
                  from generate_series(1, 6 + (g % 4)) w where g > 0) as title,
               (select string_agg(left(w::text, 0) || case when w % 8 = 0 then (case when en then en_words[1 + floor(random() * 30)::int]
                                  else fr[1 + floor(random() * 58)::int] end)
                                  else (case when en then 'word' else 'mot' end) || floor(random() * 5000)::int end, ' ')
                  from generate_series(1, 40) w where g > 0) as body
          from src)
      insert into feed_items (id, story_id, workspace_id, feed_id, guid, link, content_hash, title, summary, language,
                              published_at, search)
      select md5('item' || g)::uuid,
             case when g >= 30 and g % 30 < 3 and (g / 30) * 30 + 2 <= ${ITEMS}::int then md5('story' || (g / 30))::uuid end,
             ${ws.id}, feed_id, 'g' || g, 'https://article.example/' || g, md5(g::text), title, '<p>' || body || '</p>',
             case when en then 'en' else 'fr' end, now() - (g % 129600) * interval '1 minute',
             setweight(to_tsvector(case when en then 'english' else 'french' end::regconfig, ${fold("title")}), 'A')
             || setweight(to_tsvector(case when en then 'english' else 'french' end::regconfig, ${fold("body")}), 'B')
        from txt`.execute(ctx.db);
    process.stdout.write(`\r${engine}: ${done + n} items`);
  }
  await sql`insert into feed_item_states (workspace_id, user_id, item_id, read_at)
            select workspace_id, ${user.id}, id, now() from feed_items where workspace_id = ${ws.id} and random() < 0.1`.execute(
    ctx.db,
  );
  if (ctx.database.kind === "postgres") await sql`vacuum analyze feed_items`.execute(ctx.db);
  await analyzeItems(ctx.db);
  await sql`analyze feed_item_states`.execute(ctx.db);
  await sql`analyze stories`.execute(ctx.db);
  await ctx.db
    .updateTable("workspaces")
    .set({ description: `complete: ${ITEMS} items` })
    .where("id", "=", ws.id)
    .execute();
  console.log(`\n${engine}: generated ${ITEMS} items in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { user, workspaceId: ws.id, folderIds, feedIds };
}

async function runEngine(engine: "pglite" | "postgres") {
  const dataDir = KEEP ? KEPT_DIR : fs.mkdtempSync(path.join(os.tmpdir(), "relais-bench-search-"));
  if (KEEP) fs.mkdirSync(dataDir, { recursive: true });
  let admin: pg.Client | undefined;
  let databaseUrl: string | undefined;
  if (engine === "postgres") {
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [PG_DB])).rowCount;
    if (!KEEP || !exists) {
      await admin.query(`drop database if exists ${PG_DB}`);
      await admin.query(`create database ${PG_DB}`);
    }
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${PG_DB}`;
    databaseUrl = u.toString();
  }
  const config = loadConfig(
    {
      RELAIS_DATA_DIR: engine === "postgres" && KEEP ? `${dataDir}-pg` : dataDir,
      RELAIS_LOG_LEVEL: "silent",
      PORT: "0",
    },
    { databaseUrl },
  );
  const ctx = await createContext(config, { logger: pino({ level: "silent" }) });
  try {
    let prepared = KEEP ? await findKept(ctx) : undefined;
    if (prepared) console.log(`${engine}: reusing the kept ${ITEMS} items`);
    else {
      if (KEEP && (await auth.findUserByEmail(ctx, EMAIL))) {
        throw new Error(`incomplete kept data: remove ${engine === "pglite" ? dataDir : `the database ${PG_DB}`}`);
      }
      prepared = await generate(ctx, engine);
    }
    const { user, workspaceId, folderIds, feedIds } = prepared;

    const runs: { ms: number; what: string }[] = [];
    let hits = 0;
    for (let i = 0; i < QUERIES + 10; i++) {
      const r = rand();
      const q: itemsService.ListQuery = { limit: 30, q: pick(QUERY_TERMS) };
      let filter = "";
      if (r < 0.15) {
        q.language = "fr";
        filter = "language=fr";
      } else if (r < 0.25) {
        q.folderId = pick(folderIds);
        filter = `folder ${folderIds.indexOf(q.folderId)}`;
      } else if (r < 0.35) {
        q.unread = true;
        filter = "unread";
      } else if (r < 0.45) {
        q.since = new Date(Date.now() - 7 * 86_400_000).toISOString();
        filter = "last 7 days";
      } else if (r < 0.5) {
        q.feedId = pick(feedIds);
        filter = `feed ${feedIds.indexOf(q.feedId)}`;
      }
      const t = performance.now();
      const page = await itemsService.list(ctx, user, workspaceId, q);
      const ms = performance.now() - t;
      if (i >= 10) {
        runs.push({ ms, what: `q=${q.q}${filter ? ` ${filter}` : ""} → ${page.items.length}` });
        hits += page.items.length;
      }
    }
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    if (SLOWEST > 0) {
      console.log(`${engine}: slowest searches`);
      for (const r of [...runs].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST)) {
        console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  ${r.what}`);
      }
    }
    const row = {
      engine,
      items: ITEMS,
      queries: QUERIES,
      p50: Number(pct(times, 50).toFixed(1)),
      p95: Number(pct(times, 95).toFixed(1)),
      max: Number((times[times.length - 1] ?? 0).toFixed(1)),
      meanHitsPerPage: Number((hits / QUERIES).toFixed(1)),
      load: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await closeContext(ctx);
    if (!KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      if (!KEEP) await admin.query(`drop database if exists ${PG_DB} with (force)`).catch(() => {});
      await admin.end();
    }
  }
}

console.log(
  `feeds-search: ${ITEMS} items, ${QUERIES} searches — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
);
for (const engine of ["pglite", "postgres"] as const) {
  if (ONLY && ONLY !== engine) continue;
  await runEngine(engine);
}
