import { getConnector, listConnectors } from "../../connectors/registry.js";
import { ConnectorError, type FetchedInteraction } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import * as accountsRepo from "../accounts/accounts.repo.js";
import * as accounts from "../accounts/accounts.service.js";
import * as repo from "./interactions.repo.js";

/**
 * Interactions sync (docs/SOCIAL-SYNC.md). Entry points for jobs and end-to-end tests:
 *
 *   syncAccountInteractions(ctx, workspaceId, accountId, options?) → SyncResult
 *     Reads the account's interactions newest first, page after page, until it meets one already stored
 *     (incremental), inserts the new ones idempotently (ON CONFLICT DO NOTHING) linked to our post target
 *     (first post or any thread part), and records the outcome on the account (last_synced_at /
 *     last_sync_error). Never throws for a network's answer: the result says what happened
 *     (`retry: true` for transient errors — the job throws then, so pg-boss retries with backoff).
 *     auth_expired → the account becomes "reconnect needed" and owners/managers are notified (once).
 *     rate_limited → the account waits retryAfter seconds (sync_not_before) before its next sync.
 *     A refreshed session is stored encrypted through the connector's persistCredentials.
 *
 *   enqueueSync(ctx, workspaceId, accountId, startAfter?) → queues one sync job for the account (pg-boss
 *     singleton per account).
 *
 * Two syncs of one account never run at once: a lease on the account row (sync_lease_until) is taken
 * first, whichever worker, cron or request asks.
 */

export const PAGE_SIZE = 100;
/** Pages read per run; a longer backlog (first sync of a busy account) continues from sync_cursor next run. */
export const MAX_PAGES = 100;
const LEASE_SECONDS = 10 * 60;
const DEFAULT_RATE_LIMIT_WAIT = 60;

export type SyncStatus =
  | "ok"
  | "skipped_inactive"
  | "skipped_busy"
  | "skipped_waiting"
  | "unsupported"
  | "auth_expired"
  | "rate_limited"
  | "failed";

export interface SyncResult {
  status: SyncStatus;
  /** New interactions stored by this run. */
  inserted: number;
  /** Pages read from the network. */
  pages: number;
  /** True when the failure is transient: the job should be retried with backoff. */
  retry: boolean;
  error?: string;
  retryAfterSeconds?: number;
}

const key = (i: { kind: string; externalId: string }) => `${i.kind}\u0000${i.externalId}`;

/** Networks whose adapter can read interactions. */
export function syncableNetworks(): string[] {
  return listConnectors()
    .filter((c) => typeof c.readInteractions === "function")
    .map((c) => c.network);
}

export async function syncAccountInteractions(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  options: { now?: Date; maxPages?: number; pageSize?: number } = {},
): Promise<SyncResult> {
  const now = options.now ?? new Date();
  const result: SyncResult = { status: "ok", inserted: 0, pages: 0, retry: false };
  const row = await accountsRepo.find(ctx.db, workspaceId, accountId);
  if (!row || row.status !== "active") return { ...result, status: "skipped_inactive" };
  if (row.sync_not_before && row.sync_not_before > now) return { ...result, status: "skipped_waiting" };
  if (!getConnector(row.network)?.readInteractions) return { ...result, status: "unsupported" };
  if (!(await repo.takeLease(ctx.db, workspaceId, accountId, now, LEASE_SECONDS))) {
    return { ...result, status: "skipped_busy" };
  }
  try {
    const { connector, secrets } = await accounts.loadForPublishing(ctx, workspaceId, accountId);
    const read = connector.readInteractions;
    if (!read) return { ...result, status: "unsupported" };
    const maxPages = options.maxPages ?? MAX_PAGES;
    const limit = options.pageSize ?? PAGE_SIZE;
    // Where a cut-off backfill resumes; kept until that backfill meets stored interactions or the end.
    let backlog = row.sync_cursor;
    const head = { cursor: null as string | null, pages: 0 };
    try {
      // 1. Newest first, until something already stored (or the end, or the page budget).
      const cut = await readUntilKnown(ctx, workspaceId, accountId, read, secrets, head, maxPages, limit, result);
      if (cut && !backlog) {
        backlog = head.cursor;
        await repo.setCursor(ctx.db, workspaceId, accountId, backlog);
      }
      // 2. An unfinished backfill from an earlier run continues where it stopped.
      if (!cut && backlog && result.pages < maxPages) {
        const tail = { cursor: backlog as string | null, pages: 0 };
        const tailCut = await readUntilKnown(
          ctx,
          workspaceId,
          accountId,
          read,
          secrets,
          tail,
          maxPages - result.pages,
          limit,
          result,
          async (cursor) => repo.setCursor(ctx.db, workspaceId, accountId, cursor),
        );
        if (!tailCut) await repo.setCursor(ctx.db, workspaceId, accountId, null);
      }
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      // The head stopped halfway: the next run resumes the older pages from where it failed (unless an
      // older backfill is already pending: then the gap between them is fetched no more).
      if (head.pages > 0 && head.cursor && !backlog) await repo.setCursor(ctx.db, workspaceId, accountId, head.cursor);
      return {
        ...(await onNetworkError(ctx, workspaceId, accountId, now, err)),
        inserted: result.inserted,
        pages: result.pages,
      };
    }
    await repo.recordSuccess(ctx.db, workspaceId, accountId, new Date());
    return result;
  } catch (err) {
    // Credentials missing or undecryptable (loadForPublishing) are auth_expired too.
    if (err instanceof ConnectorError) return onNetworkError(ctx, workspaceId, accountId, now, err);
    throw err;
  } finally {
    await repo.releaseLease(ctx.db, workspaceId, accountId);
  }
}

