import type { AppContext } from "../../../context.js";
import type { AlertEmailMode, CompetitorHandle } from "../../../db/schema.js";
import { AppError, isUniqueViolation, notFound } from "../../../lib/errors.js";
import * as audit from "../../audit/audit.service.js";
import type { AuthUser } from "../../auth/auth.service.js";
import { authorize } from "../../workspaces/workspaces.service.js";
import { feedItemMatchable, newWebhookSecret, nextDigestAt } from "./alerts.engine.js";
import { queryErrorParams } from "./alerts.messages.js";
import * as repo from "./alerts.repo.js";
import { excerpt, foldedTokens, matches, parseQuery, prepareItem, QueryError, type QueryNode } from "./query.js";

/**
 * Alerts: saved queries over the veille's feed items and network posts (docs/ALERTS.md). Viewers read
 * alerts and their matches and mark them seen; editors create and change alerts.
 */

export function presentAlert(a: repo.AlertRow, unseen = 0) {
  return {
    id: a.id,
    name: a.name,
    query: a.query,
    enabled: a.enabled,
    searchFeeds: a.search_feeds,
    searchNetworks: a.search_networks,
    notifyInApp: a.notify_in_app,
    emailMode: a.email_mode,
    emailRecipients: a.email_recipients,
    digestTime: a.digest_time,
    digestWeekday: a.digest_weekday,
    nextDigestAt: a.next_digest_at?.toISOString() ?? null,
    webhookUrl: a.webhook_url,
    preset: a.preset,
    competitorId: a.competitor_id,
    unseenCount: unseen,
    lastError: a.last_error,
    lastErrorAt: a.last_error_at?.toISOString() ?? null,
    networkError: a.network_error,
    networkErrorAt: a.network_error_at?.toISOString() ?? null,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  };
}
export type AlertView = ReturnType<typeof presentAlert>;

/** Parses a query or throws the translated 400 with the position. */
export function validQuery(query: string): QueryNode {
  try {
    return parseQuery(query);
  } catch (err) {
    if (err instanceof QueryError)
      throw new AppError("alert_query_invalid", queryErrorParams(err), {
        position: err.position,
        problem: err.code,
        ...err.params,
      });
    throw err;
  }
}

async function alertOr404(ctx: AppContext, workspaceId: string, alertId: string) {
  const a = await repo.findAlert(ctx.db, workspaceId, alertId);
  if (!a) throw notFound("alert");
  return a;
}

export async function list(ctx: AppContext, user: AuthUser, workspaceId: string): Promise<AlertView[]> {
  await authorize(ctx, user, workspaceId, "alerts.read");
  const [rows, counts] = await Promise.all([
    repo.listAlerts(ctx.db, workspaceId),
    repo.unseenCounts(ctx.db, workspaceId),
  ]);
  return rows.map((a) => presentAlert(a, counts.get(a.id) ?? 0));
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, alertId: string) {
  await authorize(ctx, user, workspaceId, "alerts.read");
  const a = await alertOr404(ctx, workspaceId, alertId);
  return presentAlert(a, (await repo.unseenCounts(ctx.db, workspaceId)).get(a.id) ?? 0);
}

export interface AlertInput {
  name: string;
  query: string;
  enabled: boolean;
  searchFeeds: boolean;
  searchNetworks: boolean;
  notifyInApp: boolean;
  emailMode: AlertEmailMode;
  emailRecipients: string[];
  digestTime: string;
  digestWeekday: number;
  webhookUrl: string | null;
  preset: "brand" | "competitor" | null;
  competitorId: string | null;
}

function recipients(list: string[]): string[] {
  return [...new Set(list.map((r) => r.trim().toLowerCase()))];
}

async function digestSchedule(
  ctx: AppContext,
  workspaceId: string,
  mode: AlertEmailMode,
  time: string,
  weekday: number,
  now: Date,
): Promise<Date | null> {
  if (mode !== "daily" && mode !== "weekly") return null;
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  return nextDigestAt(mode, time, weekday, ws.timezone, now);
}

function nameTaken(err: unknown, name: string): never {
  if (isUniqueViolation(err)) throw new AppError("name_taken", { name });
  throw err;
}

