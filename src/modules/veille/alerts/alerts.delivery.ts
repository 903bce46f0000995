import { signPayload } from "../../../connectors/webhook/signature.js";
import type { AppContext } from "../../../context.js";
import type { Locale } from "../../../db/schema.js";
import { HttpError, type HttpResponse, httpClientFor } from "../../../lib/http-client.js";
import { renderAlertMail } from "./alerts.mail.js";
import { type DeliveryFailure, deliveryFailureText } from "./alerts.messages.js";
import * as repo from "./alerts.repo.js";

/**
 * The delivery outbox of alert notifications (docs/ALERTS.md, "Notifications"). Every immediate e-mail
 * (one per recipient), webhook POST (one per batch of matches) and digest e-mail (one per recipient) is an
 * `alert_deliveries` row written in the transaction that claimed its matches or built its digest. Sending:
 * claim one due row pending → sending with a lease (SKIP LOCKED, fenced by the attempt number), send, then
 * - sent;
 * - a transient failure (SMTP without a reply or 4xx, webhook network error / timeout / 408 / 429 / 5xx) →
 *   pending again at now + backoff (or the receiver's Retry-After), until the attempts or the age run out;
 * - a permanent failure (SMTP 5xx, any other webhook answer) or exhausted retries → failed, and the reason
 *   goes on the alert (lastError) in the workspace's language;
 * - the recipient or webhook removed from the alert meanwhile → cancelled.
 * A row still `sending` past its lease (the process died mid-send) goes back to pending: delivery is at
 * least once, so the webhook carries the delivery id (Idempotency-Key, X-Relais-Delivery) and the e-mail
 * a Message-ID derived from it; receivers recognise a repeat.
 */

export const DELIVERY = {
  /** Attempts in all (the first one included). */
  maxAttempts: 12,
  /** No attempt is made later than this after the delivery was written. */
  maxAgeMs: 24 * 3_600_000,
  /** Backoff: 1 min × 2^(attempt − 1), at most 2 h (1, 2, 4 … 64, 120, 120 … min: about 10 h in all). */
  baseDelayMs: 60_000,
  maxDelayMs: 2 * 3_600_000,
  /** A receiver's Retry-After is honoured up to this. */
  maxRetryAfterMs: 6 * 3_600_000,
  /** A claimed delivery is someone's for this long; past it, it is presumed interrupted. */
  leaseMs: 5 * 60_000,
  /** An SMTP exchange that takes longer is abandoned (and retried): well within the lease. */
  mailTimeoutMs: 2 * 60_000,
  webhookTimeoutMs: 15_000,
  /** Per job run: at most this many deliveries, for at most this long (the job expires after 5 min). */
  batch: 200,
  budgetMs: 3 * 60_000,
  /** Deliveries sent side by side in one run (each claimed on its own). */
  concurrency: 4,
} as const;

export interface Failure {
  permanent: boolean;
  /** The other side's own words: SMTP reply, HTTP status and body start, network error. */
  reason: string;
  retryAfterMs?: number;
}

// ------------------------------------------------------------------------------------------- classification

function oneLine(s: string, max = 300): string {
  return s.replace(/\s+/g, " ").trim().slice(0, max);
}

/**
 * SMTP: a 5xx reply is permanent (mailbox unknown, message refused, authentication refused); a 4xx reply
 * (greylisting, mailbox busy, try again later) and an error without a reply (connection refused or reset,
 * timeout, DNS, TLS) are transient.
 */
export function classifySmtpError(err: unknown): Failure {
  const e = (err ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown; message?: unknown };
  const code = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const message = typeof e.message === "string" ? e.message : String(err);
  if (code !== undefined && code >= 500 && code < 600)
    return { permanent: true, reason: oneLine(typeof e.response === "string" ? e.response : message) };
  if (code !== undefined && code >= 400 && code < 500)
    return { permanent: false, reason: oneLine(typeof e.response === "string" ? e.response : message) };
  // An envelope nodemailer itself refused (no recipient, malformed address): retrying changes nothing.
  if (e.code === "EENVELOPE") return { permanent: true, reason: oneLine(message) };
  return { permanent: false, reason: oneLine(typeof e.code === "string" ? `${e.code}: ${message}` : message) };
}

