import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { insertAccounts, insertPosts } from "./seed.js";

/**
 * Planned drafts: a post not scheduled yet carries a planned wall-clock time (POST/PATCH `plannedLocal`),
 * shown back in the post, on the calendar as planned (filters apply), moved by drag-and-drop without
 * being scheduled, flagged in the iCal feed and the CSV export. DST: a time that does not exist is a
 * clear 400, a repeated one takes its first occurrence. Failed targets carry their reason in the calendar.
 */
let t: TestApp;
let owner: Caller;
let other: Caller;
let ws: string;
let wsB: string;
let bsky: string;
let masto: string;
const PARIS = "Europe/Paris";
const base = () => `/api/workspaces/${ws}`;
const range = (from: string, to: string, extra = "") =>
  owner.get(`${base()}/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`);

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "plan.owner@agence.fr", { name: "Élodie Planning" });
  other = await signUp(t, "plan.other@agence.fr", { name: "Autre" });
  ws = await createWorkspace(owner, "Librairie Les Mots Bleus");
  wsB = await createWorkspace(other, "Client B");
  [bsky, masto] = (await insertAccounts(t.ctx.db, ws, [
    { network: "bluesky", name: "Mots Bleus", handle: "@motsbleus.bsky.social" },
    { network: "mastodon", name: "Mots Mammouth", handle: "@mots@piaille.fr" },
  ])) as [string, string];
});
afterAll(() => t.close());

const draft = (
  plannedLocal: string | null | undefined,
  body = "Rencontre d'auteur 📚 samedi à l'étage",
  accounts = [bsky],
) =>
  owner.post(`${base()}/posts`, {
    body,
    ...(plannedLocal === undefined ? {} : { plannedLocal }),
    targets: accounts.map((accountId) => ({ accountId })),
  });