export async function create(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: AlertInput,
  now = new Date(),
) {
  await authorize(ctx, user, workspaceId, "alerts.write");
  validQuery(input.query);
  if (input.competitorId && !(await repo.competitors(ctx.db, workspaceId)).some((c) => c.id === input.competitorId))
    throw new AppError("unknown_reference", { resource: "competitor" });
  const id = crypto.randomUUID();
  const secret = input.webhookUrl ? newWebhookSecret(ctx, id) : null;
  const row = await repo
    .insertAlert(ctx.db, workspaceId, {
      id,
      name: input.name,
      query: input.query,
      enabled: input.enabled,
      search_feeds: input.searchFeeds,
      search_networks: input.searchNetworks,
      notify_in_app: input.notifyInApp,
      email_mode: input.emailMode,
      email_recipients: JSON.stringify(recipients(input.emailRecipients)),
      digest_time: input.digestTime,
      digest_weekday: input.digestWeekday,
      next_digest_at: await digestSchedule(
        ctx,
        workspaceId,
        input.emailMode,
        input.digestTime,
        input.digestWeekday,
        now,
      ),
      webhook_url: input.webhookUrl,
      webhook_secret_enc: secret?.sealed ?? null,
      preset: input.preset,
      competitor_id: input.competitorId,
      feed_checked_at: now,
      network_checked_at: now,
      created_by: user.id,
    })
    .catch((err) => nameTaken(err, input.name));
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "alert.created",
    targetType: "alert",
    targetId: row.id,
    data: { name: row.name, query: row.query },
  });
  return { alert: presentAlert(row), webhookSecret: secret?.secret ?? null };
}

export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  alertId: string,
  patch: Partial<Omit<AlertInput, "preset" | "competitorId">> & { rotateWebhookSecret?: true },
  now = new Date(),
) {
  await authorize(ctx, user, workspaceId, "alerts.write");
  const current = await alertOr404(ctx, workspaceId, alertId);
  if (patch.query !== undefined) validQuery(patch.query);
  const set: Parameters<typeof repo.updateAlert>[3] = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.query !== undefined) set.query = patch.query;
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  if (patch.searchFeeds !== undefined) set.search_feeds = patch.searchFeeds;
  if (patch.searchNetworks !== undefined) set.search_networks = patch.searchNetworks;
  if (patch.notifyInApp !== undefined) set.notify_in_app = patch.notifyInApp;
  if (patch.emailMode !== undefined) set.email_mode = patch.emailMode;
  if (patch.emailRecipients !== undefined) set.email_recipients = JSON.stringify(recipients(patch.emailRecipients));
  if (patch.digestTime !== undefined) set.digest_time = patch.digestTime;
  if (patch.digestWeekday !== undefined) set.digest_weekday = patch.digestWeekday;
  if (patch.emailMode !== undefined || patch.digestTime !== undefined || patch.digestWeekday !== undefined) {
    set.next_digest_at = await digestSchedule(
      ctx,
      workspaceId,
      patch.emailMode ?? current.email_mode,
      patch.digestTime ?? current.digest_time,
      patch.digestWeekday ?? current.digest_weekday,
      now,
    );
  }
  let secret: string | null = null;
  if (patch.webhookUrl !== undefined) {
    set.webhook_url = patch.webhookUrl;
    if (patch.webhookUrl === null) set.webhook_secret_enc = null;
  }
  const url = patch.webhookUrl !== undefined ? patch.webhookUrl : current.webhook_url;
  if (url && (patch.rotateWebhookSecret || !current.webhook_secret_enc)) {
    const s = newWebhookSecret(ctx, alertId);
    set.webhook_secret_enc = s.sealed;
    secret = s.secret;
  }
  if (!Object.keys(set).length) return { alert: presentAlert(current), webhookSecret: null };
  const row = await repo
    .updateAlert(ctx.db, workspaceId, alertId, set)
    .catch((err) => nameTaken(err, patch.name ?? current.name));
  if (!row) throw notFound("alert");
  return {
    alert: presentAlert(row, (await repo.unseenCounts(ctx.db, workspaceId)).get(alertId) ?? 0),
    webhookSecret: secret,
  };
}

export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string, alertId: string) {
  await authorize(ctx, user, workspaceId, "alerts.write");
  const current = await alertOr404(ctx, workspaceId, alertId);
  if (!(await repo.deleteAlert(ctx.db, workspaceId, alertId))) throw notFound("alert");
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "alert.deleted",
    targetType: "alert",
    targetId: alertId,
    data: { name: current.name },
  });
}

/** Runs a query over the workspace's most recent feed items without saving anything. */
export async function preview(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { query: string; limit: number },
) {
  await authorize(ctx, user, workspaceId, "alerts.read");
  const query = validQuery(input.query);
  const items = await repo.recentItems(ctx.db, workspaceId, input.limit);
  const out = [];
  for (const i of items) {
    const doc = prepareItem(feedItemMatchable(i));
    if (!matches(query, doc)) continue;
    out.push({
      itemId: i.id,
      title: doc.original.title,
      excerpt: excerpt(query, doc),
      url: i.link,
      source: i.feed_title,
      language: i.language,
      publishedAt: i.published_at.toISOString(),
    });
    if (out.length >= 100) break;
  }
  return { scanned: items.length, matches: out };
}

