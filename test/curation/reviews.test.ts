import { type ParsedMail, simpleParser } from "mailparser";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, type Mailer } from "../../src/lib/mailer.js";
import { runDueSchedules } from "../../src/modules/curation/review-schedule.service.js";
import { nextWeekly, weekBefore } from "../../src/modules/curation/weekly.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";

/**
 * Press reviews end to end on the server side: built from a topic and a period, edited, exported as
 * Markdown, e-mailed through a real SMTP server (smtp-server + mailparser: both parts checked), published
 * as a page, and the weekly schedule sent exactly once per period whatever runs twice.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let topicId: string;
const entry: Record<string, string> = {};
const received: ParsedMail[] = [];
let smtp: SMTPServer;
let smtpUrl: string;
let goodMailer: Mailer;

const XSS = `<script>alert(1)</script>`;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          received.push(m);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
  goodMailer = createMailer({ smtpUrl, mailFrom: "Relais <relais@agence.fr>" }, pino({ level: "silent" }));
  t = await createTestApp({ mailer: goodMailer });
  owner = await signUp(t, "camille@agence.fr");
  ws = await createWorkspace(owner, "Musée des Confluences");
  topicId = (await owner.post(`/api/workspaces/${ws}/topics`, { name: "Revue culture" })).json().id;
  const save = async (key: string, body: Record<string, unknown>, createdAt: string) => {
    const r = await owner.post(`/api/workspaces/${ws}/topics/${topicId}/entries`, body);
    expect(r.statusCode, r.body).toBe(201);
    entry[key] = r.json().id;
    await t.ctx.db
      .updateTable("curation_entries")
      .set({ created_at: new Date(createdAt) })
      .where("id", "=", r.json().id)
      .execute();
  };
  await save(
    "expo",
    {
      url: "https://presse.example/expo",
      title: "Expo « Lumières du Nord » : *succès* [critique]",
      description: "Le public est au rendez-vous.",
      imageUrl: "https://presse.example/expo.jpg",
      insight: `Très bon papier 👏 ${XSS}`,
    },
    "2026-11-17T10:00:00Z",
  );
  await save(
    "nuit",
    { url: "https://radio.example/nuit", title: "La Nuit des musées", insight: "À relayer vendredi." },
    "2026-11-19T15:00:00Z",
  );
  await save("old", { url: "https://old.example/", title: "Hors période" }, "2026-11-01T10:00:00Z");
});
afterAll(async () => {
  await t?.close();
  goodMailer?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const base = () => `/api/workspaces/${ws}`;
const period = { from: "2026-11-16T00:00:00+01:00", to: "2026-11-23T00:00:00+01:00" };

async function waitForMail(count: number) {
  const deadline = Date.now() + 10_000;
  while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(received.length).toBe(count);
}

describe("building and editing", () => {
  it("takes the topic's entries saved in the period, in the topic's order, with their insight as comment", async () => {
    const res = await owner.post(`${base()}/reviews`, { topicId, ...period, intro: "Bonjour à toutes et à tous," });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ title: "Revue de presse — Revue culture", status: "draft", scheduled: false });
    expect(r.items.map((i: { title: string }) => i.title)).toEqual([
      "La Nuit des musées",
      "Expo « Lumières du Nord » : *succès* [critique]",
    ]);
    expect(r.items[1].comment).toBe(`Très bon papier 👏 ${XSS}`);
  });

  it("edits order, comments, title and intro; refuses an entry of another topic; 409 once sent", async () => {
    const r = (await owner.post(`${base()}/reviews`, { topicId, ...period })).json();
    const patched = await owner.patch(`${base()}/reviews/${r.id}`, {
      title: "Revue n°12 — semaine du 16 novembre",
      intro: "Cette semaine : deux articles.",
      items: [
        { entryId: entry.expo, comment: "À lire en priorité." },
        { entryId: entry.nuit, comment: "" },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().items.map((i: { entryId: string; comment: string }) => [i.entryId, i.comment])).toEqual([
      [entry.expo, "À lire en priorité."],
      [entry.nuit, ""],
    ]);
    // Re-adding an entry of the topic outside the period is allowed; an unknown one is not.
    const readd = await owner.patch(`${base()}/reviews/${r.id}`, {
      items: [{ entryId: entry.old, comment: "Rappel" }],
    });
    expect(readd.json().items).toHaveLength(1);
    const bad = await owner.patch(`${base()}/reviews/${r.id}`, {
      items: [{ entryId: "00000000-0000-4000-8000-000000000000", comment: "" }],
    });
    expect(bad.statusCode).toBe(400);
    expect((await owner.get(`${base()}/reviews/${r.id}`)).json().items[0].comment).toBe("Rappel");
  });

  it("exports Markdown with text escaped and links intact", async () => {
    const r = (
      await owner.post(`${base()}/reviews`, { topicId, ...period, intro: "# Pas un titre\n1. pas une liste" })
    ).json();
    const out = (await owner.get(`${base()}/reviews/${r.id}/render`)).json();
    expect(out.markdown).toBe(
      [
        "# Revue de presse — Revue culture",
        "",
        "*Musée des Confluences · Du 16 novembre 2026 au 22 novembre 2026*",
        "",
        "\\# Pas un titre",
        "1\\. pas une liste",
        "",
        "## 1. [La Nuit des musées](https://radio.example/nuit)",
        "",
        "*radio.example*",
        "",
        "À relayer vendredi.",
        "",
        "## 2. [Expo « Lumières du Nord » : \\*succès\\* \\[critique\\]](https://presse.example/expo)",
        "",
        "![](https://presse.example/expo.jpg)",
        "",
        "*presse.example*",
        "",
        "Très bon papier 👏 \\<script\\>alert(1)\\</script\\>",
        "",
        "> Le public est au rendez-vous.",
        "",
      ].join("\n"),
    );
  });
});

describe("sending by e-mail", () => {
  let reviewId: string;

  it("a test goes to the given address with [TEST] and leaves the review a draft", async () => {
    reviewId = (await owner.post(`${base()}/reviews`, { topicId, ...period, intro: "Bonne lecture !" })).json().id;
    const res = await owner.post(`${base()}/reviews/${reviewId}/send`, { recipients: ["moi@agence.fr"], test: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe("draft");
    await waitForMail(1);
    expect(received[0]?.subject).toBe("[TEST] Revue de presse — Revue culture");
  });

  it("sends one message per recipient with a correct HTML part and plain-text part", async () => {
    const res = await owner.post(`${base()}/reviews/${reviewId}/send`, {
      recipients: ["Direction@Marque.fr", "com@marque.fr", "direction@marque.fr"],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "sent", recipients: ["direction@marque.fr", "com@marque.fr"] });
    await waitForMail(3);
    const mails = received.slice(1);
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(["com@marque.fr", "direction@marque.fr"]);
    const m = mails[0] as ParsedMail;
    expect(m.subject).toBe("Revue de presse — Revue culture");
    expect(m.from?.text).toContain("relais@agence.fr");
    // Plain text: readable alone, numbered, with the addresses.
    expect(m.text).toContain("Revue de presse — Revue culture");
    expect(m.text).toContain("Bonne lecture !");
    expect(m.text).toContain("1. La Nuit des musées");
    expect(m.text).toContain("   Lire l'article\u00a0: https://radio.example/nuit");
    expect(m.text).toContain("2. Expo « Lumières du Nord » : *succès* [critique]");
    expect(m.text).toContain(`   Très bon papier 👏 ${XSS}`);
    expect(m.text).toContain("   « Le public est au rendez-vous. »");
    expect(m.text).not.toMatch(/<(table|p|a) /);
    // HTML: inline styles only, no script, the comment escaped, images with a width.
    const html = m.html as string;
    expect(html).not.toMatch(/<style|<script/i);
    expect(html).toContain("Très bon papier 👏 &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<img src="https://presse.example/expo.jpg" width="560"');
    expect(html).toMatch(/<a href="https:\/\/radio\.example\/nuit" style="color:#1c7ed6[^"]*">La Nuit des musées<\/a>/);
    expect(html).toContain('<table role="presentation" width="600"');
    expect(html.indexOf("La Nuit des musées")).toBeLessThan(html.indexOf("Lumières du Nord"));
  });

  it("never sends the same review twice: a second send is 409 and mails nothing; edits are refused", async () => {
    const again = await owner.post(`${base()}/reviews/${reviewId}/send`, { recipients: ["autre@marque.fr"] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(
      "Cette revue de presse a déjà été envoyée : envoyez-vous un test, ou créez-en une nouvelle.",
    );
    const edit = await owner.patch(`${base()}/reviews/${reviewId}`, { intro: "trop tard" });
    expect(edit.statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(3);
    const history = (await owner.get(`${base()}/reviews`)).json();
    expect(history.find((h: { id: string }) => h.id === reviewId)).toMatchObject({ status: "sent", itemCount: 2 });
  });

  it("two simultaneous sends of one review: exactly one goes out", async () => {
    const id = (await owner.post(`${base()}/reviews`, { topicId, ...period })).json().id;
    const before = received.length;
    const results = await Promise.all(
      [1, 2, 3].map(() => owner.post(`${base()}/reviews/${id}/send`, { recipients: ["double@marque.fr"] })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    await waitForMail(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(before + 1);
  });

  it("an SMTP failure marks the review failed with the error; it can be sent again", async () => {
    const id = (await owner.post(`${base()}/reviews`, { topicId, ...period })).json().id;
    t.ctx.mailer = createMailer(
      { smtpUrl: "smtp://127.0.0.1:9", mailFrom: "relais@agence.fr" },
      pino({ level: "silent" }),
    );
    try {
      const res = await owner.post(`${base()}/reviews/${id}/send`, { recipients: ["x@marque.fr"] });
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe("failed");
      expect(res.json().sendError).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      t.ctx.mailer = goodMailer;
    }
    const before = received.length;
    const retry = await owner.post(`${base()}/reviews/${id}/send`, { recipients: ["x@marque.fr"] });
    expect(retry.json().status).toBe("sent");
    await waitForMail(before + 1);
  });

  it("an empty review is refused with a clear message", async () => {
    const id = (
      await owner.post(`${base()}/reviews`, { topicId, from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" })
    ).json().id;
    const res = await owner.request({
      method: "POST",
      url: `${base()}/reviews/${id}/send`,
      payload: { recipients: ["x@marque.fr"] },
      headers: { "accept-language": "en" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      "This press review has no articles: widen the period or add links to the topic.",
    );
  });
});

describe("public page of a review", () => {
  it("publishes at an unguessable URL and withdraws it", async () => {
    const id = (await owner.post(`${base()}/reviews`, { topicId, ...period })).json().id;
    const pub = (await owner.post(`${base()}/reviews/${id}/publish`)).json();
    expect(pub.publicUrl).toMatch(/\/api\/public\/reviews\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(pub.publicUrl).pathname;
    const page = await t.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("La Nuit des musées");
    expect(page.body).not.toContain("<script>");
    expect((await owner.post(`${base()}/reviews/${id}/publish`)).json().publicUrl).toBe(pub.publicUrl);
    await owner.delete(`${base()}/reviews/${id}/publish`);
    expect((await t.app.inject({ url: path })).statusCode).toBe(404);
  });
});

describe("weekly schedule", () => {
  it("computes the next send in the workspace's zone, across daylight-saving changes", () => {
    // Friday 08:00 Paris: before the change (CEST, UTC+2) and after it (CET, UTC+1).
    expect(nextWeekly(5, "08:00", "Europe/Paris", new Date("2026-10-20T12:00:00Z")).toISOString()).toBe(
      "2026-10-23T06:00:00.000Z",
    );
    expect(nextWeekly(5, "08:00", "Europe/Paris", new Date("2026-10-23T06:00:00Z")).toISOString()).toBe(
      "2026-10-30T07:00:00.000Z",
    );
    // Sunday after Friday; the same day once the time has passed → next week.
    expect(nextWeekly(7, "18:30", "Europe/Paris", new Date("2026-11-20T10:00:00Z")).toISOString()).toBe(
      "2026-11-22T17:30:00.000Z",
    );
    const week = weekBefore(new Date("2026-10-30T07:00:00Z"), "Europe/Paris");
    expect(week.start.toISOString()).toBe("2026-10-23T06:00:00.000Z");
  });

  it("sends each week's review once, whatever runs twice or at the same time", async () => {
    const put = await owner.request({
      method: "PUT",
      url: `${base()}/topics/${topicId}/review-schedule`,
      payload: {
        weekday: 1,
        time: "08:00",
        recipients: ["hebdo@marque.fr"],
        title: "La revue du lundi ☕",
        intro: "Bonne semaine !",
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ weekday: 1, time: "08:00", timezone: "Europe/Paris", enabled: true });
    // Pretend the schedule is due on Monday 23 November 2026, 08:00 Paris.
    const due = new Date("2026-11-23T07:00:00Z");
    await t.ctx.db.updateTable("press_review_schedules").set({ next_run_at: due }).execute();
    const before = received.length;
    const now = new Date("2026-11-23T07:00:30Z");
    const runs = await Promise.all([runDueSchedules(t.ctx, now), runDueSchedules(t.ctx, now)]);
    expect(runs.reduce((n, r) => n + r.created, 0)).toBe(1);
    expect(await runDueSchedules(t.ctx, now)).toEqual({ created: 0, sent: 0 });
    await waitForMail(before + 1);
    const mail = received[before] as ParsedMail;
    expect(mail.subject).toBe("La revue du lundi ☕");
    expect(mail.text).toContain("Du 16 novembre 2026 au 23 novembre 2026");
    expect(mail.text).toContain("La Nuit des musées");
    expect(mail.text).not.toContain("Hors période");
    // The advance to next week was lost (a crash, a restored backup): the period guard still holds.
    await t.ctx.db.updateTable("press_review_schedules").set({ next_run_at: due }).execute();
    expect((await runDueSchedules(t.ctx, now)).created).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(before + 1);
    const schedule = (await owner.get(`${base()}/topics/${topicId}/review-schedule`)).json();
    expect(schedule.nextRunAt).toBe("2026-11-30T07:00:00.000Z");
    const history = (await owner.get(`${base()}/reviews`)).json();
    expect(history.filter((h: { scheduled: boolean }) => h.scheduled)).toEqual([
      expect.objectContaining({ status: "sent", recipients: ["hebdo@marque.fr"], itemCount: 2 }),
    ]);
  });

  it("an empty week is recorded as failed (nothing mailed) and the schedule moves on", async () => {
    const due = new Date("2027-01-04T07:00:00Z");
    await t.ctx.db.updateTable("press_review_schedules").set({ next_run_at: due }).execute();
    const before = received.length;
    await runDueSchedules(t.ctx, new Date("2027-01-04T07:01:00Z"));
    const latest = (await owner.get(`${base()}/reviews`)).json()[0];
    expect(latest).toMatchObject({ scheduled: true, status: "failed", sendError: "review_empty", itemCount: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(before);
    expect((await owner.get(`${base()}/topics/${topicId}/review-schedule`)).json().nextRunAt).toBe(
      "2027-01-11T07:00:00.000Z",
    );
  });
});

describe("unhappy paths", () => {
  it("a scheduled review left unsent by a crash is sent by the next tick, once", async () => {
    const schedule = await t.ctx.db
      .selectFrom("press_review_schedules")
      .select(["id", "workspace_id", "topic_id"])
      .executeTakeFirstOrThrow();
    // The crash: the review was created for its period, the process died before sending it.
    await t.ctx.db
      .insertInto("press_reviews")
      .values({
        workspace_id: schedule.workspace_id,
        topic_id: schedule.topic_id,
        schedule_id: schedule.id,
        title: "Revue reprise après redémarrage",
        period_start: new Date("2026-11-10T07:00:00Z"),
        period_end: new Date("2026-11-17T07:00:00Z"),
        items: JSON.stringify([
          {
            entryId: entry.expo,
            url: "https://presse.example/expo",
            title: "Expo",
            description: "",
            imageUrl: null,
            source: "presse.example",
            comment: "",
          },
        ]),
      })
      .execute();
    const before = received.length;
    const far = new Date("2026-11-17T07:05:00Z"); // the schedule itself is not due then
    expect((await runDueSchedules(t.ctx, far)).sent).toBe(1);
    expect((await runDueSchedules(t.ctx, far)).sent).toBe(0);
    await waitForMail(before + 1);
    expect(received[before]?.subject).toBe("Revue reprise après redémarrage");
  });

  it("without SMTP a send is refused with a clear message, and a scheduled one is recorded as such", async () => {
    const id = (await owner.post(`${base()}/reviews`, { topicId, ...period })).json().id;
    t.ctx.mailer = { enabled: false, async send() {}, close() {} };
    try {
      const res = await owner.post(`${base()}/reviews/${id}/send`, { recipients: ["x@marque.fr"] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toBe("L'envoi d'e-mails n'est pas configuré sur ce serveur (RELAIS_SMTP_URL).");
      expect((await owner.get(`${base()}/reviews/${id}`)).json().status).toBe("draft");
    } finally {
      t.ctx.mailer = goodMailer;
    }
  });

  it("link previews go through the SSRF guard: a loopback page is refused, an entry still saves with the reason", async () => {
    const res = await owner.post(`${base()}/link-preview`, { url: "http://127.0.0.1:8080/admin" });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toBe(
      "La page « http://127.0.0.1:8080/admin » n'a pas pu être lue (adresse interne refusée).",
    );
    const saved = await owner.post(`${base()}/topics/${topicId}/entries`, {
      url: "http://169.254.169.254/latest/meta-data",
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toMatchObject({
      fetchError: "blocked_address",
      title: "http://169.254.169.254/latest/meta-data",
    });
  });

  it("a viewer reads topics and reviews but cannot change them", async () => {
    const viewer = await signUp(t, "stagiaire@agence.fr");
    await t.ctx.db
      .insertInto("memberships")
      .values({ workspace_id: ws, user_id: viewer.user.id, role: "viewer" })
      .execute();
    expect((await viewer.get(`${base()}/topics`)).statusCode).toBe(200);
    expect((await viewer.get(`${base()}/reviews`)).statusCode).toBe(200);
    for (const res of [
      await viewer.post(`${base()}/topics`, { name: "Pas le droit" }),
      await viewer.post(`${base()}/topics/${topicId}/entries`, { url: "https://x.example/", title: "x" }),
      await viewer.post(`${base()}/reviews`, { topicId, ...period }),
      await viewer.request({
        method: "PUT",
        url: `${base()}/topics/${topicId}/review-schedule`,
        payload: { weekday: 1, time: "08:00", recipients: ["a@b.fr"], title: "x" },
      }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("forbidden");
    }
  });
});
