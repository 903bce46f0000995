import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { addAccount, localDaysAhead, notificationsOf, seedTeam, type Team } from "./fixtures.js";

let t: TestApp;
let a: Team;
let b: Team;
let mastodon: string;
let bluesky: string;
let instagram: string;

beforeAll(async () => {
  t = await createTestApp({ withQueue: true });
  a = await seedTeam(t, "wa");
  b = await seedTeam(t, "wb", "Client Bêta");
  mastodon = await addAccount(t, a.workspaceId, "mastodon", "Musée @ piaille.fr");
  bluesky = await addAccount(t, a.workspaceId, "bluesky", "Musée 🦋");
  instagram = await addAccount(t, a.workspaceId, "instagram", "Musée 📸");
});
afterAll(() => t.close());

async function draft(
  by = a.editor,
  body = "Nuit des musées 🌙 : entrée gratuite",
  targets = [{ accountId: mastodon }],
) {
  const res = await by.post(`${a.base}/posts`, { body, targets });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; version: number };
}
const url = (id: string, action = "") => `${a.base}/posts/${id}${action ? `/${action}` : ""}`;
async function status(id: string) {
  return (await a.owner.get(url(id))).json().status as string;
}
async function setApproval(required: boolean) {
  expect((await a.manager.patch(a.base, { approvalRequired: required })).statusCode).toBe(200);
}
async function jobsFor(targetId: string) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
    where name = 'scheduler.publish-target' and data->>'targetId' = ${targetId}`.execute(t.ctx.db);
  return rows[0]?.n ?? 0;
}

describe("without required approval", () => {
  it("schedules a draft directly at a wall-clock time, queues one job per target, then unschedules it", async () => {
    const p = await draft(a.editor, "Soirée jazz 🎷", [{ accountId: mastodon }, { accountId: bluesky }]);
    const local = localDaysAhead(3);
    const res = await a.editor.post(url(p.id, "schedule"), { local });
    expect(res.statusCode).toBe(200);
    const { post, adjusted, warning } = res.json();
    expect(adjusted).toBe("none");
    expect(warning).toBeNull();
    expect(post).toMatchObject({ status: "scheduled", scheduledLocal: local, scheduledTz: "Europe/Paris" });
    for (const target of post.targets) {
      expect(target).toMatchObject({ status: "scheduled", nextAttemptAt: post.scheduledAt });
      expect(await jobsFor(target.id)).toBe(1);
    }
    const events = (await a.viewer.get(url(p.id, "events"))).json();
    expect(
      events.map((e: { toStatus: string; targetId: string | null }) => [e.targetId ? "target" : "post", e.toStatus]),
    ).toEqual([
      ["post", "draft"],
      ["post", "scheduled"],
      ["target", "scheduled"],
      ["target", "scheduled"],
    ]);
    expect(events[1]).toMatchObject({
      actorUserId: a.editor.user.id,
      actorLabel: "wa editor",
      fromStatus: "draft",
      detail: { local, tz: "Europe/Paris" },
    });
    expect(Date.now() - Date.parse(events[1].createdAt)).toBeLessThan(60_000);

    // Reschedule: a new instant and a new job; the old job will find nothing to claim.
    const later = localDaysAhead(4, "18:45");
    const moved = (await a.editor.post(url(p.id, "schedule"), { local: later })).json().post;
    expect(moved.scheduledLocal).toBe(later);
    expect(moved.targets.every((x: { nextAttemptAt: string }) => x.nextAttemptAt === moved.scheduledAt)).toBe(true);
    expect(await jobsFor(moved.targets[0].id)).toBe(2);

    const off = await a.editor.post(url(p.id, "unschedule"));
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ status: "draft" });
    expect(
      off
        .json()
        .targets.every((x: { status: string; nextAttemptAt: null }) => x.status === "pending" && !x.nextAttemptAt),
    ).toBe(true);
    expect((await a.editor.post(url(p.id, "unschedule"))).statusCode).toBe(409);
    const audit = await t.ctx.db.selectFrom("audit_log").select("action").where("target_id", "=", p.id).execute();
    expect(audit.map((r) => r.action)).toEqual(["post.scheduled", "post.rescheduled", "post.unscheduled"]);
  });

  it("schedules at an instant, refuses the past, malformed times and impossible dates", async () => {
    const p = await draft();
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const pastLocal = await a.editor.request({
      method: "POST",
      url: url(p.id, "schedule"),
      payload: { local: "2020-01-01T09:00" },
      headers: { "accept-language": "fr" },
    });
    expect(pastLocal.statusCode).toBe(400);
    expect(pastLocal.json().error).toMatchObject({
      code: "schedule_in_past",
      message: expect.stringContaining("2020-01-01T09:00"),
    });
    expect((await a.editor.post(url(p.id, "schedule"), { at: "2020-01-01T09:00:00Z" })).statusCode).toBe(400);
    expect((await a.editor.post(url(p.id, "schedule"), { local: "2031-02-30T10:00" })).statusCode).toBe(400);
    expect((await a.editor.post(url(p.id, "schedule"), { local: "2031-01-01T10:00", at })).statusCode).toBe(400);
    expect((await a.editor.post(url(p.id, "schedule"), { local: "demain 10h" })).statusCode).toBe(400);
    expect(await status(p.id)).toBe("draft");
    const ok = (await a.editor.post(url(p.id, "schedule"), { at })).json().post;
    expect(ok.scheduledAt).toBe(at);
    expect(ok.scheduledLocal).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });

  it("keeps a wall-clock time on DST days and says when a time was moved", async () => {
    const spring = await draft();
    const gap = (await a.editor.post(url(spring.id, "schedule"), { local: "2027-03-28T02:30" })).json();
    expect(gap).toMatchObject({
      adjusted: "gap",
      post: { scheduledAt: "2027-03-28T01:30:00.000Z", scheduledLocal: "2027-03-28T03:30" },
    });
    expect(gap.warning).toContain("03:30");
    const autumn = await draft();
    const overlap = (await a.editor.post(url(autumn.id, "schedule"), { local: "2027-10-31T02:30" })).json();
    expect(overlap).toMatchObject({ adjusted: "overlap", post: { scheduledAt: "2027-10-31T00:30:00.000Z" } });
    const summer = await draft();
    const plain = (await a.editor.post(url(summer.id, "schedule"), { local: "2027-07-14T09:00" })).json();
    expect(plain.post.scheduledAt).toBe("2027-07-14T07:00:00.000Z");
  });

  it("blocks scheduling on check errors per target (Bluesky 301 graphemes with emoji), not on warnings", async () => {
    const long = `${"Découvrez l'expo ".repeat(17)}${"é".repeat(10)}`.slice(0, 299);
    const p = await draft(a.editor, `${long}👍🏿👩‍👩‍👧`, [{ accountId: mastodon }, { accountId: bluesky }]);
    const res = await a.editor.request({
      method: "POST",
      url: url(p.id, "schedule"),
      payload: { local: localDaysAhead(2) },
      headers: { "accept-language": "en" },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("post_not_ready");
    expect(error.message).toContain("1 network");
    expect(error.details.targets).toEqual([
      expect.objectContaining({
        accountId: bluesky,
        accountName: "Musée 🦋",
        network: "bluesky",
        issues: [
          expect.objectContaining({
            code: "text_too_long",
            severity: "error",
            message: "Text too long: 301/300 (1 over).",
          }),
        ],
      }),
    ]);
    expect(await status(p.id)).toBe("draft");
    const targets = await t.ctx.db.selectFrom("post_targets").select("status").where("post_id", "=", p.id).execute();
    expect(targets.every((x) => x.status === "pending")).toBe(true);

    // A variant fixes Bluesky; Instagram without media only warns.
    const fixed = await a.editor.patch(url(p.id), {
      version: p.version,
      targets: [
        { accountId: mastodon },
        { accountId: bluesky, body: "L'expo en 300 signes max 👍🏿" },
        { accountId: instagram },
      ],
    });
    const ig = fixed.json().targets.find((x: { network: string }) => x.network === "instagram");
    expect(ig.check).toMatchObject({
      ok: true,
      issues: [expect.objectContaining({ severity: "warning", code: "media_missing" })],
    });
    expect((await a.editor.post(url(p.id, "schedule"), { local: localDaysAhead(2) })).statusCode).toBe(200);
  });

  it("follows a Mastodon instance's stored limits: 600 characters schedule on 1,000, 301 are refused on 300", async () => {
    const limits = (maxCharacters: number) => ({
      instanceUrl: "https://piaille.fr",
      limits: { maxCharacters, maxMediaAttachments: 4, charactersReservedPerUrl: 23 },
    });
    const big = await addAccount(t, a.workspaceId, "mastodon", "Musée @ glitch 🦣", limits(1000));
    const small = await addAccount(t, a.workspaceId, "mastodon", "Musée @ mini", limits(300));
    // 600 characters of French with accents and emoji (each counts one on Mastodon), and a URL counting 23.
    const sentence = "Visite guidée à 14 h 🎨, café-crème offert ☕ ! "; // 46 graphemes
    const text600 = `${sentence.repeat(12)}${"é".repeat(24)} https://musee-confluences.fr/programme`; // 552 + 24 + 1 + 23
    const fixed = await draft(a.editor, text600, [{ accountId: big }, { accountId: mastodon }]);
    const shown = (await a.editor.get(url(fixed.id))).json();
    const byAccount = (id: string) => shown.targets.find((x: { accountId: string }) => x.accountId === id);
    expect(byAccount(big).check).toMatchObject({ ok: true, length: 600, max: 1000, issues: [] });
    // The account without stored limits keeps the network's 500.
    expect(byAccount(mastodon).check).toMatchObject({ ok: false, length: 600, max: 500 });
    // The unsaved-draft check says the same.
    const unsaved = await a.editor.post(`${a.base}/posts/check`, { body: text600, targets: [{ accountId: big }] });
    expect(unsaved.json()).toMatchObject({ ok: true, targets: [{ accountId: big, length: 600, max: 1000 }] });

    const onBig = await draft(a.editor, text600, [{ accountId: big }]);
    expect((await a.editor.post(url(onBig.id, "schedule"), { local: localDaysAhead(2) })).statusCode).toBe(200);

    const text301 = `${sentence.repeat(6)}${"à".repeat(25)}`;
    const onSmall = await draft(a.editor, text301, [{ accountId: small }]);
    for (const [lang, message] of [
      ["fr", "Texte trop long : 301/300 (1 de trop)."],
      ["en", "Text too long: 301/300 (1 over)."],
    ] as const) {
      const res = await a.editor.request({
        method: "POST",
        url: url(onSmall.id, "schedule"),
        payload: { local: localDaysAhead(2) },
        headers: { "accept-language": lang },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        code: "post_not_ready",
        details: {
          targets: [
            {
              accountId: small,
              network: "mastodon",
              issues: [
                expect.objectContaining({
                  code: "text_too_long",
                  severity: "error",
                  params: { length: 301, max: 300, over: 1 },
                  message,
                }),
              ],
            },
          ],
        },
      });
    }
    expect(await status(onSmall.id)).toBe("draft");
  });

  it("refuses scheduling without targets and a post under review", async () => {
    const none = await draft(a.editor, "Sans compte", []);
    expect((await a.editor.post(url(none.id, "schedule"), { local: localDaysAhead(1) })).json().error.code).toBe(
      "post_no_targets",
    );
    const p = await draft();
    await a.editor.post(url(p.id, "submit"));
    const res = await a.editor.post(url(p.id, "schedule"), { local: localDaysAhead(1) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("post_not_schedulable");
  });
});

