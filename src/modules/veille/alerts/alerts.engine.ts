import { generateSigningSecret, signPayload } from "../../../connectors/webhook/signature.js";
import type { AppContext } from "../../../context.js";
import type { Locale } from "../../../db/schema.js";
import { httpClientFor } from "../../../lib/http-client.js";
import * as accounts from "../../accounts/accounts.service.js";
import { notify } from "../../notifications/notifications.service.js";
import { instantToLocal, localToInstant } from "../../scheduler/local-time.js";
import { renderAlertMail } from "./alerts.mail.js";
import * as repo from "./alerts.repo.js";
import {
  excerpt,
  type MatchableItem,
  matches as matchesQuery,
  type PreparedItem,
  parseQuery,
  prepareItem,
  type QueryNode,
  toNetworkSearches,
} from "./query.js";

/**
 * Running alerts: matching new feed items (the veille's "items ingested" hook, and a scan job over the
 * high-water mark as a safety net), searching networks, storing matches once, and delivering them
 * (in-app, immediate e-mail, signed webhook; digests are in runDueDigests).
 */

/** How far back the scan re-reads past its high-water mark (items committed late by a slow transaction). */
export const SCAN_OVERLAP_MS = 10 * 60_000;
const SCAN_BATCH = 2000;

// ------------------------------------------------------------------------------------------- text

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Plain text of the sanitized HTML the veille stores. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|blockquote)>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
}

