import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { databaseFingerprint } from "../helpers/tenants.js";
import { insertAccounts, insertPosts } from "./seed.js";

/** CSV import (validation report, all-or-nothing) and export (formula guard), and the iCal feed. */
let t: TestApp;
let owner: Caller;
let other: Caller;
let ws: string;
let wsB: string;
let bsky: string;
const PARIS = "Europe/Paris";

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "csv.owner@agence.fr", { name: "Ève Import" });
  other = await signUp(t, "csv.other@agence.fr");
  ws = await createWorkspace(owner, "Boulangerie Étoile");
  wsB = await createWorkspace(other, "Autre");
  [bsky] = (await insertAccounts(t.ctx.db, ws, [
    { network: "bluesky", name: "Étoile Bleue", handle: "@etoile.bsky.social" },
    { network: "x", name: "Étoile X", handle: "@etoile_x" },
  ])) as [string];
});
afterAll(() => t.close());

const importUrl = (dryRun: boolean, w = ws) => `/api/workspaces/${w}/posts/import?dryRun=${dryRun}`;

describe("CSV import", () => {
  const good =
    "\uFEFFdate;heure;comptes;texte;lien;média;étiquettes\r\n" +
    '04/05/2031;9h30;Étoile Bleue|@etoile_x;"Croissants tout chauds 🥐, venez ; vite !";https://etoile.fr;;Matin|Viennoiseries\r\n' +
    "2031-05-05;18:00;@etoile.bsky.social;Pain d'épices 🎄 à l'honneur;;;Matin\r\n";

  it("reports every row in a dry run and creates nothing", async () => {
    const before = await databaseFingerprint(t);
    const res = await owner.post(importUrl(true), { csv: good });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, valid: true, created: 0, status: "scheduled" });
    expect(res.json().rows.map((r: { line: number; ok: boolean }) => [r.line, r.ok])).toEqual([
      [2, true],
      [3, true],
    ]);
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("creates every post in one go when all rows are valid (text/csv body accepted too)", async () => {
    const res = await owner.request({
      method: "POST",
      url: importUrl(false),
      payload: good,
      headers: { "content-type": "text/csv; charset=utf-8" },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().created).toBe(2);
    const posts = await t.ctx.db
      .selectFrom("posts")
      .select(["id", "body", "scheduled_local", "scheduled_at", "status", "link_url"])
      .where("id", "in", res.json().postIds)
      .orderBy("scheduled_at")
      .execute();
    expect(posts.map((p) => [p.body, p.scheduled_local, p.scheduled_at?.toISOString(), p.status, p.link_url])).toEqual([
      [
        "Croissants tout chauds 🥐, venez ; vite !",
        "2031-05-04T09:30",
        "2031-05-04T07:30:00.000Z",
        "scheduled",
        "https://etoile.fr",
      ],
      ["Pain d'épices 🎄 à l'honneur", "2031-05-05T18:00", "2031-05-05T16:00:00.000Z", "scheduled", null],
    ]);
    const targets = await t.ctx.db
      .selectFrom("post_targets")
      .selectAll()
      .where("post_id", "=", posts[0]?.id as string)
      .execute();
    expect(targets).toHaveLength(2);
    const tags = await t.ctx.db
      .selectFrom("tags")
      .select("name")
      .where("workspace_id", "=", ws)
      .orderBy("name")
      .execute();
    expect(tags.map((x) => x.name)).toEqual(["Matin", "Viennoiseries"]);
  });

  it("reports bad rows with column and French message, and creates nothing even with dryRun=false", async () => {
    const csv = [
      "date,time,accounts,text,link,media,tags",
      "2031-03-30,02:30,Étoile Bleue,Heure qui n'existe pas,,,", // DST gap
      "2031-10-26,02:30,Étoile Bleue,Heure en double,,,", // fall back
      "2020-01-01,09:00,Étoile Bleue,Passé,,,",
      "31/02/2031,09:00,Inconnu,Texte,pas-un-lien,,",
      `2031-06-01,09:00,@etoile_x,${"é".repeat(281)},,,`,
      "2031-06-02,09:00,Étoile Bleue,Avec média,,https://cdn.exemple.fr/a.jpg,",
    ].join("\n");
    const before = await databaseFingerprint(t);
    const res = await owner.post(importUrl(false), { csv });
    expect(res.statusCode).toBe(422);
    const rows = res.json().rows as {
      line: number;
      ok: boolean;
      errors: { column: string; code: string; message: string }[];
      warnings: { code: string }[];
    }[];
    expect(rows.map((r) => [r.line, r.ok, r.errors.map((e) => `${e.column}:${e.code}`)])).toEqual([
      [2, false, ["time:time_nonexistent"]],
      [3, false, ["time:time_ambiguous"]],
      [4, false, ["date:in_past"]],
      [5, false, ["date:date_invalid", "accounts:account_unknown", "link:link_invalid"]],
      [6, false, ["text:network_check"]],
      [7, true, []],
    ]);
    expect(rows[0]?.errors[0]?.message).toContain("heure d'été");
    expect(rows[4]?.errors[0]?.message).toContain("Étoile X (X)");
    // A real import warns nothing about media: it would fetch them, but invalid rows stop it first.
    expect(rows[5]?.warnings.map((w) => w.code)).toEqual([]);
    expect(res.json().created).toBe(0);
    expect(await databaseFingerprint(t)).toEqual(before);
  });

  it("explains in English when asked, refuses unreadable CSV and another workspace", async () => {
    const en = await owner.request({
      method: "POST",
      url: importUrl(true),
      payload: { csv: "date,time,accounts,text\n2031-06-01,09:00,Nobody,Hi\n" },
      headers: { "accept-language": "en" },
    });
    expect(en.json().rows[0].errors[0].message).toBe('Unknown account in this workspace: "Nobody".');
    const broken = await owner.post(importUrl(true), {
      csv: 'date,time,accounts,text\n2031-06-01,09:00,"unclosed,x\n',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe("csv_unreadable");
    const foreign = await owner.post(importUrl(false, wsB), { csv: good });
    expect(foreign.statusCode).toBe(404);
  });
});

describe("CSV export", () => {
  it("exports the range with status and URL, guarded against formulas, UTF-8 with BOM", async () => {
    await insertPosts(t.ctx.db, ws, PARIS, [
      {
        at: new Date("2031-07-01T07:00:00Z"),
        accounts: [bsky],
        body: '=HYPERLINK("http://evil","clic") 😈',
        status: "published",
        targetStatus: "published",
        externalUrl: "https://bsky.app/profile/etoile/post/9",
      },
      { at: new Date("2031-07-02T07:00:00Z"), accounts: [bsky], body: "-10 % sur les éclairs" },
    ]);
    const res = await owner.get(
      `/api/workspaces/${ws}/posts/export.csv?from=2031-07-01T00:00:00Z&to=2031-07-03T00:00:00Z&separator=semicolon`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.body.startsWith("\uFEFFdate;time;accounts;text;link;media;tags;status;published_url;planned\r\n")).toBe(
      true,
    );
    expect(res.body).toContain(
      `2031-07-01;09:00;'@etoile.bsky.social;"'=HYPERLINK(""http://evil"",""clic"") 😈";;;;published;https://bsky.app/profile/etoile/post/9;no`,
    );
    expect(res.body).toContain("'-10 % sur les éclairs");
    const bad = await owner.get(
      `/api/workspaces/${ws}/posts/export.csv?from=2031-07-03T00:00:00Z&to=2031-07-01T00:00:00Z`,
    );
    expect(bad.statusCode).toBe(400);
    expect(
      (await other.get(`/api/workspaces/${ws}/posts/export.csv?from=2031-07-01T00:00:00Z&to=2031-07-03T00:00:00Z`))
        .statusCode,
    ).toBe(404);
  });
});

/** A small RFC 5545 reader: unfold, split properties, unescape TEXT. Enough to check what we write. */
function parseIcs(text: string) {
  expect(text.includes("\n") && !/[^\r]\n/.test(text)).toBe(true); // CRLF only
  const lines = text.split("\r\n").filter(Boolean);
  for (const l of lines) expect(Buffer.byteLength(l, "utf8")).toBeLessThanOrEqual(75);
  const unfolded = text.replace(/\r\n /g, "").split("\r\n").filter(Boolean);
  const events: Record<string, string>[] = [];
  let cur: Record<string, string> | null = null;
  for (const l of unfolded) {
    if (l === "BEGIN:VEVENT") cur = {};
    else if (l === "END:VEVENT") {
      events.push(cur as Record<string, string>);
      cur = null;
    } else if (cur) {
      const i = l.indexOf(":");
      cur[l.slice(0, i)] = l
        .slice(i + 1)
        .replace(/\\n/g, "\n")
        .replace(/\\([,;\\])/g, "$1");
    }
  }
  return { unfolded, events };
}

describe("iCal feed", () => {
  it("is off until a manager creates the secret URL; rotation kills the old one", async () => {
    const nowish = Date.now();
    const day = 86_400_000;
    const [pub, sched] = await insertPosts(t.ctx.db, ws, PARIS, [
      {
        at: new Date(nowish - 3 * day),
        accounts: [bsky],
        body: "Publié hier, avec ; point-virgule, virgule \\ et retour\nà la ligne 🥖🇫🇷 — une phrase assez longue pour être pliée à 75 octets au moins",
        status: "published",
        targetStatus: "published",
        externalUrl: "https://bsky.app/profile/etoile/post/42",
      },
      { at: new Date(nowish + 5 * day), accounts: [bsky], body: "À venir" },
    ]);
    const rot = await owner.post(`/api/workspaces/${ws}/ical`);
    expect(rot.statusCode).toBe(201);
    const url = new URL(rot.json().url);
    expect(url.pathname).toMatch(/^\/api\/ical\/[A-Za-z0-9_-]{43}$/);
    const stored = await t.ctx.db
      .selectFrom("workspaces")
      .select("ical_token_hash")
      .where("id", "=", ws)
      .executeTakeFirstOrThrow();
    expect(stored.ical_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(url.pathname).not.toContain(stored.ical_token_hash as string);

    const res = await t.app.inject({ method: "GET", url: url.pathname });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/calendar; charset=utf-8");
    const { unfolded, events } = parseIcs(res.body);
    expect(unfolded[0]).toBe("BEGIN:VCALENDAR");
    const targetOf = async (postId: string) =>
      (await t.ctx.db.selectFrom("post_targets").select("id").where("post_id", "=", postId).executeTakeFirstOrThrow())
        .id;
    const pubUid = `${await targetOf(pub as string)}@relais`;
    const schedUid = `${await targetOf(sched as string)}@relais`;
    const published = events.find((e) => e.UID === pubUid);
    expect(published).toBeDefined();
    expect(published?.URL).toBe("https://bsky.app/profile/etoile/post/42");
    expect(published?.DTSTART).toMatch(/^\d{8}T\d{6}Z$/);
    expect(published?.SUMMARY?.startsWith("Bluesky · Publié hier")).toBe(true);
    expect(published?.DESCRIPTION).toContain("avec ; point-virgule, virgule \\ et retour à la ligne 🥖🇫🇷");
    expect(published?.DESCRIPTION).toContain("publiée");
    expect(events.some((e) => e.UID === schedUid)).toBe(true);
    // Stable UIDs: a second fetch gives the same ones.
    const again = parseIcs((await t.app.inject({ method: "GET", url: url.pathname })).body).events.map((e) => e.UID);
    expect(again).toEqual(events.map((e) => e.UID));

    const rot2 = await owner.post(`/api/workspaces/${ws}/ical`);
    expect((await t.app.inject({ method: "GET", url: url.pathname })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: new URL(rot2.json().url).pathname })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: `/api/ical/${"A".repeat(43)}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/api/ical/short" })).statusCode).toBe(400);
  });

  it("is refused to editors and to other clients", async () => {
    expect((await other.post(`/api/workspaces/${ws}/ical`)).statusCode).toBe(404);
    const editor = await signUp(t, "csv.editor@agence.fr");
    await t.ctx.db
      .insertInto("memberships")
      .values({ workspace_id: ws, user_id: editor.user.id, role: "editor" })
      .execute();
    const res = await editor.post(`/api/workspaces/${ws}/ical`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
  });
});