/** Retry-After in milliseconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const TRANSIENT_STATUS = new Set([408, 429]);

/** A webhook answer: 2xx delivered; 408, 429, 5xx transient (with Retry-After); anything else permanent. */
export function classifyWebhookResponse(res: Pick<HttpResponse, "status" | "headers" | "text">, now = Date.now()) {
  if (res.status >= 200 && res.status < 300) return null;
  let body = "";
  try {
    body = oneLine(res.text(), 200);
  } catch {
    body = "";
  }
  const reason = `HTTP ${res.status}${body ? `: ${body}` : ""}`;
  if (TRANSIENT_STATUS.has(res.status) || (res.status >= 500 && res.status < 600)) {
    const retryAfterMs = parseRetryAfter(res.headers["retry-after"], now);
    return { permanent: false, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } satisfies Failure;
  }
  return { permanent: true, reason } satisfies Failure;
}

/** The safe client's errors: timeouts and network errors are transient; a refused or malformed URL is not. */
export function classifyHttpError(err: unknown): Failure {
  if (err instanceof HttpError) {
    const permanent = err.kind === "blocked_address" || err.kind === "invalid_url" || err.kind === "too_many_redirects";
    return { permanent, reason: oneLine(`${err.kind}: ${err.message}`) };
  }
  return { permanent: false, reason: oneLine((err as Error)?.message ?? String(err)) };
}

/**
 * When to try again after a transient failure of attempt number `attempts`: the receiver's Retry-After
 * (bounded) or the backoff; null when the attempts or the age are used up.
 */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date, retryAfterMs?: number): Date | null {
  if (attempts >= DELIVERY.maxAttempts) return null;
  const delay =
    retryAfterMs !== undefined
      ? Math.min(Math.max(retryAfterMs, 1000), DELIVERY.maxRetryAfterMs)
      : Math.min(DELIVERY.baseDelayMs * 2 ** Math.max(attempts - 1, 0), DELIVERY.maxDelayMs);
  const at = new Date(now.getTime() + delay);
  return at.getTime() - createdAt.getTime() > DELIVERY.maxAgeMs ? null : at;
}

// ------------------------------------------------------------------------------------------- content

export function viewUrl(ctx: AppContext, workspaceId: string, alertId: string): string {
  return `${ctx.config.publicUrl}/w/${workspaceId}/veille/alerts?alert=${alertId}`;
}

/** The e-mail's Message-ID: the same for every attempt of a delivery, so a re-send is recognisable. */
export function deliveryMessageId(ctx: AppContext, deliveryId: string): string {
  let host = "relais.invalid";
  try {
    host = new URL(ctx.config.publicUrl).hostname || host;
  } catch {
    // keep the placeholder
  }
  return `<alert-${deliveryId}@${host}>`;
}

/** The webhook body (docs/ALERTS.md): the alert and its new matches. */
export function webhookPayload(alert: repo.AlertRow, rows: repo.MatchRow[], deliveryId: string) {
  return {
    event: "alert.matches",
    deliveryId,
    workspaceId: alert.workspace_id,
    alert: { id: alert.id, name: alert.name, query: alert.query },
    matches: rows.map((m) => ({
      id: m.id,
      kind: m.kind,
      title: m.title,
      excerpt: m.excerpt,
      url: m.url,
      source: m.source_name,
      network: m.network,
      author: m.author,
      language: m.language,
      publishedAt: m.published_at.toISOString(),
      matchedAt: m.matched_at.toISOString(),
    })),
  };
}

class SendTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  // The abandoned exchange may still fail later: nobody listens any more.
  p.catch(() => {});
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Attempt = { ok: true } | { ok: false; cancelled: string } | { ok: false; failure: Failure; disabled?: boolean };

