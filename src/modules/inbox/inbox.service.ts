import { getConnector } from "../../connectors/registry.js";
import type { AppContext } from "../../context.js";
import type { InteractionKind } from "../../db/schema.js";
import { AppError, notFound } from "../../lib/errors.js";
import * as accountsRepo from "../accounts/accounts.repo.js";
import { snapshotMetrics } from "../analytics/metrics.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./interactions.repo.js";
import { syncAccountInteractions } from "./sync.service.js";

/** The API side of interactions: list with filters and paging, an account's sync status, "sync now". */

function present(r: repo.ListedInteraction) {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    network: r.network,
    kind: r.kind,
    externalId: r.external_id,
    author: {
      externalId: r.author_external_id,
      handle: r.author_handle,
      name: r.author_name,
      avatarUrl: r.author_avatar_url,
    },
    text: r.text,
    url: r.url,
    occurredAt: r.occurred_at.toISOString(),
    postTargetId: r.post_target_id,
    postId: r.post_id,
    postUrl: r.target_url,
    readAt: r.read_at?.toISOString() ?? null,
    handledAt: r.handled_at?.toISOString() ?? null,
  };
}

function encodeCursor(r: { occurred_at: Date; id: string }): string {
  return Buffer.from(`${r.occurred_at.toISOString()}|${r.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const occurredAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(occurredAt.getTime())) {
    throw new AppError("validation_failed", {}, [{ path: "querystring.cursor", message: "invalid cursor" }]);
  }
  return { occurredAt, id };
}

export async function list(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  q: {
    accountId?: string;
    kind?: InteractionKind;
    postId?: string;
    postTargetId?: string;
    since?: string;
    limit: number;
    cursor?: string;
  },
) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.read");
  const rows = await repo.list(ctx.db, workspaceId, {
    accountId: q.accountId,
    kind: q.kind,
    postId: q.postId,
    postTargetId: q.postTargetId,
    since: q.since ? new Date(q.since) : undefined,
    before: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(present), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}

async function statusOf(ctx: AppContext, workspaceId: string, accountId: string) {
  const row = await accountsRepo.find(ctx.db, workspaceId, accountId);
  if (!row) throw notFound("account");
  return {
    accountId: row.id,
    status: row.status,
    statusReason: row.status_reason,
    canSync: Boolean(getConnector(row.network)?.readInteractions),
    lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
    lastSyncError: row.last_sync_error,
    lastSyncErrorAt: row.last_sync_error_at?.toISOString() ?? null,
    nextSyncNotBefore:
      row.sync_not_before && row.sync_not_before > new Date() ? row.sync_not_before.toISOString() : null,
    backfillPending: row.sync_cursor !== null,
    interactionCount: await repo.countForAccount(ctx.db, workspaceId, accountId),
  };
}

export async function syncStatus(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.read");
  return statusOf(ctx, workspaceId, accountId);
}

/** Pages read by a "sync now" request; a longer backlog continues in the background job. */
const SYNC_NOW_PAGES = 10;

/**
 * "Sync now" (manager+): reads new interactions and takes a snapshot of the account's counters and of its
 * posts' metrics, in the request. Refused for a network Relais cannot read; an account needing a
 * reconnect answers 409 account_not_active. Network refusals are recorded and shown in the status.
 */
export async function syncNow(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const row = await accountsRepo.find(ctx.db, workspaceId, accountId);
  if (!row) throw notFound("account");
  const connector = getConnector(row.network);
  if (!connector?.readInteractions && !connector?.readPostMetrics && !connector?.readAccountMetrics) {
    throw new AppError("sync_unsupported", { account: row.display_name });
  }
  if (row.status !== "active") throw new AppError("account_not_active", { account: row.display_name });
  // Asked by a person: any wait after a rate limit the network set still holds (skipped_waiting).
  const r = await syncAccountInteractions(ctx, workspaceId, accountId, { maxPages: SYNC_NOW_PAGES });
  let snapshots = 0;
  if (r.status === "ok" || r.status === "unsupported") {
    const s = await snapshotMetrics(ctx, { workspaceId, accountId, force: true });
    snapshots = s.posts + s.accounts;
  }
  return {
    result: { status: r.status, inserted: r.inserted, snapshots },
    sync: await statusOf(ctx, workspaceId, accountId),
  };
}