describe("with required approval", () => {
  beforeAll(() => setApproval(true));
  afterAll(() => setApproval(false));

  it("walks draft → in review → changes requested → in review → approved → scheduled → approved → draft", async () => {
    const p = await draft();
    const early = await a.editor.request({
      method: "POST",
      url: url(p.id, "schedule"),
      payload: { local: localDaysAhead(2) },
      headers: { "accept-language": "fr" },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: "approval_required",
      message: expect.stringContaining("exige une validation"),
    });
    expect((await a.reviewer.post(url(p.id, "approve"), {})).json().error.code).toBe("post_not_in_review");

    expect((await a.editor.post(url(p.id, "submit"))).json().status).toBe("in_review");
    expect((await a.editor.post(url(p.id, "submit"))).statusCode).toBe(409);
    for (const who of [a.reviewer, a.manager, a.owner]) {
      const n = await notificationsOf(t, who.user.id);
      expect(n.some((x) => x.kind === "approval_requested" && (x.data as { postId: string }).postId === p.id)).toBe(
        true,
      );
    }
    expect((await notificationsOf(t, a.editor.user.id)).some((x) => x.kind === "approval_requested")).toBe(false);
    expect((await notificationsOf(t, b.reviewer.user.id)).length).toBe(0);

    const changes = await a.reviewer.post(url(p.id, "request-changes"), { comment: "Précisez l'horaire, svp 🙏" });
    expect(changes.json()).toMatchObject({ status: "changes_requested", commentsCount: 1 });
    const comments = (await a.viewer.get(url(p.id, "comments"))).json();
    expect(comments).toEqual([
      expect.objectContaining({
        kind: "changes_requested",
        body: "Précisez l'horaire, svp 🙏",
        authorName: "wa reviewer",
      }),
    ]);
    const toAuthor = await notificationsOf(t, a.editor.user.id);
    expect(toAuthor.find((x) => x.kind === "changes_requested")?.data).toMatchObject({
      postId: p.id,
      reason: "Précisez l'horaire, svp 🙏",
    });

    const edited = await a.editor.patch(url(p.id), {
      version: changes.json().version,
      body: "Nuit des musées 🌙 : 19 h – minuit",
    });
    expect(edited.json().status).toBe("changes_requested");
    await a.editor.post(url(p.id, "submit"));
    // The author, an editor, cannot approve their own post; another editor can.
    const self = await a.editor.post(url(p.id, "approve"), {});
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe("self_approval");
    const approved = await a.editor2.post(url(p.id, "approve"), { comment: "OK pour moi ✅" });
    expect(approved.json()).toMatchObject({ status: "approved" });
    expect((await notificationsOf(t, a.editor.user.id)).some((x) => x.kind === "post_approved")).toBe(true);
    expect((await a.reviewer.post(url(p.id, "approve"), {})).statusCode).toBe(409);

    const sched = await a.editor.post(url(p.id, "schedule"), { local: localDaysAhead(5) });
    expect(sched.json().post.status).toBe("scheduled");
    const locked = await a.editor.patch(url(p.id), { version: sched.json().post.version, body: "trop tard" });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error.code).toBe("post_locked");
    // Tags may still change on a scheduled post.
    const tag = (await a.editor.post(`${a.base}/tags`, { name: "Nuit" })).json();
    const tagged = await a.editor.patch(url(p.id), { version: sched.json().post.version, tagIds: [tag.id] });
    expect(tagged.json()).toMatchObject({ status: "scheduled", tags: [{ name: "Nuit" }] });
    expect((await a.editor.post(url(p.id, "submit"))).statusCode).toBe(409);

    const back = await a.editor.post(url(p.id, "unschedule"));
    expect(back.json().status).toBe("approved");
    // Sending the same content back changes nothing; changing it sends the post back to draft.
    const same = await a.editor.patch(url(p.id), { version: back.json().version, body: back.json().body });
    expect(same.json().status).toBe("approved");
    const changed = await a.editor.patch(url(p.id), { version: same.json().version, body: "Nouveau texte" });
    expect(changed.json().status).toBe("draft");

    const trail = (await a.viewer.get(url(p.id, "events")))
      .json()
      .filter((e: { targetId: string | null }) => !e.targetId);
    expect(trail.map((e: { fromStatus: string | null; toStatus: string }) => `${e.fromStatus}→${e.toStatus}`)).toEqual([
      "null→draft",
      "draft→in_review",
      "in_review→changes_requested",
      "changes_requested→changes_requested",
      "changes_requested→in_review",
      "in_review→approved",
      "approved→scheduled",
      "scheduled→scheduled",
      "scheduled→approved",
      "approved→approved",
      "approved→draft",
    ]);
    expect(trail.at(-1)).toMatchObject({
      actorUserId: a.editor.user.id,
      detail: { reason: "approved_content_changed" },
    });
    expect(trail[5]).toMatchObject({ actorLabel: "wa editor2", detail: { comment: "OK pour moi ✅" } });
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "actor_user_id"])
      .where("target_id", "=", p.id)
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: "post.changes_requested", actor_user_id: a.reviewer.user.id },
        { action: "post.approved", actor_user_id: a.editor2.user.id },
      ]),
    );
  });

  it("lets a manager approve their own post", async () => {
    const p = await draft(a.manager);
    await a.manager.post(url(p.id, "submit"));
    expect((await a.manager.post(url(p.id, "approve"), {})).json().status).toBe("approved");
  });
});