async function sendMail(
  ctx: AppContext,
  d: repo.DeliveryRow,
  alert: repo.AlertRow,
  mode: "immediate" | "daily" | "weekly",
  rows: repo.MatchRow[],
): Promise<Attempt> {
  if (!d.recipient || !alert.email_recipients.includes(d.recipient))
    return { ok: false, cancelled: "recipient removed from the alert" };
  if (!rows.length) return { ok: false, cancelled: "no match left to send" };
  if (!ctx.mailer.enabled)
    return { ok: false, failure: { permanent: true, reason: "SMTP not configured" }, disabled: true };
  const ws = await repo.workspaceInfo(ctx.db, alert.workspace_id);
  const mail = renderAlertMail({
    locale: ws.locale as Locale,
    timezone: ws.timezone,
    workspaceName: ws.name,
    alertName: alert.name,
    query: alert.query,
    mode,
    matches: rows.map((m) => ({
      title: m.title,
      excerpt: m.excerpt,
      url: m.url,
      sourceName: m.source_name,
      publishedAt: m.published_at,
    })),
    viewUrl: viewUrl(ctx, alert.workspace_id, alert.id),
  });
  try {
    await withTimeout(
      ctx.mailer.send({
        to: d.recipient,
        ...mail,
        messageId: deliveryMessageId(ctx, d.id),
        headers: { "X-Relais-Delivery": d.id },
      }),
      DELIVERY.mailTimeoutMs,
    );
    return { ok: true };
  } catch (err) {
    if (err instanceof SendTimeout) return { ok: false, failure: { permanent: false, reason: err.message } };
    return { ok: false, failure: classifySmtpError(err) };
  }
}

async function postWebhook(
  ctx: AppContext,
  d: repo.DeliveryRow,
  alert: repo.AlertRow,
  rows: repo.MatchRow[],
  now: Date,
): Promise<Attempt> {
  if (!alert.webhook_url || !alert.webhook_secret_enc)
    return { ok: false, cancelled: "webhook removed from the alert" };
  if (!rows.length) return { ok: false, cancelled: "no match left to send" };
  // Signed with the alert's current secret: a rotation between two attempts is what the receiver expects.
  const { secret } = ctx.secrets.decryptJson<{ secret: string }>(alert.webhook_secret_enc, `alert:${alert.id}`);
  const body = JSON.stringify(webhookPayload(alert, rows, d.id));
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await httpClientFor(ctx.config).request(alert.webhook_url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "idempotency-key": d.id,
        "x-relais-delivery": d.id,
        "x-relais-event": "alert.matches",
        "x-relais-timestamp": String(timestamp),
        "x-relais-signature": signPayload(secret, timestamp, body),
      },
      totalTimeoutMs: DELIVERY.webhookTimeoutMs,
      maxBytes: 64 * 1024,
      maxRedirects: 0,
    });
    const failure = classifyWebhookResponse(res, now.getTime());
    return failure ? { ok: false, failure } : { ok: true };
  } catch (err) {
    // An answer with a body larger than we read: its status still says what happened (2xx: delivered).
    const status = err instanceof HttpError && err.kind === "too_large" ? (err.details.status ?? 0) : 0;
    if (status) {
      const failure = classifyWebhookResponse({ status, headers: {}, text: () => "" }, now.getTime());
      return failure ? { ok: false, failure } : { ok: true };
    }
    return { ok: false, failure: classifyHttpError(err) };
  }
}

async function attempt(ctx: AppContext, d: repo.DeliveryRow, now: Date): Promise<Attempt> {
  const alert = await repo.findAlert(ctx.db, d.workspace_id, d.alert_id);
  if (!alert) return { ok: false, cancelled: "alert deleted" };
  if (d.channel === "webhook")
    return postWebhook(ctx, d, alert, await repo.matchesByIds(ctx.db, d.workspace_id, d.match_ids), now);
  if (d.channel === "email")
    return sendMail(ctx, d, alert, "immediate", await repo.matchesByIds(ctx.db, d.workspace_id, d.match_ids));
  const rows = d.digest_id ? await repo.digestMatches(ctx.db, d.workspace_id, d.digest_id) : [];
  return sendMail(ctx, d, alert, alert.email_mode === "weekly" ? "weekly" : "daily", rows);
}

export type DeliveryResult = "sent" | "retrying" | "failed" | "cancelled" | "lost";

