import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createMailer } from "../../src/lib/mailer.js";
import {
  classifySmtpError,
  classifyWebhookResponse,
  DELIVERY,
  nextAttemptAt,
  parseRetryAfter,
  runDueDeliveries,
} from "../../src/modules/veille/alerts/alerts.delivery.js";
import { runDueDigests } from "../../src/modules/veille/alerts/alerts.engine.js";
import { deliveryFailureText } from "../../src/modules/veille/alerts/alerts.messages.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { databaseBefore, type Inbox, ingest, rss, startSmtp } from "./alerts-helpers.js";

/**
 * The delivery outbox of alert notifications: a real SMTP server that refuses on cue (451, 550), a loopback
 * webhook receiver (503, 429, 410, dropped connections), a delivery left `sending` by a killed process, two
 * workers at once, and a digest retried. Time moves by passing `now` to runDueDeliveries.
 */
let t: TestApp;
let smtp: Inbox;
let rx: WebhookReceiver;
let owner: Caller;
let ws: string;

beforeAll(async () => {
  smtp = await startSmtp();
  rx = await startWebhookReceiver();
  t = await createTestApp({
    config: { allowPrivateNetwork: true, publicUrl: "https://relais.exemple.fr" },
    mailer: createMailer({ smtpUrl: smtp.url, mailFrom: "Relais <relais@exemple.fr>" }, pino({ level: "silent" })),
  });
  owner = await signUp(t, "livraison@agence.fr", { name: "Lou Livraison" });
  ws = await createWorkspace(owner, "Boulangerie Martin");
});
afterAll(async () => {
  t?.ctx.mailer.close();
  await t?.close();
  await smtp?.close();
  await rx?.close();
});
beforeEach(() => rx.reset());

let seq = 0;
/** Creates an alert on a word of its own and ingests one item with it: the alert's deliveries are written. */
async function alertWithMatch(body: Record<string, unknown>) {
  const word = `croissant${++seq}`;
  const res = await owner.post(`/api/workspaces/${ws}/alerts`, { name: `Alerte ${seq}`, query: word, ...body });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json() as { alert: { id: string }; webhookSecret: string | null };
  await ingest(
    t,
    ws,
    `https://boulange.exemple.fr/feed${seq}`,
    rss("La Gazette du Pain", [
      { guid: `g${seq}`, title: `Le ${word} de l'année 🥐`, description: "Beurre & levain." },
    ]),
  );
  return { id: created.alert.id, secret: created.webhookSecret };
}

const deliveriesOf = (alertId: string) =>
  t.ctx.db.selectFrom("alert_deliveries").selectAll().where("alert_id", "=", alertId).orderBy("channel").execute();

const alertError = async (alertId: string) =>
  (await t.ctx.db.selectFrom("alerts").select("last_error").where("id", "=", alertId).executeTakeFirstOrThrow())
    .last_error;

/** A moment after the delivery's next attempt is due. */
const dueAfter = (d: { next_attempt_at: Date }) => new Date(d.next_attempt_at.getTime() + 1000);