type ReadFn = NonNullable<import("../../connectors/types.js").Connector["readInteractions"]>;

/**
 * Reads pages from `state.cursor` until a page holds an interaction already stored, the network has no
 * older page, or the budget is spent: returns true when cut by the budget (`state.cursor` is then the next
 * page). Each page is stored before the next is read, so a failure keeps what was read; `state` tells
 * where it stopped.
 */
async function readUntilKnown(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  read: ReadFn,
  secrets: Awaited<ReturnType<typeof accounts.loadForPublishing>>["secrets"],
  state: { cursor: string | null; pages: number },
  budget: number,
  limit: number,
  result: SyncResult,
  onPage?: (nextCursor: string | null) => Promise<void>,
): Promise<boolean> {
  for (let i = 0; i < budget; i++) {
    const page = await read(secrets, { cursor: state.cursor, limit });
    result.pages++;
    state.pages++;
    const items = page.items.filter(validItem);
    const known = await repo.existingKeys(ctx.db, workspaceId, accountId, items);
    const fresh = dedupe(items.filter((it) => !known.has(key(it))));
    result.inserted += await store(ctx, workspaceId, accountId, fresh);
    state.cursor = page.cursor;
    await onPage?.(page.cursor);
    if (known.size > 0 || !page.cursor || page.items.length === 0) return false;
  }
  return true;
}

function validItem(it: FetchedInteraction): boolean {
  return (
    typeof it.externalId === "string" &&
    it.externalId.length > 0 &&
    ["reply", "mention", "quote", "repost", "like", "follow"].includes(it.kind) &&
    it.occurredAt instanceof Date &&
    !Number.isNaN(it.occurredAt.getTime())
  );
}

function dedupe(items: FetchedInteraction[]): FetchedInteraction[] {
  const seen = new Set<string>();
  return items.filter((it) => {
    if (seen.has(key(it))) return false;
    seen.add(key(it));
    return true;
  });
}

async function store(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  items: FetchedInteraction[],
): Promise<number> {
  if (!items.length) return 0;
  const subjects = items.map((i) => i.subjectExternalId).filter((s): s is string => Boolean(s));
  const targets = await repo.targetsBySubject(ctx.db, workspaceId, accountId, subjects);
  const cut = (s: string | null, n: number) => (s == null ? null : s.slice(0, n));
  return repo.insertMany(
    ctx.db,
    workspaceId,
    accountId,
    items.map((it) => ({
      kind: it.kind,
      external_id: it.externalId,
      subject_external_id: it.subjectExternalId,
      post_target_id: it.subjectExternalId ? (targets.get(it.subjectExternalId) ?? null) : null,
      author_external_id: cut(it.authorExternalId, 500),
      author_handle: cut(it.authorHandle, 500),
      author_name: cut(it.authorName, 500),
      author_avatar_url: cut(it.authorAvatarUrl, 2000),
      text: cut(it.text, 20_000),
      url: cut(it.url, 2000),
      occurred_at: it.occurredAt,
    })),
  );
}

/** Records a network's refusal on the account and says what the caller should do. */
export async function onNetworkError(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  now: Date,
  err: ConnectorError,
): Promise<SyncResult> {
  const base = { inserted: 0, pages: 0, error: err.networkMessage };
  if (err.kind === "auth_expired") {
    await repo.recordError(ctx.db, workspaceId, accountId, now, `auth_expired: ${err.networkMessage}`, null);
    await accounts.markReconnectNeeded(ctx, workspaceId, accountId, err.networkMessage);
    return { ...base, status: "auth_expired", retry: false };
  }
  if (err.kind === "rate_limited") {
    const wait = Math.max(1, err.options.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_WAIT);
    const notBefore = new Date(now.getTime() + wait * 1000);
    await repo.recordError(ctx.db, workspaceId, accountId, now, `rate_limited: ${err.networkMessage}`, notBefore);
    if (ctx.jobs.started) await enqueueSync(ctx, workspaceId, accountId, notBefore);
    return { ...base, status: "rate_limited", retry: false, retryAfterSeconds: wait };
  }
  await repo.recordError(ctx.db, workspaceId, accountId, now, `${err.kind}: ${err.networkMessage}`, null);
  return { ...base, status: "failed", retry: err.kind === "transient" };
}

export const SYNC_JOB = "inbox.sync-account" as const;

/** Queues a sync of one account (at most one waiting per account: later sends are dropped). */
export async function enqueueSync(
  ctx: Pick<AppContext, "jobs">,
  workspaceId: string,
  accountId: string,
  startAfter?: Date,
): Promise<string | null> {
  return ctx.jobs.send(
    SYNC_JOB,
    { workspaceId, accountId },
    { singletonKey: accountId, ...(startAfter ? { startAfter } : {}) },
  );
}

/** The recurring dispatcher: one queued sync per active account whose network can be read. */
export async function enqueueDueSyncs(ctx: AppContext, now = new Date()): Promise<number> {
  const due = await repo.accountsToSync(ctx.db, syncableNetworks(), now);
  let sent = 0;
  for (const a of due) if (await enqueueSync(ctx, a.workspace_id, a.id)) sent++;
  return sent;
}
