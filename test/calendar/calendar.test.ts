import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { calendarResponse } from "../../src/modules/calendar/calendar.schema.js";
import { materialiseOccurrences, recycleEvergreen } from "../../src/modules/calendar/recycling.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp, tokenCaller } from "../helpers/app.js";
import { insertAccounts, insertPosts } from "./seed.js";

/**
 * The calendar over HTTP on a real database: range query (boundaries, filters, occurrences), drag-and-drop
 * moves and undo, slots and the queue across a DST change, recurring and evergreen jobs, and isolation.
 */
let t: TestApp;
let owner: Caller;
let other: Caller;
let ws: string;
let wsB: string;
let acc: { bsky: string; masto: string; hook: string };
let accB: string;
let tagId: string;
let campaignId: string;
const PARIS = "Europe/Paris";

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "cal.owner@agence.fr", { name: "Chloé Calendrier" });
  other = await signUp(t, "cal.other@agence.fr", { name: "Autre Client" });
  ws = await createWorkspace(owner, "Café des Arts");
  wsB = await createWorkspace(other, "Client B");
  const [bsky, masto, hook] = await insertAccounts(t.ctx.db, ws, [
    { network: "bluesky", name: "Café Bleu", handle: "@cafe.bsky.social" },
    { network: "mastodon", name: "Café Mammouth", handle: "@cafe@piaille.fr" },
    { network: "webhook", name: "Slack interne" },
  ]);
  acc = { bsky: bsky as string, masto: masto as string, hook: hook as string };
  accB = (await insertAccounts(t.ctx.db, wsB, [{ network: "bluesky", name: "B" }]))[0] as string;
  tagId = (await owner.post(`/api/workspaces/${ws}/tags`, { name: "Coulisses", color: "#e8590c" })).json().id;
  campaignId = (await owner.post(`/api/workspaces/${ws}/campaigns`, { name: "Soldes d'été", color: "#228be6" })).json()
    .id;
});
afterAll(() => t.close());

const cal = (q: string, who: Caller = owner, w = ws) => who.get(`/api/workspaces/${w}/calendar?${q}`);