describe("e-mail", () => {
  it("a 451 is retried with backoff: the e-mail arrives exactly once, with the same Message-ID", async () => {
    smtp.refuseNext({ code: 451, message: "4.3.0 Greylisted, try again later" });
    const before = smtp.messages.length;
    const refusedBefore = smtp.refused.length;
    const alert = await alertWithMatch({ emailMode: "immediate", emailRecipients: ["chef@boulangerie.fr"] });
    const [d] = await deliveriesOf(alert.id);
    expect(d).toMatchObject({ channel: "email", recipient: "chef@boulangerie.fr", status: "pending", attempts: 1 });
    expect(d!.last_error).toContain("451");
    const delay = d!.next_attempt_at.getTime() - d!.updated_at.getTime();
    expect(delay).toBeGreaterThanOrEqual(DELIVERY.baseDelayMs - 1000);
    expect(delay).toBeLessThanOrEqual(DELIVERY.baseDelayMs + 1000);
    expect(smtp.messages.length).toBe(before);
    expect(await alertError(alert.id)).toBeNull();

    // Not due yet: nothing happens.
    expect((await runDueDeliveries(t.ctx)).sent).toBe(0);
    const run = await runDueDeliveries(t.ctx, { now: dueAfter(d!) });
    expect(run).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
    const mails = await smtp.waitFor(before + 1);
    expect(mails.slice(before)).toHaveLength(1);
    const mail = mails[before]!;
    expect(mail.subject).toMatch(/^Alerte « Alerte \d+ » : 1 nouveau résultat$/);
    expect(mail.messageId).toBe(`<alert-${d!.id}@relais.exemple.fr>`);
    // The refused attempt carried the same Message-ID: a receiver can tell a repeat.
    expect(smtp.refused.slice(refusedBefore).map((m) => m.messageId)).toEqual([mail.messageId]);
    const [after] = await deliveriesOf(alert.id);
    expect(after).toMatchObject({ status: "sent", attempts: 2, last_error: null, lease_until: null });
    // Nothing more, ever.
    await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 3 * 3_600_000) });
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(before + 1);
  });

  it("a 550 fails at once, with the reason on the alert in the workspace's language", async () => {
    smtp.refuseNext({ code: 550, message: "5.1.1 <inconnu@boulangerie.fr>: mailbox unavailable", phase: "rcpt" });
    const before = smtp.messages.length;
    const alert = await alertWithMatch({ emailMode: "immediate", emailRecipients: ["inconnu@boulangerie.fr"] });
    const [d] = await deliveriesOf(alert.id);
    expect(d).toMatchObject({ status: "failed", attempts: 1 });
    expect(d!.last_error).toContain("550 5.1.1");
    const error = await alertError(alert.id);
    expect(error).toMatch(/^E-mail à inconnu@boulangerie\.fr non remis : refusé définitivement \(.*550 5\.1\.1/);
    await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 3 * 3_600_000) });
    expect(smtp.messages.length).toBe(before);
    expect((await deliveriesOf(alert.id))[0]!.attempts).toBe(1);
  });

  it("one recipient refused does not hold back the others (one delivery each)", async () => {
    smtp.refuseNext({
      code: 550,
      message: "5.1.1 no such user",
      phase: "rcpt",
      recipient: "a-inconnu@boulangerie.fr",
    });
    const before = smtp.messages.length;
    const alert = await alertWithMatch({
      emailMode: "immediate",
      emailRecipients: ["a-inconnu@boulangerie.fr", "b-chef@boulangerie.fr"],
    });
    const rows = await deliveriesOf(alert.id);
    expect(rows.map((r) => [r.recipient, r.status]).sort()).toEqual([
      ["a-inconnu@boulangerie.fr", "failed"],
      ["b-chef@boulangerie.fr", "sent"],
    ]);
    await smtp.waitFor(before + 1);
  });

  it("a recipient removed while a retry is pending is not written to", async () => {
    smtp.refuseNext({ code: 421, message: "4.7.0 Too many connections" });
    const alert = await alertWithMatch({ emailMode: "immediate", emailRecipients: ["parti@boulangerie.fr"] });
    const [d] = await deliveriesOf(alert.id);
    expect(d!.status).toBe("pending");
    const res = await owner.patch(`/api/workspaces/${ws}/alerts/${alert.id}`, {
      emailRecipients: ["reste@boulangerie.fr"],
    });
    expect(res.statusCode, res.body).toBe(200);
    const before = smtp.messages.length;
    expect((await runDueDeliveries(t.ctx, { now: dueAfter(d!) })).cancelled).toBe(1);
    expect(smtp.messages.length).toBe(before);
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "cancelled" });
    expect(await alertError(alert.id)).toBeNull();
  });

  it("without SMTP configured the delivery fails and the alert says why", async () => {
    const real = t.ctx.mailer;
    t.ctx.mailer = createMailer({ smtpUrl: undefined, mailFrom: "x@y.z" } as never, pino({ level: "silent" }));
    try {
      const alert = await alertWithMatch({ emailMode: "immediate", emailRecipients: ["chef@boulangerie.fr"] });
      expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "failed" });
      expect(await alertError(alert.id)).toContain("aucun serveur SMTP n'est configuré");
    } finally {
      t.ctx.mailer = real;
    }
  });
});