// ------------------------------------------------------------------------------------------- matches

function presentMatch(m: repo.MatchRow & { alert_name: string }) {
  return {
    id: m.id,
    alertId: m.alert_id,
    alertName: m.alert_name,
    kind: m.kind,
    feedItemId: m.feed_item_id,
    network: m.network,
    title: m.title,
    excerpt: m.excerpt,
    url: m.url,
    source: m.source_name,
    author: m.author,
    language: m.language,
    publishedAt: m.published_at.toISOString(),
    matchedAt: m.matched_at.toISOString(),
    seen: m.seen_at !== null,
  };
}

export async function listMatches(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  q: { alertId?: string; seen?: "true" | "false"; kind?: "feed_item" | "network_post"; limit: number; cursor?: string },
) {
  await authorize(ctx, user, workspaceId, "alerts.read");
  if (q.alertId) await alertOr404(ctx, workspaceId, q.alertId);
  const before = q.cursor
    ? { matchedAt: new Date(q.cursor.slice(0, q.cursor.indexOf("_"))), id: q.cursor.slice(q.cursor.indexOf("_") + 1) }
    : undefined;
  if (before && Number.isNaN(before.matchedAt.getTime())) throw new AppError("validation_failed");
  const rows = await repo.listMatches(ctx.db, workspaceId, {
    alertId: q.alertId,
    seen: q.seen === undefined ? undefined : q.seen === "true",
    kind: q.kind,
    before,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentMatch),
    nextCursor: rows.length > q.limit && last ? `${last.matched_at.toISOString()}_${last.id}` : null,
  };
}

export async function markSeen(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  body: { ids?: string[]; all?: true; alertId?: string; seen: boolean },
) {
  await authorize(ctx, user, workspaceId, "alerts.read");
  if (body.alertId) await alertOr404(ctx, workspaceId, body.alertId);
  const updated = await repo.markSeen(
    ctx.db,
    workspaceId,
    body.ids ? { ids: body.ids } : { alertId: body.alertId ?? null },
    body.seen,
  );
  return { updated };
}

// ------------------------------------------------------------------------------------------- presets

/** Words that mostly bring noise to brand watch: job ads. */
const NOISE = ['"offre d\'emploi"', "recrutement", '"job offer"'];

function phrase(s: string): string | null {
  const clean = s
    .replace(/["«»“”„]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return foldedTokens(clean).length ? `"${clean}"` : null;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return null;
  }
}

/** A preset query: the name or any handle, minus the subject's own site and job ads. */
export function presetQuery(name: string, handles: CompetitorHandle[], website: string | null): string | null {
  const names = [phrase(name), ...handles.map((h) => phrase(h.handle.replace(/^@/, "")))].filter(
    (x): x is string => !!x,
  );
  const unique = [...new Set(names)];
  if (!unique.length) return null;
  const host = hostOf(website);
  const parts = [unique.length === 1 ? unique[0]! : `(${unique.join(" OR ")})`];
  if (host && foldedTokens(host).length) parts.push(`-source:${host}`);
  parts.push(...NOISE.map((n) => `-${n}`));
  const q = parts.join(" ");
  try {
    parseQuery(q);
    return q;
  } catch {
    return null;
  }
}

/** Suggested alerts: one for the brand (the workspace's name), one per competitor. */
export async function presets(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "alerts.read");
  const ws = await repo.workspaceInfo(ctx.db, workspaceId);
  const [comps, alerts] = await Promise.all([
    repo.competitors(ctx.db, workspaceId),
    repo.listAlerts(ctx.db, workspaceId),
  ]);
  const fr = ws.locale === "fr";
  const out = [];
  const brand = presetQuery(ws.name, [], null);
  if (brand)
    out.push({
      preset: "brand" as const,
      competitorId: null,
      name: fr ? `Marque — ${ws.name}` : `Brand — ${ws.name}`,
      query: brand,
      exists: alerts.some((a) => a.preset === "brand"),
    });
  for (const c of comps) {
    const q = presetQuery(c.name, c.handles, c.website);
    if (!q) continue;
    out.push({
      preset: "competitor" as const,
      competitorId: c.id,
      name: fr ? `Concurrent — ${c.name}` : `Competitor — ${c.name}`,
      query: q,
      exists: alerts.some((a) => a.preset === "competitor" && a.competitor_id === c.id),
    });
  }
  return out;
}
