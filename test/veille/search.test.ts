import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as feedsRepo from "../../src/modules/veille/feeds.repo.js";
import { type Cursor, type ItemFilter, listItems } from "../../src/modules/veille/list.repo.js";
import { searchConfig, unaccent } from "../../src/modules/veille/text.js";
import { type VeilleWorld, veilleWorld } from "./veille-helpers.js";

/**
 * The reader's search in steps (src/modules/veille/list.repo.ts): the newest rows walked by date, maybe a longer
 * walk, then the GIN index for the older ones. With tiny windows every query crosses from one step to the
 * next, at every page; the pages must be exactly those of the single query (window 0), for every query and
 * filter.
 */
let w: VeilleWorld;
let userId: string;
let other: string;
const folders: Record<string, string> = {};
const feeds: string[] = [];
const expected = new Map<string, string>();

const BASE = Date.parse("2026-11-20T12:00:00Z");
const MIN = 60_000;

const FR = [
  "Les équipes municipales préparent la féria de Pâques",
  "Une équipe de chercheurs étudie les taureaux de Camargue",
  "Crue du Rhône : les pompiers mobilisés",
  "La crue a épargné les rizières",
  "Les flamants roses reviennent aux étangs",
  "Cœur de ville : l'œuvre restaurée",
  "ÉQUIPE de France : la sélection",
  "Fréquentation des arènes en hausse",
  "Le marché de Noël et ses santons",
  "Vélo et gare : nouvelle piste cyclable",
];
const EN = [
  "Tourists running to the Roman arena",
  "Flood report: firefighters on alert",
  "The team behind the festival",
  "Flamingos are back in the marshes",
];
const DE = ["Die Straße nach Arles", "Straßenfest und Stiere"];

let seed = 11;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;