describe("webhook", () => {
  it("503 then 200: delivered once, with the same Idempotency-Key and X-Relais-Delivery both times", async () => {
    rx.respondNext({ status: 503, body: "upstream down" });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    const [d] = await deliveriesOf(alert.id);
    expect(d).toMatchObject({
      channel: "webhook",
      status: "pending",
      attempts: 1,
      last_error: "HTTP 503: upstream down",
    });
    await runDueDeliveries(t.ctx, { now: dueAfter(d!) });
    expect(rx.requests).toHaveLength(2);
    for (const req of rx.requests) {
      expect(req.headers["idempotency-key"]).toBe(d!.id);
      expect(req.headers["x-relais-delivery"]).toBe(d!.id);
      expect(rx.verify(req, alert.secret!)).toBe(true);
      expect((req.json as { deliveryId: string }).deliveryId).toBe(d!.id);
    }
    // The same body both times (the signature's timestamp is per attempt).
    expect(rx.requests[1]!.body).toBe(rx.requests[0]!.body);
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "sent", attempts: 2 });
    await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 3 * 3_600_000) });
    expect(rx.requests).toHaveLength(2);
  });

  it("429 waits for Retry-After; a dropped connection is retried too", async () => {
    rx.respondNext({ status: 429, headers: { "retry-after": "600" } }, { drop: true });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    const [d] = await deliveriesOf(alert.id);
    expect(d!.status).toBe("pending");
    const wait = d!.next_attempt_at.getTime() - d!.updated_at.getTime();
    expect(wait).toBeGreaterThanOrEqual(599_000);
    expect(wait).toBeLessThanOrEqual(601_000);
    // Two minutes later (when the backoff alone would have retried): still waiting.
    expect((await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 120_000) })).sent).toBe(0);
    expect(rx.requests).toHaveLength(1);
    await runDueDeliveries(t.ctx, { now: dueAfter(d!) });
    const [d2] = await deliveriesOf(alert.id);
    expect(d2).toMatchObject({ status: "pending", attempts: 2 });
    expect(d2!.last_error).toMatch(/^network: /);
    await runDueDeliveries(t.ctx, { now: dueAfter(d2!) });
    expect(rx.requests).toHaveLength(3);
    expect(new Set(rx.requests.map((r) => r.headers["idempotency-key"]))).toEqual(new Set([d!.id]));
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("410 fails at once, with the reason on the alert", async () => {
    rx.respondNext({ status: 410, body: { error: "hook deleted" } });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(await alertError(alert.id)).toBe(
      'Webhook non remis : refusé définitivement (HTTP 410: {"error":"hook deleted"})',
    );
    await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 3 * 3_600_000) });
    expect(rx.requests).toHaveLength(1);
  });

  it("an answer larger than Relais reads still counts by its status", async () => {
    rx.respondNext({ status: 200, body: "x".repeat(100_000) });
    const ok = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    expect((await deliveriesOf(ok.id))[0]).toMatchObject({ status: "sent", attempts: 1 });
    rx.respondNext({ status: 404, body: "y".repeat(100_000) });
    const gone = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    expect((await deliveriesOf(gone.id))[0]).toMatchObject({ status: "failed", last_error: "HTTP 404" });
  });

  it("transient failures until the last attempt: failed, and the alert says after how many", async () => {
    rx.respondWith({ status: 502 });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    const [d] = await deliveriesOf(alert.id);
    expect(d!.status).toBe("pending");
    // Fast-forward: this is the last attempt.
    await t.ctx.db
      .updateTable("alert_deliveries")
      .set({ attempts: DELIVERY.maxAttempts - 1 })
      .where("id", "=", d!.id)
      .execute();
    await runDueDeliveries(t.ctx, { now: dueAfter(d!) });
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "failed", attempts: DELIVERY.maxAttempts });
    expect(await alertError(alert.id)).toBe(`Webhook non remis après ${DELIVERY.maxAttempts} tentatives (HTTP 502)`);
  });

  it("a delivery left `sending` by a killed process is sent again once its lease expires, once", async () => {
    rx.respondNext({ status: 503 });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    const [d] = await deliveriesOf(alert.id);
    // The second attempt was claimed, then the process died before sending or recording anything.
    const claimedAt = dueAfter(d!);
    await t.ctx.db
      .updateTable("alert_deliveries")
      .set({
        status: "sending",
        attempts: 2,
        lease_until: new Date(claimedAt.getTime() + DELIVERY.leaseMs),
        updated_at: claimedAt,
      })
      .where("id", "=", d!.id)
      .execute();
    // Within the lease: left alone.
    expect(await runDueDeliveries(t.ctx, { now: new Date(claimedAt.getTime() + 60_000) })).toMatchObject({
      recovered: 0,
      sent: 0,
    });
    expect(rx.requests).toHaveLength(1);
    const later = new Date(claimedAt.getTime() + DELIVERY.leaseMs + 1000);
    expect(await runDueDeliveries(t.ctx, { now: later })).toMatchObject({ recovered: 1, sent: 1 });
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[1]!.headers["idempotency-key"]).toBe(d!.id);
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "sent", attempts: 3 });
    await runDueDeliveries(t.ctx, { now: new Date(later.getTime() + DELIVERY.leaseMs * 2) });
    expect(rx.requests).toHaveLength(2);
  });

  it("two workers running the job at once: one send", async () => {
    rx.respondNext({ status: 500 });
    const alert = await alertWithMatch({ webhookUrl: rx.url("/relais") });
    const [d] = await deliveriesOf(alert.id);
    // Slow answers widen the window in which the two runs overlap.
    rx.respondWith({ status: 200, body: { ok: true }, delayMs: 300 });
    const now = dueAfter(d!);
    const runs = await Promise.all([
      runDueDeliveries(t.ctx, { now }),
      runDueDeliveries(t.ctx, { now }),
      runDueDeliveries(t.ctx, { now }),
    ]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(rx.requests).toHaveLength(2);
    expect((await deliveriesOf(alert.id))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("digests", () => {
  it("a digest that fails transiently is retried and arrives once; the digest ends sent", async () => {
    const alert = await alertWithMatch({
      emailMode: "daily",
      digestTime: "07:00",
      emailRecipients: ["matin@boulangerie.fr"],
    });
    const row = await t.ctx.db.selectFrom("alerts").selectAll().where("id", "=", alert.id).executeTakeFirstOrThrow();
    const due = new Date(row.next_digest_at!.getTime() + 1000);
    smtp.refuseNext({ code: 452, message: "4.2.2 Mailbox full, try later" });
    const before = smtp.messages.length;
    expect(await runDueDigests(t.ctx, due)).toMatchObject({ created: 1, queued: 1 });
    expect(await runDueDeliveries(t.ctx, { now: due })).toMatchObject({ sent: 0, retrying: 1 });
    const [d] = await deliveriesOf(alert.id);
    expect(d).toMatchObject({ channel: "digest", status: "pending", attempts: 1 });
    const digest = () =>
      t.ctx.db.selectFrom("alert_digests").selectAll().where("alert_id", "=", alert.id).executeTakeFirstOrThrow();
    expect((await digest()).status).toBe("sending");
    expect(await runDueDeliveries(t.ctx, { now: dueAfter(d!) })).toMatchObject({ sent: 1 });
    const mails = await smtp.waitFor(before + 1);
    expect(mails.slice(before)).toHaveLength(1);
    expect(mails[before]!.subject).toMatch(/^Résumé du jour — alerte « Alerte \d+ » \(1 résultat\)$/);
    expect(mails[before]!.messageId).toBe(`<alert-${d!.id}@relais.exemple.fr>`);
    expect(await digest()).toMatchObject({ status: "sent", match_count: 1, error: null });
    expect((await digest()).sent_at).not.toBeNull();
    await runDueDeliveries(t.ctx, { now: new Date(Date.now() + 3 * 3_600_000) });
    expect(smtp.messages.length).toBe(before + 1);
  });
});

describe("upgrade", () => {
  it("digests the previous version left pending get one delivery per recipient (none lost)", async () => {
    const { target, db, wsId } = await databaseBefore("0011-alert-deliveries", "Fournil");
    try {
      const alert = async (name: string, recipients: string[]) =>
        (
          await sql<{ id: string }>`insert into alerts (workspace_id, name, query, email_mode, email_recipients)
            values (${wsId}, ${name}, 'pain', 'daily', ${JSON.stringify(recipients)}::jsonb) returning id`.execute(db)
        ).rows[0]!.id;
      const digest = async (alertId: string, status: string, count: number) =>
        (
          await sql<{ id: string }>`insert into alert_digests (workspace_id, alert_id, period_end, status, match_count)
            values (${wsId}, ${alertId}, now(), ${status}, ${count}) returning id`.execute(db)
        ).rows[0]!.id;
      const withTwo = await alert("Deux", ["a@fournil.fr", "b@fournil.fr"]);
      const pending = await digest(withTwo, "pending", 3);
      const sent = await digest(withTwo, "sent", 2);
      const nobody = await digest(await alert("Personne", []), "pending", 1);

      await migrateToLatest(target.database);
      const deliveries = await db
        .selectFrom("alert_deliveries")
        .select(["channel", "recipient", "digest_id", "status", "attempts"])
        .orderBy("recipient")
        .execute();
      expect(deliveries).toEqual([
        { channel: "digest", recipient: "a@fournil.fr", digest_id: pending, status: "pending", attempts: 0 },
        { channel: "digest", recipient: "b@fournil.fr", digest_id: pending, status: "pending", attempts: 0 },
      ]);
      const statuses = await db.selectFrom("alert_digests").select(["id", "status", "error"]).execute();
      expect(Object.fromEntries(statuses.map((d) => [d.id, [d.status, d.error]]))).toEqual({
        [pending]: ["sending", null],
        [sent]: ["sent", null],
        [nobody]: ["failed", "nothing to send"],
      });
    } finally {
      await target.close();
    }
  });
});

describe("classification and backoff", () => {
  it("SMTP: 5xx permanent, 4xx and connection errors transient", () => {
    expect(classifySmtpError(Object.assign(new Error("x"), { responseCode: 550, response: "550 5.1.1 nope" }))).toEqual(
      { permanent: true, reason: "550 5.1.1 nope" },
    );
    expect(classifySmtpError(Object.assign(new Error("x"), { responseCode: 451, response: "451 later" }))).toEqual({
      permanent: false,
      reason: "451 later",
    });
    expect(
      classifySmtpError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:25"), { code: "ESOCKET" })),
    ).toEqual({ permanent: false, reason: "ESOCKET: connect ECONNREFUSED 127.0.0.1:25" });
  });

  it("webhook answers: 2xx ok, 408/429/5xx transient with Retry-After, other 4xx and 3xx permanent", () => {
    const res = (status: number, headers: Record<string, string> = {}, body = "") => ({
      status,
      headers,
      text: () => body,
    });
    expect(classifyWebhookResponse(res(204))).toBeNull();
    expect(classifyWebhookResponse(res(408))).toEqual({ permanent: false, reason: "HTTP 408" });
    expect(classifyWebhookResponse(res(503, { "retry-after": "30" }))).toEqual({
      permanent: false,
      reason: "HTTP 503",
      retryAfterMs: 30_000,
    });
    const now = Date.parse("2026-11-22T06:00:00Z");
    expect(classifyWebhookResponse(res(429, { "retry-after": "Sun, 22 Nov 2026 06:02:00 GMT" }), now)).toEqual({
      permanent: false,
      reason: "HTTP 429",
      retryAfterMs: 120_000,
    });
    expect(classifyWebhookResponse(res(404, {}, "no\nsuch   hook"))).toEqual({
      permanent: true,
      reason: "HTTP 404: no such hook",
    });
    expect(classifyWebhookResponse(res(301))?.permanent).toBe(true);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("backoff doubles from one minute up to two hours, within the attempts and the age", () => {
    const created = new Date("2026-11-22T06:00:00Z");
    const delays = [1, 2, 3, 7, 8, 11].map(
      (n) => (nextAttemptAt(n, created, created)!.getTime() - created.getTime()) / 60_000,
    );
    expect(delays).toEqual([1, 2, 4, 64, 120, 120]);
    expect(nextAttemptAt(DELIVERY.maxAttempts, created, created)).toBeNull();
    expect(nextAttemptAt(1, created, new Date(created.getTime() + DELIVERY.maxAgeMs))).toBeNull();
    // Retry-After is honoured (bounded), even beyond the backoff.
    expect(nextAttemptAt(1, created, created, 600_000)!.getTime() - created.getTime()).toBe(600_000);
    expect(nextAttemptAt(1, created, created, 10 * 86_400_000)!.getTime() - created.getTime()).toBe(
      DELIVERY.maxRetryAfterMs,
    );
  });

  it("the reason shown on the alert, in both languages", () => {
    const f = {
      channel: "digest" as const,
      recipient: "a@b.fr",
      attempts: 12,
      why: "exhausted" as const,
      reason: "451 later",
    };
    expect(deliveryFailureText("fr", f)).toBe("Résumé par e-mail à a@b.fr non remis après 12 tentatives (451 later)");
    expect(deliveryFailureText("en", f)).toBe("E-mail digest to a@b.fr not delivered after 12 attempts (451 later)");
    expect(deliveryFailureText("en", { ...f, channel: "webhook", recipient: null, why: "permanent" })).toBe(
      "Webhook not delivered: refused for good (451 later)",
    );
  });
});