describe("range query", () => {
  const from = "2030-03-01T00:00:00+01:00";
  const to = "2030-04-01T00:00:00+02:00";
  let ids: string[];

  beforeAll(async () => {
    ids = await insertPosts(t.ctx.db, ws, PARIS, [
      { at: new Date(from), accounts: [acc.bsky], body: "Pile au début 🎉", tagIds: [tagId], campaignId },
      { at: new Date(to), accounts: [acc.bsky], body: "Pile à la fin : exclu" },
      { at: new Date("2030-03-31T07:00:00Z"), accounts: [acc.masto], status: "draft", body: "Brouillon prévu" },
      { at: null, accounts: [acc.masto], status: "draft", body: "Brouillon sans date" },
      {
        at: new Date("2030-03-15T08:00:00Z"),
        accounts: [acc.hook, acc.bsky],
        status: "published",
        targetStatus: "published",
        externalUrl: "https://bsky.app/profile/cafe/post/1",
        publishedAt: new Date("2030-03-15T08:00:02Z"),
      },
    ]);
  });

  it("includes [from, to): the first instant in, the last out; drafts with a time in, without out", async () => {
    const res = await cal(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe(PARIS);
    const got = body.entries.map((e: { postId: string }) => e.postId);
    expect(got).toEqual([ids[0], ids[4], ids[2]]);
    const first = body.entries[0];
    expect(first).toMatchObject({
      scheduledAt: "2030-02-28T23:00:00.000Z",
      scheduledLocal: "2030-03-01T00:00",
      excerpt: "Pile au début 🎉",
      campaignId,
      tagIds: [tagId],
    });
    // Fields without a value are left out.
    expect(first).not.toHaveProperty("occurrence");
    expect(first).not.toHaveProperty("linkUrl");
    expect(first).not.toHaveProperty("planned");
    expect(first).not.toHaveProperty("timezone");
    // The route skips response validation (hot path): the body must still be what the schema documents.
    const parsed = calendarResponse.safeParse(body);
    expect(parsed.error).toBeUndefined();
    expect(first.targets[0]).toMatchObject({ accountId: acc.bsky, status: "scheduled" });
    // Accounts, campaigns and tags are described once, those the entries refer to only.
    expect(body.campaigns).toEqual({ [campaignId]: { name: "Soldes d'été", color: "#228be6" } });
    expect(body.tags).toEqual({ [tagId]: { name: "Coulisses", color: "#e8590c" } });
    expect(Object.keys(body.accounts).sort()).toEqual([acc.bsky, acc.masto, acc.hook].sort());
    expect(body.accounts[acc.bsky]).toMatchObject({ network: "bluesky" });
    expect(body.accounts[acc.hook]).toMatchObject({ network: "webhook" });
    const published = body.entries[1];
    expect(published.status).toBe("published");
    expect(published.targets.map((x: { externalUrl: string | null }) => x.externalUrl)).toContain(
      "https://bsky.app/profile/cafe/post/1",
    );
    // DST: 31 March 2030 is after the change, 07:00Z is 09:00 in Paris.
    expect(body.entries[2]).toMatchObject({ status: "draft", scheduledLocal: "2030-03-31T09:00" });
  });

  it("filters by account, network, campaign, tag and status", async () => {
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const ids_ = async (q: string) =>
      (await cal(`${range}&${q}`)).json().entries.map((e: { postId: string }) => e.postId);
    expect(await ids_(`accounts=${acc.masto}`)).toEqual([ids[2]]);
    expect(await ids_("networks=webhook")).toEqual([ids[4]]);
    expect(await ids_("networks=bluesky,mastodon")).toEqual([ids[0], ids[4], ids[2]]);
    expect(await ids_(`campaigns=${campaignId}`)).toEqual([ids[0]]);
    expect(await ids_(`tags=${tagId}`)).toEqual([ids[0]]);
    expect(await ids_("statuses=draft,published")).toEqual([ids[4], ids[2]]);
    expect(await ids_(`accounts=${accB}`)).toEqual([]);
  });

  it("refuses reversed, too long or malformed ranges and filters with field details", async () => {
    const bad = [
      `from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
      "from=2030-01-01T00:00:00Z&to=2030-03-05T00:00:00Z",
      "from=2030-01-01&to=2030-01-02",
      `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&statuses=draft,nope`,
      `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&accounts=not-a-uuid`,
      `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&networks=myspace`,
    ];
    for (const q of bad) {
      const res = await cal(q);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details[0].path, q).toMatch(/^querystring\./);
    }
    const fr = (await cal(bad[0] as string)).json().error.details[0];
    expect(fr).toMatchObject({ path: "querystring.to", message: "La fin de la période doit être après son début." });
  });

  it("expands a recurring series in the range, skipping occurrences already created", async () => {
    const [series] = await insertPosts(t.ctx.db, ws, PARIS, [
      {
        at: new Date("2030-05-05T07:00:00Z"),
        accounts: [acc.bsky],
        recurrence: "FREQ=WEEKLY",
        body: "Chaque dimanche",
      },
    ]);
    // The occurrence of 12 May already exists as a child post.
    const [child] = await insertPosts(t.ctx.db, ws, PARIS, [
      { at: new Date("2030-05-12T07:00:00Z"), accounts: [acc.bsky], body: "Chaque dimanche" },
    ]);
    await t.ctx.db
      .updateTable("posts")
      .set({ recurrence_parent_id: series })
      .where("id", "=", child as string)
      .execute();
    const res = await cal("from=2030-05-01T00:00:00Z&to=2030-05-27T00:00:00Z");
    const entries = res.json().entries as {
      postId: string;
      key: string;
      scheduledLocal: string;
      occurrence: unknown;
    }[];
    expect(entries.map((e) => [e.postId, e.scheduledLocal, e.occurrence])).toEqual([
      [series, "2030-05-05T09:00", undefined],
      [child, "2030-05-12T09:00", undefined],
      [series, "2030-05-19T09:00", { seriesId: series }],
      [series, "2030-05-26T09:00", { seriesId: series }],
    ]);
    expect(entries[2]?.key).toBe(`${series}@2030-05-19T07:00:00.000Z`);
    // A status filter without "scheduled" leaves occurrences out.
    const drafts = await cal("from=2030-05-01T00:00:00Z&to=2030-05-27T00:00:00Z&statuses=draft");
    expect(drafts.json().entries).toEqual([]);
    // A draft series shows its occurrences as planned drafts.
    await t.ctx.db
      .updateTable("posts")
      .set({ status: "draft" })
      .where("id", "=", series as string)
      .execute();
    const planned = (await cal("from=2030-05-01T00:00:00Z&to=2030-05-27T00:00:00Z&statuses=draft")).json().entries;
    expect(planned.map((e: { status: string; occurrence: unknown }) => [e.status, e.occurrence !== undefined])).toEqual(
      [
        ["draft", false],
        ["draft", true],
        ["draft", true],
      ],
    );
    await t.ctx.db
      .updateTable("posts")
      .set({ status: "scheduled" })
      .where("id", "=", series as string)
      .execute();
  });

  it("answers 404 for another client's workspace and 403 for nobody's secrets", async () => {
    const res = await cal(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, owner, wsB);
    expect(res.statusCode).toBe(404);
  });
});

describe("moving posts (drag and drop) and undo", () => {
  async function scheduledPost(local: string): Promise<{ id: string; version: number }> {
    const created = await owner.post(`/api/workspaces/${ws}/posts`, {
      body: "Nouveau menu d'automne 🍂",
      targets: [{ accountId: acc.bsky }, { accountId: acc.masto }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const s = await owner.post(`/api/workspaces/${ws}/posts/${id}/schedule`, { local });
    expect(s.statusCode, s.body).toBe(200);
    return { id, version: s.json().post.version };
  }

  it("moves a scheduled post, its targets follow, and undo moves it back", async () => {
    const post = await scheduledPost("2031-10-24T09:00");
    const moved = await owner.post(`/api/workspaces/${ws}/posts/${post.id}/move`, {
      local: "2031-10-26T09:00",
      version: post.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      previous: { scheduledAt: "2031-10-24T07:00:00.000Z", local: "2031-10-24T09:00" },
      current: { scheduledAt: "2031-10-26T08:00:00.000Z", local: "2031-10-26T09:00" },
      adjusted: "none",
      version: post.version + 1,
    });
    const targets = await t.ctx.db
      .selectFrom("post_targets")
      .select(["status", "next_attempt_at"])
      .where("post_id", "=", post.id)
      .execute();
    expect(targets.map((x) => [x.status, x.next_attempt_at?.toISOString()])).toEqual([
      ["scheduled", "2031-10-26T08:00:00.000Z"],
      ["scheduled", "2031-10-26T08:00:00.000Z"],
    ]);
    const stale = await owner.post(`/api/workspaces/${ws}/posts/${post.id}/move`, {
      local: "2031-10-27T09:00",
      version: post.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe("post_stale");
    const undo = await owner.post(`/api/workspaces/${ws}/posts/${post.id}/move`, {
      local: moved.json().previous.local,
      version: moved.json().version,
    });
    expect(undo.statusCode).toBe(200);
    expect(undo.json().current.scheduledAt).toBe("2031-10-24T07:00:00.000Z");
    const row = await t.ctx.db.selectFrom("posts").selectAll().where("id", "=", post.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "scheduled", scheduled_local: "2031-10-24T09:00", version: post.version + 2 });
    const events = await t.ctx.db.selectFrom("post_events").select("detail").where("post_id", "=", post.id).execute();
    expect(events.filter((e) => (e.detail as { reason?: string }).reason === "moved")).toHaveLength(2);
  });

  it("refuses the past, a published post, a malformed time and another workspace's post; changes nothing", async () => {
    const post = await scheduledPost("2031-11-03T10:00");
    const move = (body: unknown, w = ws, id = post.id, who = owner) =>
      who.post(`/api/workspaces/${w}/posts/${id}/move`, body);
    const past = await move({ local: "2020-01-01T09:00", version: post.version });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe("schedule_in_past");
    for (const local of ["2031-02-30T09:00", "2031-11-03 09:00", "2031-11-03T24:00"]) {
      expect((await move({ local, version: post.version })).statusCode, local).toBe(400);
    }
    expect((await move({ local: "2031-11-04T09:00", version: post.version }, wsB, post.id, other)).statusCode).toBe(
      404,
    );
    expect((await move({ local: "2031-11-04T09:00", version: post.version }, ws, post.id, other)).statusCode).toBe(404);
    const [published] = await insertPosts(t.ctx.db, ws, PARIS, [
      { at: new Date("2031-01-01T08:00Z"), accounts: [acc.bsky], status: "published", targetStatus: "published" },
    ]);
    const refused = await move({ local: "2031-12-01T09:00", version: 1 }, ws, published as string);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("post_not_movable");
    const row = await t.ctx.db.selectFrom("posts").selectAll().where("id", "=", post.id).executeTakeFirstOrThrow();
    expect(row.scheduled_local).toBe("2031-11-03T10:00");
    expect(row.version).toBe(post.version);
  });

  it("moves a draft without scheduling it, and reports a time inside the DST gap", async () => {
    const created = await owner.post(`/api/workspaces/${ws}/posts`, {
      body: "Idée à caler",
      targets: [{ accountId: acc.masto }],
    });
    const id = created.json().id;
    const res = await owner.post(`/api/workspaces/${ws}/posts/${id}/move`, {
      local: "2031-03-30T02:30",
      version: created.json().version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ adjusted: "gap", current: { local: "2031-03-30T03:30" } });
    const row = await t.ctx.db.selectFrom("posts").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("draft");
  });
});

describe("posting slots and the queue", () => {
  it("replaces the weekly grid whole, dedupes and validates", async () => {
    const url = `/api/workspaces/${ws}/accounts/${acc.bsky}/slots`;
    const put = await owner.request({
      method: "PUT",
      url,
      payload: {
        slots: [
          { weekday: 7, time: "09:00" },
          { weekday: 1, time: "18:30" },
          { weekday: 7, time: "09:00" },
        ],
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().slots).toEqual([
      { weekday: 1, time: "18:30" },
      { weekday: 7, time: "09:00" },
    ]);
    for (const slots of [
      [{ weekday: 8, time: "09:00" }],
      [{ weekday: 1, time: "24:00" }],
      [{ weekday: 1, time: "9:00" }],
    ]) {
      const res = await owner.request({ method: "PUT", url, payload: { slots } });
      expect(res.statusCode).toBe(400);
    }
    expect((await owner.get(url)).json().slots).toHaveLength(2);
    expect((await owner.get(`/api/workspaces/${ws}/accounts/${accB}/slots`)).statusCode).toBe(404);
    expect((await other.get(url)).statusCode).toBe(404);
  });

  it("adds to the queue in the next free wall-clock slot across the spring DST change", async () => {
    await owner.request({
      method: "PUT",
      url: `/api/workspaces/${ws}/accounts/${acc.hook}/slots`,
      payload: { slots: [{ weekday: 7, time: "09:00" }] },
    });
    // Sessions expire; an API token does not, and the clock is about to jump.
    const bot = await tokenCaller(t, owner.user);
    // Saturday 29 March 2031, noon in Paris (CET); the change to CEST is on Sunday 30 March.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2031-03-29T11:00:00Z") });
    try {
      const [taken] = await insertPosts(t.ctx.db, ws, PARIS, [
        { at: new Date("2031-03-30T07:00:00Z"), accounts: [acc.hook], body: "Déjà prévu" },
      ]);
      expect(taken).toBeDefined();
      const a = await bot.post(`/api/workspaces/${ws}/posts`, {
        body: "En file 1",
        targets: [{ accountId: acc.hook }],
      });
      const first = await bot.post(`/api/workspaces/${ws}/posts/${a.json().id}/queue`);
      expect(first.statusCode, first.body).toBe(200);
      // 30 March 09:00 is taken: the next Sunday, 09:00 CEST.
      expect(first.json()).toMatchObject({
        status: "scheduled",
        current: { local: "2031-04-06T09:00", scheduledAt: "2031-04-06T07:00:00.000Z" },
      });
      const b = await bot.post(`/api/workspaces/${ws}/posts`, {
        body: "En file 2",
        targets: [{ accountId: acc.hook }],
      });
      const second = await bot.post(`/api/workspaces/${ws}/posts/${b.json().id}/queue`);
      expect(second.json().current.local).toBe("2031-04-13T09:00");
    } finally {
      vi.useRealTimers();
    }
  });

  it("says so when no slot is free, and refuses another workspace's post", async () => {
    const a = await owner.post(`/api/workspaces/${ws}/posts`, {
      body: "Sans créneau",
      targets: [{ accountId: acc.masto }],
    });
    const res = await owner.post(`/api/workspaces/${ws}/posts/${a.json().id}/queue`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("no_free_slot");
    expect((await other.post(`/api/workspaces/${wsB}/posts/${a.json().id}/queue`)).statusCode).toBe(404);
  });
});

describe("recurring and evergreen posts", () => {
  it("sets and clears a recurrence; refuses a bad rule", async () => {
    const created = await owner.post(`/api/workspaces/${ws}/posts`, {
      body: "Hebdo",
      targets: [{ accountId: acc.bsky }],
    });
    const url = `/api/workspaces/${ws}/posts/${created.json().id}/recurrence`;
    const bad = await owner.request({ method: "PUT", url, payload: { rule: "FREQ=MINUTELY" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("recurrence_invalid");
    const ok = await owner.request({ method: "PUT", url, payload: { rule: "RRULE:FREQ=WEEKLY;BYDAY=MO" } });
    expect(ok.json()).toMatchObject({ recurrence: "FREQ=WEEKLY;BYDAY=MO" });
    const cleared = await owner.request({ method: "PUT", url, payload: { rule: null } });
    expect(cleared.json().recurrence).toBeNull();
    const foreign = await other.request({
      method: "PUT",
      url: `/api/workspaces/${wsB}/posts/${created.json().id}/recurrence`,
      payload: { rule: "FREQ=DAILY" },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it("materialises each occurrence as its own post a day ahead, at 09:00 local across DST, once", async () => {
    const [series] = await insertPosts(t.ctx.db, ws, PARIS, [
      {
        at: new Date("2032-03-21T08:00:00Z"), // Sunday 21 March 2032, 09:00 CET
        accounts: [acc.bsky, acc.masto],
        recurrence: "FREQ=WEEKLY",
        body: "Le brunch du dimanche 🥐",
        tagIds: [tagId],
      },
    ]);
    // Saturday 27 March: the DST change is on Sunday 28 March 2032.
    const now = new Date("2032-03-27T10:00:00Z");
    // The other series of this file produces its own occurrence at that time too.
    expect(await materialiseOccurrences(t.ctx, now)).toBeGreaterThanOrEqual(1);
    expect(await materialiseOccurrences(t.ctx, now)).toBe(0);
    const children = await t.ctx.db
      .selectFrom("posts")
      .selectAll()
      .where("recurrence_parent_id", "=", series as string)
      .execute();
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ status: "scheduled", scheduled_local: "2032-03-28T09:00", recurrence: null });
    expect(children[0]?.scheduled_at?.toISOString()).toBe("2032-03-28T07:00:00.000Z");
    const targets = await t.ctx.db
      .selectFrom("post_targets")
      .select(["post_id", "status", "idempotency_key", "next_attempt_at"])
      .where("post_id", "in", [series as string, children[0]?.id as string])
      .execute();
    expect(targets).toHaveLength(4);
    expect(new Set(targets.map((x) => x.idempotency_key)).size).toBe(4);
    const tags = await t.ctx.db
      .selectFrom("post_tags")
      .selectAll()
      .where("post_id", "=", children[0]?.id as string)
      .execute();
    expect(tags.map((x) => x.tag_id)).toEqual([tagId]);
    // October: 31 October 2032 is the change back; 09:00 local is 08:00Z.
    expect(await materialiseOccurrences(t.ctx, new Date("2032-10-30T10:00:00Z"))).toBeGreaterThanOrEqual(1);
    const oct = await t.ctx.db
      .selectFrom("posts")
      .select(["scheduled_local", "scheduled_at"])
      .where("recurrence_parent_id", "=", series as string)
      .orderBy("scheduled_at", "desc")
      .executeTakeFirstOrThrow();
    expect([oct.scheduled_local, oct.scheduled_at?.toISOString()]).toEqual([
      "2032-10-31T09:00",
      "2032-10-31T08:00:00.000Z",
    ]);
  });

  it("recycles a published evergreen post into the first free slot after its gap, once", async () => {
    const url = (id: string) => `/api/workspaces/${ws}/posts/${id}/evergreen`;
    const [post] = await insertPosts(t.ctx.db, ws, PARIS, [
      {
        at: new Date("2033-01-03T08:00:00Z"),
        accounts: [acc.bsky],
        status: "published",
        targetStatus: "published",
        publishedAt: new Date("2033-01-03T08:00:01Z"),
        body: "Notre recette de galette 👑",
      },
    ]);
    const set = await owner.request({
      method: "PUT",
      url: url(post as string),
      payload: { enabled: true, minGapDays: 10 },
    });
    expect(set.json()).toMatchObject({ evergreen: true, evergreenMinGapDays: 10 });
    expect(
      (await owner.request({ method: "PUT", url: url(post as string), payload: { enabled: true, minGapDays: 0 } }))
        .statusCode,
    ).toBe(400);
    // Slots of Café Bleu: Monday 18:30, Sunday 09:00. Gap ends Thursday 13 January 09:00 Paris.
    const now = new Date("2033-01-05T00:00:00Z");
    expect(await recycleEvergreen(t.ctx, now)).toBe(1);
    expect(await recycleEvergreen(t.ctx, now)).toBe(0);
    const copy = await t.ctx.db
      .selectFrom("posts")
      .selectAll()
      .where("recurrence_parent_id", "=", post as string)
      .executeTakeFirstOrThrow();
    expect(copy).toMatchObject({
      status: "scheduled",
      scheduled_local: "2033-01-16T09:00",
      body: "Notre recette de galette 👑",
    });
  });
});