beforeAll(async () => {
  w = await veilleWorld({}, "recherche");
  const db = w.t.ctx.db;
  userId = (
    await db.selectFrom("users").select("id").where("email", "=", "recherche.owner@agence.fr").executeTakeFirstOrThrow()
  ).id;
  for (const name of ["A", "B"]) folders[name] = (await feedsRepo.insertFolder(db, w.ws, `Dossier ${name}`)).id;
  for (const [i, folder] of [folders.A, folders.A, folders.B, null].entries()) {
    const f = await feedsRepo.insertFeed(db, w.ws, {
      url: `https://source${i}.example/rss`,
      title: `Source ${i}`,
      folder_id: folder ?? null,
      next_fetch_at: new Date(BASE + 86_400_000),
    });
    feeds.push((f as feedsRepo.FeedRow).id);
  }
  // Another workspace's items never show.
  const ws2 = (
    await db
      .insertInto("workspaces")
      .values({ name: "Autre", timezone: "Europe/Paris", locale: "fr", brand_values: "[]" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  const f2 = (await feedsRepo.insertFeed(db, ws2, {
    url: "https://autre.example/rss",
    title: "Autre",
  })) as feedsRepo.FeedRow;
  other = f2.id;

  // 150 items: French, English, German and unknown languages; a third share their minute with another item (the
  // id breaks the tie); every fifth read, every eleventh starred.
  const rows: { feed: string; ws: string; title: string; language: string | null; at: Date }[] = [];
  for (let n = 0; n < 150; n++) {
    const r = rand();
    const language = r < 0.6 ? "fr" : r < 0.85 ? "en" : r < 0.95 ? "de" : null;
    const title = language === "fr" ? pick(FR) : language === "en" ? pick(EN) : language === "de" ? pick(DE) : pick(FR);
    rows.push({
      feed: feeds[n % 4] as string,
      ws: w.ws,
      title,
      language,
      at: new Date(BASE - Math.floor(n / 1.5) * MIN),
    });
  }
  rows.push({ feed: other, ws: ws2, title: FR[0] as string, language: "fr", at: new Date(BASE) });
  const { rows: inserted } = await sql<{ id: string; guid: string }>`
    insert into feed_items (workspace_id, feed_id, guid, content_hash, title, summary, language, published_at, search)
    values ${sql.join(
      rows.map((r, n) => {
        const cfg = searchConfig(r.language);
        const body = `Article ${n} : ${r.title.toLowerCase()}`;
        return sql`(${r.ws}, ${r.feed}, ${`g${n}`}, ${`h${n}`}, ${r.title}, ${`<p>${body}</p>`}, ${r.language}, ${r.at},
                    setweight(to_tsvector(${cfg}::regconfig, ${unaccent(r.title)}), 'A')
                    || setweight(to_tsvector(${cfg}::regconfig, ${unaccent(body)}), 'B'))`;
      }),
    )}
    returning id, guid`.execute(db);
  const idOf = new Map(inserted.map((r) => [r.guid, r.id]));
  const ids = rows.map((_, n) => idOf.get(`g${n}`) as string);
  for (const [n, id] of ids.entries()) expected.set(id, rows[n]?.title as string);
  const states = ids.slice(0, 150).flatMap((id, n) =>
    n % 5 === 0 || n % 11 === 0
      ? [
          {
            workspace_id: w.ws,
            user_id: userId,
            item_id: id,
            read_at: n % 5 === 0 ? new Date() : null,
            starred_at: n % 11 === 0 ? new Date() : null,
          },
        ]
      : [],
  );
  await db.insertInto("feed_item_states").values(states).execute();
  // Stories: items 0–2 led by 2; 10–11 led by 10; 20–21 with no lead (shown both).
  const story = async (members: number[], lead: number | null) => {
    const s = await db
      .insertInto("stories")
      .values({
        workspace_id: w.ws,
        title: "Histoire",
        lead_item_id: lead === null ? null : ids[lead],
        item_count: members.length,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("feed_items")
      .set({ story_id: s.id })
      .where(
        "id",
        "in",
        members.map((m) => ids[m] as string),
      )
      .execute();
  };
  await story([0, 1, 2], 2);
  await story([10, 11], 10);
  await story([20, 21], null);
  // Folder C: more feeds than are walked one by one (list.repo.ts MAX_MERGED_FEEDS); the unfiled feed's items
  // spread over them.
  folders.C = (await feedsRepo.insertFolder(db, w.ws, "Dossier C")).id;
  const many: string[] = [];
  for (let i = 0; i < 70; i++) {
    const f = await feedsRepo.insertFeed(db, w.ws, {
      url: `https://c${i}.example/rss`,
      title: `C ${i}`,
      folder_id: folders.C,
    });
    many.push((f as feedsRepo.FeedRow).id);
  }
  for (const [n, id] of ids.entries()) {
    if (n < 150 && n % 4 === 3 && n % 8 !== 7) {
      await db
        .updateTable("feed_items")
        .set({ feed_id: many[n % 70] as string })
        .where("id", "=", id)
        .execute();
    }
  }
  await sql`analyze feed_items`.execute(db);
});
afterAll(async () => {
  await w.t.close();
});

/** Every page of `limit` items, following the cursor, as one list of ids. */
async function all(f: ItemFilter, window: number, limit = 7, maxWalk = 4 * window): Promise<string[]> {
  const out: string[] = [];
  let cursor: Cursor | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const rows = await listItems(w.t.ctx.db, w.ws, userId, f, limit + 1, cursor, { window, maxWalk });
    const page = rows.slice(0, limit);
    out.push(...page.map((r) => r.id));
    const last = page[page.length - 1];
    if (rows.length <= limit || !last) return out;
    cursor = { at: last.published_at, id: last.id };
  }
  throw new Error("too many pages");
}

const titles = async (f: ItemFilter) => [...new Set((await all(f, 3)).map((id) => expected.get(id)))].sort();

describe("search in steps", () => {
  const queries = [
    "equipe",
    "ÉQUIPES",
    '"féria de Pâques"',
    "crue -pompiers",
    "taureaux or flamants",
    "running",
    "flood report",
    "coeur oeuvre",
    "strasse",
    "Straße",
    "inexistantmot",
    "-equipe crue",
    "", // no search: the same steps with the other filters
  ];
  const filters: ItemFilter[] = [
    { group: true },
    { group: false },
    { language: "fr", group: true },
    { language: "en", group: true },
    { language: "de", group: true },
    { group: true, unread: true },
    { group: true, starred: true },
    { group: true, since: new Date(BASE - 40 * MIN), until: new Date(BASE - 10 * MIN) },
  ];

  it("gives the single query's pages whatever the window, for every query and filter", async () => {
    let compared = 0;
    for (const q of queries) {
      for (const base of [
        ...filters,
        { feedId: feeds[0] },
        { folderId: folders.A, group: true },
        { folderId: folders.B },
        { folderId: folders.C, group: true },
      ]) {
        const f = { ...base, q };
        const reference = await all(f, 0);
        // [first window, most rows walked after it]: straight to the GIN index, a walk in two steps, one long walk.
        for (const [window, maxWalk] of [
          [1, 0],
          [3, 40],
          [40, 40],
        ] as const) {
          expect(await all(f, window, 7, maxWalk), `${q} ${JSON.stringify(base)} window ${window}`).toEqual(reference);
          compared++;
        }
      }
    }
    expect(compared).toBe(queries.length * 12 * 3);
  }, 120_000);

  it("keeps the semantics: accents, stems, phrases, exclusions, OR, each item in its own language", async () => {
    expect(await titles({ q: "equipe", group: false })).toEqual([
      "Les équipes municipales préparent la féria de Pâques",
      "Une équipe de chercheurs étudie les taureaux de Camargue",
      "ÉQUIPE de France : la sélection",
    ]);
    expect(await titles({ q: '"féria de Pâques"', group: false })).toEqual([
      "Les équipes municipales préparent la féria de Pâques",
    ]);
    expect(await titles({ q: "crue -pompiers", group: false })).toEqual(["La crue a épargné les rizières"]);
    expect(await titles({ q: "taureaux or flamants", group: false })).toEqual([
      "Les flamants roses reviennent aux étangs",
      "Une équipe de chercheurs étudie les taureaux de Camargue",
    ]);
    // English stems for English items only: "running" → run.
    expect(await titles({ q: "run", group: false })).toEqual(["Tourists running to the Roman arena"]);
    // German items are indexed with the simple configuration: whole words, accents folded (ß → ss).
    expect(await titles({ q: "strasse", group: false })).toEqual(["Die Straße nach Arles"]);
    expect(await titles({ q: "strasse", language: "de", group: false })).toEqual(["Die Straße nach Arles"]);
    expect(await titles({ q: "strasse", language: "fr", group: false })).toEqual([]);
    expect(await titles({ q: "inexistantmot" })).toEqual([]);
  });

  it("shows a story once (its lead, or every item when it has no lead) and never another workspace's items", async () => {
    const grouped = await all({ q: "article", group: true }, 3, 200);
    const flat = await all({ q: "article", group: false }, 3, 200);
    expect(flat).toHaveLength(150);
    expect(grouped).toHaveLength(147);
  });
});