describe("planned time on POST/PATCH", () => {
  it("creates a draft with a planned time, shows it back, and the calendar lists it as planned", async () => {
    const res = await draft("2031-06-12T18:30");
    expect(res.statusCode, res.body).toBe(201);
    const post = res.json();
    expect(post.status).toBe("draft");
    expect(post.planned).toEqual({ at: "2031-06-12T16:30:00.000Z", local: "2031-06-12T18:30" });
    expect(post.scheduledLocal).toBe("2031-06-12T18:30");
    expect(post.targets[0].status).toBe("pending");
    // Not scheduled: no publish job was sent, the target has no attempt time.
    expect(post.targets[0].nextAttemptAt).toBeNull();
    expect((await owner.get(`${base()}/posts/${post.id}`)).json().planned.local).toBe("2031-06-12T18:30");

    const cal = await range("2031-06-01T00:00:00Z", "2031-07-01T00:00:00Z");
    expect(cal.statusCode).toBe(200);
    const entry = cal.json().entries.find((e: { postId: string }) => e.postId === post.id);
    expect(entry).toMatchObject({ status: "draft", planned: true, scheduledLocal: "2031-06-12T18:30" });
    expect(entry.targets[0]).not.toHaveProperty("error");
  });

  it("a draft without a time is not planned and not on the calendar", async () => {
    const post = (await draft(undefined, "Sans date")).json();
    expect(post.planned).toBeNull();
    const explicitNull = await draft(null, "Sans date non plus");
    expect(explicitNull.statusCode).toBe(201);
    expect(explicitNull.json().planned).toBeNull();
  });

  it("filters apply to planned posts (status, network, account)", async () => {
    const a = (await draft("2031-06-20T09:00", "Planifié Bluesky", [bsky])).json();
    const b = (await draft("2031-06-20T10:00", "Planifié Mastodon", [masto])).json();
    const from = "2031-06-19T00:00:00Z";
    const to = "2031-06-21T00:00:00Z";
    const ids = async (extra: string) =>
      (await range(from, to, extra)).json().entries.map((e: { postId: string }) => e.postId);
    expect(await ids("")).toEqual([a.id, b.id]);
    expect(await ids("&networks=mastodon")).toEqual([b.id]);
    expect(await ids(`&accounts=${bsky}`)).toEqual([a.id]);
    expect(await ids("&statuses=draft")).toEqual([a.id, b.id]);
    expect(await ids("&statuses=scheduled")).toEqual([]);
  });

  it("PATCH changes, keeps or clears the planned time; the trail records it", async () => {
    const post = (await draft("2031-07-01T09:00")).json();
    const moved = await owner.patch(`${base()}/posts/${post.id}`, { plannedLocal: "2031-07-02T11:15", version: 1 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().planned).toEqual({ at: "2031-07-02T09:15:00.000Z", local: "2031-07-02T11:15" });
    // The same time sent back changes nothing about it.
    const same = await owner.patch(`${base()}/posts/${post.id}`, {
      plannedLocal: "2031-07-02T11:15",
      body: "Nouveau texte ✍️",
      version: 2,
    });
    expect(same.statusCode).toBe(200);
    expect(same.json().planned.local).toBe("2031-07-02T11:15");
    const cleared = await owner.patch(`${base()}/posts/${post.id}`, { plannedLocal: null, version: 3 });
    expect(cleared.json().planned).toBeNull();
    expect(cleared.json().scheduledAt).toBeNull();
    const cal = await range("2031-06-30T00:00:00Z", "2031-07-05T00:00:00Z");
    expect(cal.json().entries.map((e: { postId: string }) => e.postId)).not.toContain(post.id);
    const events = (await owner.get(`${base()}/posts/${post.id}/events`)).json() as {
      detail: { changed?: string[]; toLocal?: string | null };
    }[];
    expect(events.filter((e) => e.detail.changed?.includes("plannedLocal")).map((e) => e.detail.toLocal)).toEqual([
      "2031-07-02T11:15",
      null,
    ]);
  });

  it("refuses a time that does not exist (spring forward) with a clear, translated 400, and changes nothing", async () => {
    const created = await draft("2031-03-30T02:30");
    expect(created.statusCode).toBe(400);
    expect(created.json().error.code).toBe("planned_time_nonexistent");
    expect(created.json().error.message).toContain("2031-03-30 02:30");
    expect(created.json().error.message).toContain("Europe/Paris");
    expect(created.json().error.message).toMatch(/n'existe pas/);
    expect(created.json().error.details[0].path).toBe("body.plannedLocal");

    const post = (await draft("2031-03-29T10:00")).json();
    const res = await owner.request({
      method: "PATCH",
      url: `${base()}/posts/${post.id}`,
      payload: { plannedLocal: "2031-03-30T02:00", version: 1 },
      headers: { "accept-language": "en" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/does not exist in the Europe\/Paris time zone/);
    const after = (await owner.get(`${base()}/posts/${post.id}`)).json();
    expect(after).toMatchObject({ version: 1, planned: { local: "2031-03-29T10:00" } });
    // 03:00 exists (first minute after the jump).
    const ok = await owner.patch(`${base()}/posts/${post.id}`, { plannedLocal: "2031-03-30T03:00", version: 1 });
    expect(ok.json().planned).toEqual({ at: "2031-03-30T01:00:00.000Z", local: "2031-03-30T03:00" });
  });

  it("a time that exists twice (fall back) takes the first occurrence, as the scheduler does", async () => {
    const res = await draft("2031-10-26T02:30");
    expect(res.statusCode).toBe(201);
    expect(res.json().planned).toEqual({ at: "2031-10-26T00:30:00.000Z", local: "2031-10-26T02:30" });
    // Last Sunday of October and of March, ordinary times: the wall clock is kept on both sides.
    expect((await draft("2031-10-26T09:00")).json().planned.at).toBe("2031-10-26T08:00:00.000Z");
    expect((await draft("2031-03-30T09:00")).json().planned.at).toBe("2031-03-30T07:00:00.000Z");
  });

  it("refuses malformed and past times (400) and another workspace's post (404)", async () => {
    for (const bad of ["2031-02-30T09:00", "2031-06-12 09:00", "2031-06-12T24:00", "demain"]) {
      const res = await draft(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe("validation_failed");
    }
    const past = await draft("2020-01-01T09:00");
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe("schedule_in_past");
    const post = (await draft("2031-08-01T09:00")).json();
    const foreign = await other.patch(`/api/workspaces/${ws}/posts/${post.id}`, {
      plannedLocal: "2031-08-02T09:00",
      version: 1,
    });
    expect(foreign.statusCode).toBe(404);
    const cross = await other.patch(`/api/workspaces/${wsB}/posts/${post.id}`, {
      plannedLocal: "2031-08-02T09:00",
      version: 1,
    });
    expect(cross.statusCode).toBe(404);
  });

  it("a scheduled post's time is not changed by PATCH (409); its own time sent back is fine", async () => {
    const post = (await draft("2031-09-01T09:00")).json();
    const sched = await owner.post(`${base()}/posts/${post.id}/schedule`, { local: post.planned.local });
    expect(sched.statusCode, sched.body).toBe(200);
    expect(sched.json().post).toMatchObject({ status: "scheduled", planned: null, scheduledLocal: "2031-09-01T09:00" });
    const v = sched.json().post.version;
    const refused = await owner.patch(`${base()}/posts/${post.id}`, { plannedLocal: "2031-09-02T09:00", version: v });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("planned_time_locked");
    const same = await owner.patch(`${base()}/posts/${post.id}`, {
      plannedLocal: "2031-09-01T09:00",
      tagIds: [],
      version: v,
    });
    expect(same.statusCode, same.body).toBe(200);
    // Unscheduling keeps the time as the planned one.
    const back = await owner.post(`${base()}/posts/${post.id}/unschedule`);
    expect(back.json()).toMatchObject({ status: "draft", planned: { local: "2031-09-01T09:00" } });
  });

  it("moving the planned time of an approved post does not send it back for approval", async () => {
    expect((await owner.patch(base(), { approvalRequired: true })).statusCode).toBe(200);
    try {
      const post = (await draft("2031-10-01T09:00")).json();
      await owner.post(`${base()}/posts/${post.id}/submit`);
      const approved = await owner.post(`${base()}/posts/${post.id}/approve`, {});
      expect(approved.json().status).toBe("approved");
      const res = await owner.patch(`${base()}/posts/${post.id}`, {
        plannedLocal: "2031-10-03T09:00",
        version: approved.json().version,
      });
      expect(res.json()).toMatchObject({ status: "approved", planned: { local: "2031-10-03T09:00" } });
    } finally {
      await owner.patch(base(), { approvalRequired: false });
    }
  });
});

describe("drag-and-drop of a planned draft", () => {
  it("moves the planned time without scheduling; undo moves it back", async () => {
    const post = (await draft("2031-11-05T09:00", "Dédicace 🖊️")).json();
    const moved = await owner.post(`${base()}/posts/${post.id}/move`, { local: "2031-11-07T14:00", version: 1 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      previous: { local: "2031-11-05T09:00" },
      current: { local: "2031-11-07T14:00", scheduledAt: "2031-11-07T13:00:00.000Z" },
    });
    const after = (await owner.get(`${base()}/posts/${post.id}`)).json();
    expect(after).toMatchObject({ status: "draft", planned: { local: "2031-11-07T14:00" } });
    expect(after.targets[0]).toMatchObject({ status: "pending", nextAttemptAt: null });
    const undo = await owner.post(`${base()}/posts/${post.id}/move`, {
      local: moved.json().previous.local,
      version: moved.json().version,
    });
    expect(undo.statusCode).toBe(200);
    const entry = (await range("2031-11-01T00:00:00Z", "2031-11-10T00:00:00Z"))
      .json()
      .entries.find((e: { postId: string }) => e.postId === post.id);
    expect(entry).toMatchObject({ planned: true, status: "draft", scheduledLocal: "2031-11-05T09:00" });
  });
});

describe("iCal and CSV flag planned posts; the calendar explains failures", () => {
  it("exports planned posts with planned = yes, scheduled ones with no", async () => {
    const planned = (await draft("2031-12-02T09:00", "Vitrine de Noël 🎄")).json();
    const sched = (await draft("2031-12-02T10:00", "Programmé")).json();
    await owner.post(`${base()}/posts/${sched.id}/schedule`, { local: "2031-12-02T10:00" });
    const res = await owner.get(
      `${base()}/posts/export.csv?from=2031-12-01T00:00:00Z&to=2031-12-03T00:00:00Z&separator=semicolon`,
    );
    expect(res.statusCode).toBe(200);
    const lines = res.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("date;time;accounts;text;link;media;tags;status;published_url;planned");
    expect(lines.find((l) => l.includes("Vitrine"))).toMatch(/;draft;;yes$/);
    expect(lines.find((l) => l.includes("Programmé"))).toMatch(/;scheduled;;no$/);
    expect(planned.planned).not.toBeNull();
    // The export's header is recognised by the import (its extra columns are ignored).
    const dry = await owner.post(`${base()}/posts/import?dryRun=true`, { csv: res.body });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().rows).toHaveLength(2);
  });

  it("the iCal feed marks planned posts TENTATIVE with [Planifié] in the title", async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const local = `${soon.toISOString().slice(0, 10)}T15:00`;
    const post = (await draft(local, "Atelier d'écriture ✨")).json();
    const rot = await owner.post(`${base()}/ical`);
    const ics = (await t.app.inject({ method: "GET", url: new URL(rot.json().url).pathname })).body.replace(
      /\r\n[ \t]/g,
      "",
    );
    const target = post.targets[0].id;
    const block = ics.split("BEGIN:VEVENT").find((b) => b.includes(`UID:${target}@relais`)) ?? "";
    expect(block).toContain("STATUS:TENTATIVE");
    expect(block).toMatch(/SUMMARY:\[Planifié\] Bluesky · Atelier d'écriture ✨/);
    expect(block).toContain("planifiée (pas encore programmée)");
  });

  it("a failed target shows the translated explanation and the network's words; a published one its link", async () => {
    const [failed, published] = await insertPosts(t.ctx.db, ws, PARIS, [
      { at: new Date("2031-05-05T08:00:00Z"), accounts: [bsky], status: "failed", targetStatus: "failed" },
      {
        at: new Date("2031-05-05T09:00:00Z"),
        accounts: [masto],
        status: "published",
        targetStatus: "published",
        externalUrl: "https://piaille.fr/@mots/1",
      },
    ]);
    await t.ctx.db
      .updateTable("post_targets")
      .set({ error_code: "content_rejected", error_message: "Text too long: 312 graphemes > 300" })
      .where("post_id", "=", failed as string)
      .execute();
    const get = async (lang: string) =>
      (
        await owner.request({
          method: "GET",
          url: `${base()}/calendar?from=2031-05-05T00:00:00Z&to=2031-05-06T00:00:00Z`,
          headers: { "accept-language": lang },
        })
      ).json().entries as { postId: string; planned: boolean; targets: { error: unknown; externalUrl: string }[] }[];
    const fr = await get("fr");
    const f = fr.find((e) => e.postId === failed);
    expect(f?.planned).toBeUndefined();
    expect(f?.targets[0]?.error).toEqual({
      code: "content_rejected",
      explanation: "Le réseau a refusé ce contenu. Corrigez la publication selon sa réponse, puis republiez.",
      message: "Text too long: 312 graphemes > 300",
    });
    const p = fr.find((e) => e.postId === published);
    expect(p?.targets[0]).toMatchObject({ externalUrl: "https://piaille.fr/@mots/1" });
    expect(p?.targets[0]).not.toHaveProperty("error");
    const en = await get("en");
    expect((en.find((e) => e.postId === failed)?.targets[0]?.error as { explanation: string }).explanation).toMatch(
      /^The network refused this content/,
    );
  });
});
