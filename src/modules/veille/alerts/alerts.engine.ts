import { generateSigningSecret } from "../../../connectors/webhook/signature.js";
import type { AppContext } from "../../../context.js";
import * as accounts from "../../accounts/accounts.service.js";
import { notify } from "../../notifications/notifications.service.js";
import { instantToLocal, localToInstant } from "../../scheduler/local-time.js";
import { sendNow, viewUrl } from "./alerts.delivery.js";
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
 * high-water mark as a safety net), searching networks, storing matches once with their in-app
 * notification and their deliveries (immediate e-mail, signed webhook: the outbox of alerts.delivery.ts),
 * and building the daily / weekly digests (runDueDigests).
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
    created += await matchItems(ctx, alerts, items);
  }
  return created;
}

async function matchItems(
  ctx: AppContext,
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
    const stored = await storeMatches(ctx, alert, hits);
    created += stored.inserted.length;
    if (stored.inserted.length) await announce(ctx, stored);
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
          const stored = await storeMatches(ctx, alert, rows);
          created += stored.inserted.length;
          if (stored.inserted.length) await announce(ctx, stored);
        } catch (err) {
          const e = err as { kind?: string; networkMessage?: string; message: string };
          error = `${acc.network}: ${e.networkMessage ?? e.message}`;
          ctx.logger.warn({ err, alertId: alert.id, network: acc.network }, "alert network search failed");
        }
      }
    }
    // Only the search's own error: last_error belongs to the deliveries (a search never hides a refused webhook).
    await ctx.db
      .updateTable("alerts")
      .set({ network_checked_at: now, network_error: error, network_error_at: error ? now : null })
      .where("id", "=", alert.id)
      .execute();
  }
  return { searched, created };
}

// ------------------------------------------------------------------------------------------- delivery

interface Stored {
  inserted: repo.MatchRow[];
  deliveryIds: string[];
}

/**
 * Stores new matches and, in the same transaction, writes the in-app notification of the batch and claims
 * the matches for immediate delivery (notified_at) with their outbox rows: one e-mail per recipient
 * (immediate mode) and one webhook POST. A crash after the commit loses nothing: the notification is
 * there, and the alerts.deliver job sends what the first attempt did not. A crash before it stores
 * nothing, and the hook's retry or the scan stores the matches and their notification then: once, since
 * only matches new to the alert (the unique key) make a notification.
 */
async function storeMatches(ctx: AppContext, alert: repo.AlertRow, rows: repo.NewMatch[]): Promise<Stored> {
  if (!rows.length) return { inserted: [], deliveryIds: [] };
  const immediateMail = alert.email_mode === "immediate" && alert.email_recipients.length > 0;
  const webhook = Boolean(alert.webhook_url && alert.webhook_secret_enc);
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await repo.insertMatches(trx, alert.workspace_id, alert.id, rows);
    if (inserted.length && alert.notify_in_app && alert.created_by) {
      const newest = [...inserted].sort((a, b) => b.published_at.getTime() - a.published_at.getTime())[0]!;
      // In-app only (no e-mail): the alert's own e-mail settings say who gets e-mails.
      await notify(
        ctx,
        {
          workspaceId: alert.workspace_id,
          kind: "alert_matches",
          userIds: [alert.created_by],
          email: false,
          data: {
            alertName: alert.name,
            count: inserted.length,
            firstTitle: (newest.title || newest.excerpt).slice(0, 120),
            url: viewUrl(ctx, alert.workspace_id, alert.id),
          },
        },
        trx,
      );
    }
    if (!inserted.length || (!immediateMail && !webhook)) return { inserted, deliveryIds: [] };
    const claimed = await repo.claimForImmediate(
      trx,
      alert.workspace_id,
      inserted.map((r) => r.id),
    );
    if (!claimed.length) return { inserted, deliveryIds: [] };
    const matchIds = claimed.map((m) => m.id);
    const deliveries: repo.NewDelivery[] = [];
    if (immediateMail)
      for (const to of alert.email_recipients) deliveries.push({ channel: "email", recipient: to, matchIds });
    if (webhook) deliveries.push({ channel: "webhook", matchIds });
    const deliveryIds = await repo.insertDeliveries(trx, alert.workspace_id, alert.id, deliveries, new Date());
    return { inserted, deliveryIds };
  });
}

/** After the commit: the first attempt of the deliveries (the in-app notification is already stored). */
async function announce(ctx: AppContext, stored: Stored): Promise<void> {
  await sendNow(ctx, stored.deliveryIds);
}

// ------------------------------------------------------------------------------------------- webhook

export function newWebhookSecret(ctx: AppContext, alertId: string): { secret: string; sealed: string } {
  const secret = generateSigningSecret();
  return { secret, sealed: ctx.secrets.encryptJson({ secret }, `alert:${alertId}`) };
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
 * Builds the due digests. Due alerts are locked (SKIP LOCKED) and get one digest row per period (unique per
 * alert and period end) holding every match not yet digested nor sent immediately, and, in the same
 * transaction, one outbox delivery per recipient (sent by runDueDeliveries, retried like any other); the
 * alert moves to its next time. A match belongs to one digest only.
 */
export async function runDueDigests(ctx: AppContext, now = new Date()): Promise<{ created: number; queued: number }> {
  let created = 0;
  let queued = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const a of await repo.lockDueDigests(trx, now, 50)) {
      const periodEnd = a.next_digest_at!;
      const digestId = await repo.insertDigest(trx, a.workspace_id, a.id, periodEnd);
      if (digestId) {
        created++;
        const n = await repo.attachToDigest(trx, a.workspace_id, a.id, digestId, periodEnd);
        if (n > 0) {
          const ids = await repo.insertDeliveries(
            trx,
            a.workspace_id,
            a.id,
            a.email_recipients.map((to) => ({ channel: "digest" as const, recipient: to, digestId })),
            new Date(),
          );
          await repo.queueDigest(trx, digestId, ids.length > 0);
          queued += ids.length;
        }
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
  return { created, queued };
}