describe("roles", () => {
  it("viewer reads only; reviewer comments and decides but does not write; 404 across workspaces", async () => {
    const p = await draft();
    const writes: Array<[string, string, unknown]> = [
      ["PATCH", url(p.id), { version: 1, body: "x" }],
      ["DELETE", url(p.id), undefined],
      ["POST", url(p.id, "submit"), undefined],
      ["POST", url(p.id, "schedule"), { local: localDaysAhead(1) }],
      ["POST", url(p.id, "approval-links"), { expiresInDays: 3 }],
      ["POST", `${a.base}/posts`, { targets: [] }],
      ["POST", `${a.base}/tags`, { name: "Interdit" }],
    ];
    for (const who of [a.viewer, a.reviewer]) {
      for (const [method, u, payload] of writes) {
        const res = await who.request({ method: method as never, url: u, payload: payload as never });
        expect({ u, method, status: res.statusCode }).toEqual({ u, method, status: 403 });
      }
    }
    for (const [u, payload] of [
      [url(p.id, "comments"), { body: "Avis" }],
      [url(p.id, "approve"), {}],
      [url(p.id, "request-changes"), { comment: "Non" }],
    ] as const) {
      expect((await a.viewer.post(u, payload)).statusCode).toBe(403);
    }
    const note = await a.reviewer.post(url(p.id, "comments"), { body: "Joli visuel 😍" });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ kind: "comment", authorUserId: a.reviewer.user.id });
    expect((await a.viewer.get(url(p.id))).json().commentsCount).toBe(1);

    await a.editor.post(url(p.id, "submit"));
    expect((await a.reviewer.post(url(p.id, "approve"), {})).json().status).toBe("approved");

    for (const u of [url(p.id), url(p.id, "comments"), url(p.id, "events")]) {
      expect((await b.owner.get(u.replace(a.workspaceId, b.workspaceId))).statusCode).toBe(404);
      expect((await b.owner.get(u)).statusCode).toBe(404);
    }
    expect((await b.owner.post(`${b.base}/posts/${p.id}/approve`, {})).statusCode).toBe(404);
  });
});

describe("concurrency", () => {
  it("two approvals at once: one wins, the other gets 409, and the trail has one decision", async () => {
    const p = await draft();
    await a.editor.post(url(p.id, "submit"));
    const results = await Promise.all([
      a.reviewer.post(url(p.id, "approve"), { comment: "Oui" }),
      a.owner.post(url(p.id, "approve"), { comment: "Oui aussi" }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)?.json().error.code).toBe("post_not_in_review");
    // The loser's comment was rolled back with its decision.
    expect((await a.viewer.get(url(p.id, "comments"))).json()).toHaveLength(1);
    const decisions = (await a.viewer.get(url(p.id, "events")))
      .json()
      .filter((e: { fromStatus: string }) => e.fromStatus === "in_review");
    expect(decisions).toHaveLength(1);
  });

  it("two edits at the same version: exactly one is saved", async () => {
    const p = await draft();
    const results = await Promise.all(
      ["Version A ✍️", "Version B ✍️"].map((body) => a.editor.patch(url(p.id), { version: p.version, body })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const saved = (await a.viewer.get(url(p.id))).json();
    expect(saved.version).toBe(p.version + 1);
    expect(saved.body).toBe(results.find((r) => r.statusCode === 200)?.json().body);
  });
});
