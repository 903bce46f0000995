import { type Insertable, type Kysely, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type {
  AlertDeliveriesTable,
  AlertDeliveryChannel,
  AlertMatchesTable,
  AlertsTable,
  DB,
} from "../../../db/schema.js";

/** Queries of the alerts domain. Every workspace-scoped function takes the workspace id. */

type Db = Kysely<DB> | Transaction<DB>;
export type AlertRow = Selectable<AlertsTable>;
export type MatchRow = Selectable<AlertMatchesTable>;
export type NewMatch = Omit<Insertable<AlertMatchesTable>, "workspace_id" | "alert_id">;
export type DeliveryRow = Selectable<AlertDeliveriesTable>;

export function listAlerts(db: Db, workspaceId: string): Promise<AlertRow[]> {
  return db
    .selectFrom("alerts")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .orderBy(sql`lower(name)`)
    .execute();
}

export function findAlert(db: Db, workspaceId: string, alertId: string): Promise<AlertRow | undefined> {
  return db
    .selectFrom("alerts")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", alertId)
    .executeTakeFirst();
}

export async function insertAlert(
  db: Db,
  workspaceId: string,
  values: Omit<Insertable<AlertsTable>, "workspace_id">,
): Promise<AlertRow> {
  return db
    .insertInto("alerts")
    .values({ ...values, workspace_id: workspaceId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateAlert(
  db: Db,
  workspaceId: string,
  alertId: string,
  patch: Updateable<AlertsTable>,
): Promise<AlertRow | undefined> {
  return db
    .updateTable("alerts")
    .set({ ...patch, updated_at: new Date() })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", alertId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteAlert(db: Db, workspaceId: string, alertId: string): Promise<boolean> {
  const r = await db
    .deleteFrom("alerts")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", alertId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function unseenCounts(db: Db, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("alert_matches")
    .select(["alert_id", sql<number>`count(*)::int`.as("n")])
    .where("workspace_id", "=", workspaceId)
    .where("seen_at", "is", null)
    .groupBy("alert_id")
    .execute();
  return new Map(rows.map((r) => [r.alert_id, r.n]));
}

/** Enabled alerts of every workspace that look at feeds / networks (the scan jobs). */
export function enabledAlerts(db: Db, what: "feeds" | "networks", workspaceId?: string): Promise<AlertRow[]> {
  let q = db
    .selectFrom("alerts")
    .selectAll()
    .where("enabled", "=", true)
    .where(what === "feeds" ? "search_feeds" : "search_networks", "=", true);
  if (workspaceId) q = q.where("workspace_id", "=", workspaceId);
  return q.orderBy("workspace_id").orderBy("id").execute();
}

/** Stores matches once: returns only the rows that were new (the unique key drops repeats). */
export async function insertMatches(
  db: Db,
  workspaceId: string,
  alertId: string,
  matches: NewMatch[],
): Promise<MatchRow[]> {
  if (!matches.length) return [];
  // Millisecond precision (JS dates), so the keyset cursor of the matches list compares exactly.
  const matchedAt = new Date();
  return db
    .insertInto("alert_matches")
    .values(matches.map((m) => ({ ...m, workspace_id: workspaceId, alert_id: alertId, matched_at: matchedAt })))
    .onConflict((oc) => oc.columns(["alert_id", "source_key"]).doNothing())
    .returningAll()
    .execute();
}

export interface MatchFilter {
  alertId?: string;
  seen?: boolean;
  kind?: "feed_item" | "network_post";
  before?: { matchedAt: Date; id: string };
  limit: number;
}

export function listMatches(db: Db, workspaceId: string, f: MatchFilter) {
  let q = db
    .selectFrom("alert_matches as m")
    .innerJoin("alerts as a", "a.id", "m.alert_id")
    .selectAll("m")
    .select("a.name as alert_name")
    .where("m.workspace_id", "=", workspaceId);
  if (f.alertId) q = q.where("m.alert_id", "=", f.alertId);
  if (f.seen !== undefined) q = q.where("m.seen_at", f.seen ? "is not" : "is", null);
  if (f.kind) q = q.where("m.kind", "=", f.kind);
  if (f.before) {
    const b = f.before;
    q = q.where((eb) =>
      eb.or([
        eb("m.matched_at", "<", b.matchedAt),
        eb.and([eb("m.matched_at", "=", b.matchedAt), eb("m.id", "<", b.id)]),
      ]),
    );
  }
  return q.orderBy("m.matched_at", "desc").orderBy("m.id", "desc").limit(f.limit).execute();
}

export function findMatch(db: Db, workspaceId: string, matchId: string) {
  return db
    .selectFrom("alert_matches")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", matchId)
    .executeTakeFirst();
}

export async function markSeen(
  db: Db,
  workspaceId: string,
  target: { ids: string[] } | { alertId: string | null },
  seen: boolean,
): Promise<number> {
  let q = db
    .updateTable("alert_matches")
    .set({ seen_at: seen ? new Date() : null })
    .where("workspace_id", "=", workspaceId)
    .where("seen_at", seen ? "is" : "is not", null);
  if ("ids" in target) q = q.where("id", "in", target.ids);
  else if (target.alertId) q = q.where("alert_id", "=", target.alertId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Claims matches for immediate delivery: only those nobody delivered yet come back. */
export function claimForImmediate(db: Db, workspaceId: string, ids: string[]): Promise<MatchRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return db
    .updateTable("alert_matches")
    .set({ notified_at: new Date() })
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .where("notified_at", "is", null)
    .returningAll()
    .execute();
}

export function matchesByIds(db: Db, workspaceId: string, ids: string[]): Promise<MatchRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("alert_matches")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", ids)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** A delivery that failed for good (the network search's errors have their own columns: network_error). */
export function setAlertError(db: Db, workspaceId: string, alertId: string, error: string | null) {
  return db
    .updateTable("alerts")
    .set({ last_error: error, last_error_at: error ? new Date() : null })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", alertId)
    .execute();
}

// ------------------------------------------------------------------------------------------- feed items

export interface FeedItemForMatching {
  id: string;
  title: string;
  summary: string;
  content: string;
  full_text: string | null;
  link: string | null;
  author: string | null;
  language: string | null;
  published_at: Date;
  fetched_at: Date;
  feed_title: string;
  feed_url: string;
  site_url: string | null;
}

function itemsQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom("feed_items as i")
    .innerJoin("feeds as f", "f.id", "i.feed_id")
    .select([
      "i.id",
      "i.title",
      "i.summary",
      "i.content",
      "i.full_text",
      "i.link",
      "i.author",
      "i.language",
      "i.published_at",
      "i.fetched_at",
      "f.title as feed_title",
      "f.url as feed_url",
      "f.site_url",
    ])
    .where("i.workspace_id", "=", workspaceId);
}

export function itemsByIds(db: Db, workspaceId: string, ids: string[]): Promise<FeedItemForMatching[]> {
  if (!ids.length) return Promise.resolve([]);
  return itemsQuery(db, workspaceId).where("i.id", "in", ids).execute();
}

/** Items fetched after `after`, oldest first (the scan's high-water mark walks forward). */
export function itemsFetchedAfter(db: Db, workspaceId: string, after: Date, limit: number) {
  return itemsQuery(db, workspaceId)
    .where("i.fetched_at", ">", after)
    .orderBy("i.fetched_at")
    .orderBy("i.id")
    .limit(limit)
    .execute();
}

/** The newest items of the workspace (preview). */
export function recentItems(db: Db, workspaceId: string, limit: number) {
  return itemsQuery(db, workspaceId).orderBy("i.published_at", "desc").orderBy("i.id", "desc").limit(limit).execute();
}

// ------------------------------------------------------------------------------------------- digests

/** Alerts whose digest is due, locked so two workers never build the same one. */
export function lockDueDigests(trx: Transaction<DB>, now: Date, limit: number) {
  return trx
    .selectFrom("alerts as a")
    .innerJoin("workspaces as w", "w.id", "a.workspace_id")
    .selectAll("a")
    .select(["w.timezone", "w.locale as workspace_locale", "w.name as workspace_name"])
    .where("a.next_digest_at", "<=", now)
    .where("a.email_mode", "in", ["daily", "weekly"])
    .orderBy("a.next_digest_at")
    .limit(limit)
    .forUpdate("a")
    .skipLocked()
    .execute();
}

export async function insertDigest(
  trx: Transaction<DB>,
  workspaceId: string,
  alertId: string,
  periodEnd: Date,
): Promise<string | null> {
  const row = await trx
    .insertInto("alert_digests")
    .values({ workspace_id: workspaceId, alert_id: alertId, period_end: periodEnd })
    .onConflict((oc) => oc.columns(["alert_id", "period_end"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Gives the digest every match of the alert not yet in a digest nor sent immediately. */
export async function attachToDigest(
  trx: Transaction<DB>,
  workspaceId: string,
  alertId: string,
  digestId: string,
  periodEnd: Date,
): Promise<number> {
  const r = await trx
    .updateTable("alert_matches")
    .set({ digest_id: digestId })
    .where("workspace_id", "=", workspaceId)
    .where("alert_id", "=", alertId)
    .where("digest_id", "is", null)
    .where("notified_at", "is", null)
    .where("matched_at", "<=", periodEnd)
    .executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  await trx
    .updateTable("alert_digests")
    .set({ match_count: n, ...(n === 0 ? { status: "empty" as const } : {}) })
    .where("id", "=", digestId)
    .execute();
  return n;
}

export function advanceDigest(trx: Transaction<DB>, alertId: string, next: Date | null) {
  return trx.updateTable("alerts").set({ next_digest_at: next }).where("id", "=", alertId).execute();
}

export function digestMatches(db: Db, workspaceId: string, digestId: string): Promise<MatchRow[]> {
  return db
    .selectFrom("alert_matches")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("digest_id", "=", digestId)
    .orderBy("published_at", "desc")
    .execute();
}

export function workspaceInfo(db: Db, workspaceId: string) {
  return db
    .selectFrom("workspaces")
    .select(["id", "name", "timezone", "locale"])
    .where("id", "=", workspaceId)
    .executeTakeFirstOrThrow();
}

export function competitors(db: Db, workspaceId: string) {
  return db
    .selectFrom("competitors")
    .select(["id", "name", "website", "handles"])
    .where("workspace_id", "=", workspaceId)
    .orderBy(sql`lower(name)`)
    .execute();
}

/** Active accounts of the workspace (the caller keeps those whose connector can search). */
export function activeAccounts(db: Db, workspaceId: string) {
  return db
    .selectFrom("social_accounts")
    .select(["id", "network", "display_name"])
    .where("workspace_id", "=", workspaceId)
    .where("status", "=", "active")
    .execute();
}

/** Marks a digest that has matches: queued for its recipients (sending), or failed when it has none. */
export function queueDigest(trx: Transaction<DB>, digestId: string, queued: boolean) {
  return trx
    .updateTable("alert_digests")
    .set(queued ? { status: "sending" } : { status: "failed", error: "nothing to send" })
    .where("id", "=", digestId)
    .execute();
}

// ------------------------------------------------------------------------------------------- deliveries

export interface NewDelivery {
  channel: AlertDeliveryChannel;
  recipient?: string | null;
  matchIds?: string[];
  digestId?: string | null;
}

/** Writes outbox rows (in the transaction that claimed their matches or built their digest). Returns ids. */
export async function insertDeliveries(
  trx: Transaction<DB>,
  workspaceId: string,
  alertId: string,
  rows: NewDelivery[],
  now: Date,
): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await trx
    .insertInto("alert_deliveries")
    .values(
      rows.map((r) => ({
        workspace_id: workspaceId,
        alert_id: alertId,
        channel: r.channel,
        recipient: r.recipient ?? null,
        match_ids: JSON.stringify(r.matchIds ?? []),
        digest_id: r.digestId ?? null,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      })),
    )
    .returning("id")
    .execute();
  return inserted.map((r) => r.id);
}

/**
 * Claims one due delivery: pending → sending with a lease, attempts + 1. The row is picked with
 * FOR UPDATE SKIP LOCKED and the update re-checks the status, so two workers never get the same one.
 * `ids` limits the claim to those deliveries (the eager send right after they were written).
 */
export function claimDueDelivery(
  db: Db,
  now: Date,
  leaseUntil: Date,
  ids?: string[],
): Promise<DeliveryRow | undefined> {
  if (ids && !ids.length) return Promise.resolve(undefined);
  return db
    .updateTable("alert_deliveries")
    .set({ status: "sending", attempts: sql<number>`attempts + 1`, lease_until: leaseUntil, updated_at: now })
    .where("status", "=", "pending")
    .where("id", "=", (eb) => {
      let q = eb
        .selectFrom("alert_deliveries")
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now);
      if (ids) q = q.where("id", "in", ids);
      return q.orderBy("next_attempt_at").orderBy("id").limit(1).forUpdate().skipLocked();
    })
    .returningAll()
    .executeTakeFirst();
}

export type DeliveryOutcome =
  | { status: "sent" }
  | { status: "pending"; nextAttemptAt: Date; error: string }
  | { status: "failed" | "cancelled"; error: string };

/**
 * Records how an attempt ended. Fenced by the attempt number: a worker whose lease expired (and whose row
 * another worker claimed again) changes nothing. False when the row was not ours any more.
 */
export async function finishDelivery(
  db: Db,
  d: Pick<DeliveryRow, "id" | "attempts">,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<boolean> {
  const set =
    outcome.status === "sent"
      ? { status: "sent" as const, sent_at: now, last_error: null }
      : outcome.status === "pending"
        ? { status: "pending" as const, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error }
        : { status: outcome.status, last_error: outcome.error };
  const r = await db
    .updateTable("alert_deliveries")
    .set({ ...set, lease_until: null, updated_at: now })
    .where("id", "=", d.id)
    .where("status", "=", "sending")
    .where("attempts", "=", d.attempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Deliveries left in `sending` past their lease (the process died mid-send) go back to pending, due now
 * (their attempt counted), or to failed when that was their last attempt.
 */
export function releaseExpiredLeases(db: Db, now: Date, maxAttempts: number): Promise<DeliveryRow[]> {
  return db
    .updateTable("alert_deliveries")
    .set({
      status: sql<"pending" | "failed">`case when attempts >= ${maxAttempts} then 'failed' else 'pending' end`,
      next_attempt_at: now,
      lease_until: null,
      last_error: "interrupted (lease expired)",
      updated_at: now,
    })
    .where("status", "=", "sending")
    .where("lease_until", "<", now)
    .returningAll()
    .execute();
}

/**
 * A digest whose deliveries are all finished: sent when every one was, else failed with the first error.
 * Nothing while some are still pending or sending.
 */
export async function settleDigest(db: Db, digestId: string, now: Date): Promise<void> {
  await sql`
    update alert_digests d
       set status = case when exists (select 1 from alert_deliveries x where x.digest_id = d.id and x.status <> 'sent')
                         then 'failed' else 'sent' end,
           sent_at = case when exists (select 1 from alert_deliveries x where x.digest_id = d.id and x.status = 'sent')
                          then ${now}::timestamptz end,
           error = (select x.last_error from alert_deliveries x
                     where x.digest_id = d.id and x.status <> 'sent' order by x.updated_at, x.id limit 1)
     where d.id = ${digestId} and d.status = 'sending'
       and not exists (select 1 from alert_deliveries x
                        where x.digest_id = d.id and x.status in ('pending', 'sending'))`.execute(db);
}

export function findDelivery(db: Db, deliveryId: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom("alert_deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirst();
}