function hostOf(url: string | null): string {
  if (!url) return "";
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

export function feedItemMatchable(i: repo.FeedItemForMatching): MatchableItem {
  const body = i.full_text || i.content || i.summary;
  const text = htmlToText(body === i.summary ? body : `${i.summary}\n${body}`);
  return {
    title: htmlToText(i.title),
    text,
    source: [i.feed_title, hostOf(i.site_url), hostOf(i.feed_url), hostOf(i.link), i.author ?? ""].join(" "),
    language: i.language,
  };
}

function feedMatchRow(query: QueryNode, i: repo.FeedItemForMatching, prepared: PreparedItem): repo.NewMatch {
  return {
    source_key: `item:${i.id}`,
    kind: "feed_item",
    feed_item_id: i.id,
    title: prepared.original.title.slice(0, 500),
    excerpt: excerpt(query, prepared),
    url: i.link,
    source_name: i.feed_title || hostOf(i.link),
    author: i.author,
    language: i.language,
    published_at: i.published_at,
  };
}

function compile(ctx: AppContext, alert: repo.AlertRow): QueryNode | null {
  try {
    return parseQuery(alert.query);
  } catch {
    // Saved queries are validated; one that no longer parses (a grammar change) is skipped, not fatal.
    ctx.logger.warn({ alertId: alert.id }, "alert query does not parse; skipped");
    return null;
  }
}

// ------------------------------------------------------------------------------------------- feed items

/** Matches the given items against the workspace's enabled feed alerts; stores and delivers new matches. */
export async function matchFeedItems(ctx: AppContext, workspaceId: string, itemIds: string[]): Promise<number> {
  const alerts = await repo.enabledAlerts(ctx.db, "feeds", workspaceId);
  if (!alerts.length || !itemIds.length) return 0;
  let created = 0;
  for (let i = 0; i < itemIds.length; i += 500) {
    const items = await repo.itemsByIds(ctx.db, workspaceId, itemIds.slice(i, i + 500));
    created += await matchItems(ctx, workspaceId, alerts, items);
  }
  return created;
}

async function matchItems(
  ctx: AppContext,
  workspaceId: string,
  alerts: repo.AlertRow[],
  items: repo.FeedItemForMatching[],
  /** Per alert: only items fetched after this (the scan's high-water mark minus the overlap). */
  after?: (alert: repo.AlertRow) => Date,
): Promise<number> {
  const prepared = items.map((i) => ({ row: i, doc: prepareItem(feedItemMatchable(i)) }));
  let created = 0;
  for (const alert of alerts) {
    const query = compile(ctx, alert);
    if (!query) continue;
    const since = after?.(alert);
    const hits = prepared
      .filter((p) => (!since || p.row.fetched_at > since) && matchesQuery(query, p.doc))
      .map((p) => feedMatchRow(query, p.row, p.doc));
    const inserted = await repo.insertMatches(ctx.db, workspaceId, alert.id, hits);
    created += inserted.length;
    if (inserted.length) await deliver(ctx, alert, inserted);
  }
  return created;
}

/**
 * The safety net behind the ingestion hook: items fetched since each alert's high-water mark (minus an
 * overlap for late commits) are matched, then the mark moves to the newest item read.
 */
export async function scanFeeds(ctx: AppContext): Promise<{ alerts: number; created: number }> {
  const all = await repo.enabledAlerts(ctx.db, "feeds");
  const byWs = new Map<string, repo.AlertRow[]>();
  for (const a of all) byWs.set(a.workspace_id, [...(byWs.get(a.workspace_id) ?? []), a]);
  let created = 0;
  for (const [workspaceId, alerts] of byWs) {
    const from = new Date(Math.min(...alerts.map((a) => a.feed_checked_at.getTime())) - SCAN_OVERLAP_MS);
    const items = await repo.itemsFetchedAfter(ctx.db, workspaceId, from, SCAN_BATCH);
    if (!items.length) continue;
    created += await matchItems(
      ctx,
      workspaceId,
      alerts,
      items,
      // Never before the alert existed: a new alert starts with new items (the preview shows the past).
      (a) => new Date(Math.max(a.feed_checked_at.getTime() - SCAN_OVERLAP_MS, a.created_at.getTime())),
    );
    const newest = items[items.length - 1]!.fetched_at;
    for (const a of alerts) {
      if (newest > a.feed_checked_at)
        await ctx.db.updateTable("alerts").set({ feed_checked_at: newest }).where("id", "=", a.id).execute();
    }
  }
  return { alerts: all.length, created };
}

// ------------------------------------------------------------------------------------------- networks

/**
 * Searches the networks of the workspace's accounts whose connector offers search(), for every enabled
 * alert that asks for it: the query becomes keyword searches (toNetworkSearches), each result is checked
 * again with the full query, and new matches are stored (one per network post, whichever account found it).
 */
export async function searchNetworks(
  ctx: AppContext,
  now = new Date(),
): Promise<{ searched: number; created: number }> {
  const alerts = await repo.enabledAlerts(ctx.db, "networks");
  let searched = 0;
  let created = 0;
  const accountsByWs = new Map<string, Awaited<ReturnType<typeof repo.activeAccounts>>>();
  for (const alert of alerts) {
    const query = compile(ctx, alert);
    if (!query) continue;
    let list = accountsByWs.get(alert.workspace_id);
    if (!list) {
      list = await repo.activeAccounts(ctx.db, alert.workspace_id);
      accountsByWs.set(alert.workspace_id, list);
    }
    const searches = toNetworkSearches(query);
    const since = new Date(alert.network_checked_at.getTime() - SCAN_OVERLAP_MS);
    const seenNetworks = new Set<string>();
    let error: string | null = null;
    for (const acc of list) {
      // One account per network is enough: a public search gives the same posts to every account.
      if (seenNetworks.has(acc.network)) continue;
      const c = accounts.connectorFor(ctx, acc.network);
      if (!c?.search) continue;
      seenNetworks.add(acc.network);
      let loaded: Awaited<ReturnType<typeof accounts.loadForPublishing>>;
      try {
        loaded = await accounts.loadForPublishing(ctx, alert.workspace_id, acc.id);
      } catch (err) {
        error = `${acc.network}: ${(err as Error).message}`;
        continue;
      }
      for (const s of searches) {
        searched++;
        try {
          const page = await loaded.connector.search!(loaded.secrets, {
            q: s.q,
            since,
            ...(s.language ? { language: s.language } : {}),
            limit: 50,
          });
          const rows: repo.NewMatch[] = [];
          for (const post of page.items) {
            const doc = prepareItem({
              title: "",
              text: post.text,
              source: [acc.network, post.authorHandle ?? "", post.authorName ?? ""].join(" "),
              language: post.language,
            });
            if (!matchesQuery(query, doc)) continue;
            rows.push({
              source_key: `${acc.network}:${post.externalId}`,
              kind: "network_post",
              account_id: acc.id,
              network: acc.network,
              title: [post.authorName, post.authorHandle ? `@${post.authorHandle.replace(/^@/, "")}` : null]
                .filter(Boolean)
                .join(" ")
                .slice(0, 300),
              excerpt: excerpt(query, doc),
              url: post.url,
              source_name: acc.network,
              author: post.authorHandle,
              language: post.language,
              published_at: post.publishedAt,
            });
          }
          const inserted = await repo.insertMatches(ctx.db, alert.workspace_id, alert.id, rows);
          created += inserted.length;
          if (inserted.length) await deliver(ctx, alert, inserted);
        } catch (err) {
          const e = err as { kind?: string; networkMessage?: string; message: string };
          error = `${acc.network}: ${e.networkMessage ?? e.message}`;
          ctx.logger.warn({ err, alertId: alert.id, network: acc.network }, "alert network search failed");
        }
      }
    }
    await ctx.db
      .updateTable("alerts")
      .set({ network_checked_at: now, last_error: error, last_error_at: error ? now : null })
      .where("id", "=", alert.id)
      .execute();
  }
  return { searched, created };
}

// ------------------------------------------------------------------------------------------- delivery

function viewUrl(ctx: AppContext, workspaceId: string, alertId: string): string {
  return `${ctx.config.publicUrl}/w/${workspaceId}/veille/alerts?alert=${alertId}`;
}

function mailMatches(rows: repo.MatchRow[]) {
  return rows.map((m) => ({
    title: m.title,
    excerpt: m.excerpt,
    url: m.url,
    sourceName: m.source_name,
    publishedAt: m.published_at,
  }));
}

/** New matches of one alert: in-app notification, then immediate e-mail and webhook (claimed once). */
export async function deliver(ctx: AppContext, alert: repo.AlertRow, rows: repo.MatchRow[]): Promise<void> {
  const newest = [...rows].sort((a, b) => b.published_at.getTime() - a.published_at.getTime())[0]!;
  if (alert.notify_in_app && alert.created_by) {
    await notify(ctx, {
      workspaceId: alert.workspace_id,
      kind: "alert_matches",
      data: {
        alertName: alert.name,
        count: rows.length,
        firstTitle: (newest.title || newest.excerpt).slice(0, 120),
        url: viewUrl(ctx, alert.workspace_id, alert.id),
      },
      userIds: [alert.created_by],
      email: false,
    }).catch((err) => ctx.logger.warn({ err, alertId: alert.id }, "alert in-app notification failed"));
  }
  const immediateMail = alert.email_mode === "immediate" && alert.email_recipients.length > 0;
  if (!immediateMail && !alert.webhook_url) return;
  const claimed = await repo.claimForImmediate(
    ctx.db,
    alert.workspace_id,
    rows.map((r) => r.id),
  );
  if (!claimed.length) return;
  const errors: string[] = [];
  if (immediateMail) {
    try {
      await sendAlertMail(ctx, alert, "immediate", claimed);
    } catch (err) {
      errors.push(`e-mail: ${(err as Error).message}`);
    }
  }
  if (alert.webhook_url && alert.webhook_secret_enc) {
    try {
      await postWebhook(ctx, alert, claimed);
    } catch (err) {
      errors.push(`webhook: ${(err as Error).message}`);
    }
  }
  if (errors.length) {
    ctx.logger.warn({ alertId: alert.id, errors }, "alert delivery failed");
    await repo.setAlertError(ctx.db, alert.workspace_id, alert.id, errors.join("; ").slice(0, 500));
  }
}

export async function sendAlertMail(
  ctx: AppContext,
  alert: repo.AlertRow,
  mode: "immediate" | "daily" | "weekly",
  rows: repo.MatchRow[],
): Promise<void> {
  const ws = await repo.workspaceInfo(ctx.db, alert.workspace_id);
  const mail = renderAlertMail({
    locale: ws.locale as Locale,
    timezone: ws.timezone,
    workspaceName: ws.name,
    alertName: alert.name,
    query: alert.query,
    mode,
    matches: mailMatches(rows),
    viewUrl: viewUrl(ctx, alert.workspace_id, alert.id),
  });
  for (const to of alert.email_recipients) await ctx.mailer.send({ to, ...mail });
}

// ------------------------------------------------------------------------------------------- webhook

export function newWebhookSecret(ctx: AppContext, alertId: string): { secret: string; sealed: string } {
  const secret = generateSigningSecret();
  return { secret, sealed: ctx.secrets.encryptJson({ secret }, `alert:${alertId}`) };
}

/** The webhook body (docs/ALERTS.md): the alert and its new matches. */
export function webhookPayload(alert: repo.AlertRow, rows: repo.MatchRow[]) {
  return {
    event: "alert.matches",
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

/** POSTs the signed payload (same signature as the webhook connector: X-Relais-Signature / -Timestamp). */
export async function postWebhook(ctx: AppContext, alert: repo.AlertRow, rows: repo.MatchRow[]): Promise<void> {
  const { secret } = ctx.secrets.decryptJson<{ secret: string }>(alert.webhook_secret_enc!, `alert:${alert.id}`);
  const body = JSON.stringify(webhookPayload(alert, rows));
  const timestamp = Math.floor(Date.now() / 1000);
  await httpClientFor(ctx.config).request(alert.webhook_url!, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-relais-event": "alert.matches",
      "x-relais-timestamp": String(timestamp),
      "x-relais-signature": signPayload(secret, timestamp, body),
    },
    totalTimeoutMs: 15_000,
    maxBytes: 64 * 1024,
    maxRedirects: 0,
    throwOnHttpError: true,
  });
}

// ------------------------------------------------------------------------------------------- digests

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The next digest time strictly after `after`: every day, or on `weekday` (1 = Monday … 7 = Sunday), at
 * `time` on the wall clock of `tz` (so 08:00 stays 08:00 across daylight-saving changes).
 */
export function nextDigestAt(mode: "daily" | "weekly", time: string, weekday: number, tz: string, after: Date): Date {
  const today = instantToLocal(after, tz).slice(0, 10);
  for (let i = 0; i <= 8; i++) {
    const date = addDays(today, i);
    const wd = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
    if (mode === "weekly" && wd !== weekday) continue;
    const { instant } = localToInstant(`${date}T${time}`, tz);
    if (instant.getTime() > after.getTime()) return instant;
  }
  throw new Error("unreachable: a weekday recurs within 8 days");
}

/**
 * One tick of the digest job. Due alerts are locked (SKIP LOCKED) and get one digest row per period (unique
 * per alert and period end) holding every match not yet digested nor sent immediately; the alert moves to
 * its next time. Then each pending digest is claimed pending → sending and e-mailed: a digest is sent at
 * most once, and a match belongs to one digest only, so nothing is ever sent twice.
 */
export async function runDueDigests(ctx: AppContext, now = new Date()): Promise<{ created: number; sent: number }> {
  let created = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const a of await repo.lockDueDigests(trx, now, 50)) {
      const periodEnd = a.next_digest_at!;
      const digestId = await repo.insertDigest(trx, a.workspace_id, a.id, periodEnd);
      if (digestId) {
        await repo.attachToDigest(trx, a.workspace_id, a.id, digestId, periodEnd);
        created++;
      }
      // Periods missed while the server was down are not sent late in a burst: the next one is after now.
      const after = now > periodEnd ? now : periodEnd;
      await repo.advanceDigest(
        trx,
        a.id,
        nextDigestAt(a.email_mode as "daily" | "weekly", a.digest_time, a.digest_weekday, a.timezone, after),
      );
    }
  });
  let sent = 0;
  for (const d of await repo.pendingDigests(ctx.db, 50)) {
    const claimed = await repo.claimDigest(ctx.db, d.id);
    if (!claimed) continue;
    const alert = await repo.findAlert(ctx.db, d.workspace_id, d.alert_id);
    const rows = await repo.digestMatches(ctx.db, d.workspace_id, d.id);
    if (!alert || !rows.length || !alert.email_recipients.length) {
      await repo.finishDigest(ctx.db, d.id, false, !alert ? "alert deleted" : "nothing to send");
      continue;
    }
    try {
      await sendAlertMail(ctx, alert, alert.email_mode === "weekly" ? "weekly" : "daily", rows);
      await repo.finishDigest(ctx.db, d.id, true, null);
      sent++;
    } catch (err) {
      await repo.finishDigest(ctx.db, d.id, false, (err as Error).message.slice(0, 500));
      await repo.setAlertError(ctx.db, d.workspace_id, d.alert_id, `e-mail: ${(err as Error).message}`.slice(0, 500));
    }
  }
  return { created, sent };
}