/** One claimed delivery: send it and record the outcome (never throws). */
async function processClaimed(ctx: AppContext, d: repo.DeliveryRow, now: Date): Promise<DeliveryResult> {
  let result: Attempt;
  try {
    result = await attempt(ctx, d, now);
  } catch (err) {
    // Our own bug or the database: transient, bounded like any other.
    result = { ok: false, failure: { permanent: false, reason: oneLine((err as Error).message ?? String(err)) } };
  }
  const done = new Date(Math.max(Date.now(), now.getTime()));
  let outcome: repo.DeliveryOutcome;
  let failure: DeliveryFailure | null = null;
  if (result.ok) outcome = { status: "sent" };
  else if ("cancelled" in result) outcome = { status: "cancelled", error: result.cancelled };
  else {
    const f = result.failure;
    const next = f.permanent ? null : nextAttemptAt(d.attempts, d.created_at, done, f.retryAfterMs);
    if (next) outcome = { status: "pending", nextAttemptAt: next, error: f.reason };
    else {
      outcome = { status: "failed", error: f.reason };
      failure = {
        channel: d.channel,
        recipient: d.recipient,
        attempts: d.attempts,
        why: result.disabled ? "smtp_disabled" : f.permanent ? "permanent" : "exhausted",
        reason: f.reason,
      };
    }
  }
  const ours = await repo.finishDelivery(ctx.db, d, outcome, done);
  if (!ours) {
    ctx.logger.warn({ deliveryId: d.id }, "alert delivery finished after its lease was taken over");
    return "lost";
  }
  if (outcome.status !== "sent")
    ctx.logger.warn(
      { deliveryId: d.id, alertId: d.alert_id, channel: d.channel, attempts: d.attempts, outcome },
      "alert delivery not sent",
    );
  if (failure) await reportFailure(ctx, d, failure);
  if (d.digest_id && outcome.status !== "pending") await repo.settleDigest(ctx.db, d.digest_id, done);
  return outcome.status === "pending" ? "retrying" : outcome.status;
}

async function reportFailure(ctx: AppContext, d: repo.DeliveryRow, f: DeliveryFailure): Promise<void> {
  const ws = await repo.workspaceInfo(ctx.db, d.workspace_id);
  const text = deliveryFailureText(ws.locale as Locale, f).slice(0, 500);
  await repo.setAlertError(ctx.db, d.workspace_id, d.alert_id, text);
}

export interface DeliveryRun {
  recovered: number;
  sent: number;
  retrying: number;
  failed: number;
  cancelled: number;
}

/**
 * Sends due deliveries: first returns those whose lease expired to pending (or failed when that was their
 * last attempt), then claims and sends one at a time in a few parallel loops, within a batch size and a
 * time budget. `ids` limits it to given deliveries (the eager send right after they were written); `now`
 * fixes the clock (tests).
 */
export async function runDueDeliveries(
  ctx: AppContext,
  options: { now?: Date; ids?: string[] } = {},
): Promise<DeliveryRun> {
  const clock = () => options.now ?? new Date();
  const run: DeliveryRun = { recovered: 0, sent: 0, retrying: 0, failed: 0, cancelled: 0 };
  if (!options.ids) {
    for (const d of await repo.releaseExpiredLeases(ctx.db, clock(), DELIVERY.maxAttempts)) {
      run.recovered++;
      ctx.logger.warn({ deliveryId: d.id, alertId: d.alert_id, status: d.status }, "alert delivery lease expired");
      if (d.status === "failed") {
        run.failed++;
        await reportFailure(ctx, d, {
          channel: d.channel,
          recipient: d.recipient,
          attempts: d.attempts,
          why: "exhausted",
          reason: d.last_error ?? "interrupted",
        });
        if (d.digest_id) await repo.settleDigest(ctx.db, d.digest_id, clock());
      }
    }
  }
  const started = Date.now();
  let taken = 0;
  const loop = async () => {
    while (taken < DELIVERY.batch && Date.now() - started < DELIVERY.budgetMs) {
      const now = clock();
      const d = await repo.claimDueDelivery(ctx.db, now, new Date(now.getTime() + DELIVERY.leaseMs), options.ids);
      if (!d) return;
      taken++;
      const r = await processClaimed(ctx, d, now);
      if (r !== "lost") run[r]++;
    }
  };
  const loops = Math.min(DELIVERY.concurrency, options.ids ? options.ids.length : DELIVERY.concurrency);
  await Promise.all(Array.from({ length: Math.max(loops, 1) }, loop));
  return run;
}

/** The first attempt of deliveries just written, in the process that wrote them. Never throws. */
export async function sendNow(ctx: AppContext, ids: string[]): Promise<void> {
  if (!ids.length) return;
  try {
    await runDueDeliveries(ctx, { ids });
  } catch (err) {
    // Still in the outbox: the alerts.deliver job retries.
    ctx.logger.warn({ err, ids }, "alert deliveries: first attempt failed");
  }
}
