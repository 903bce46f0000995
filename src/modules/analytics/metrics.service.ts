import { listConnectors } from "../../connectors/registry.js";
import { ConnectorError, type PostMetrics } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../lib/errors.js";
import * as accounts from "../accounts/accounts.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { onNetworkError } from "../inbox/sync.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./metrics.repo.js";

/**
 * Metric snapshots (docs/SOCIAL-SYNC.md). Entry point for jobs and end-to-end tests:
 *
 *   snapshotMetrics(ctx, options?) → { posts, accounts, failures }
 *     Takes a snapshot of every published target that is due by the schedule below (or all of them with
 *     `force`), batching readPostMetrics ≤ 25 ids per call, and of every account whose last snapshot is
 *     an hour old. Rows are appended, never updated. Options narrow it to one workspace or account and
 *     give the clock (`now`) for tests. Network errors are recorded on the account (auth_expired →
 *     reconnect needed + notification; rate_limited → the account waits) and never stop other accounts.
 *
 * Schedule of a published target (age since publication → minimum gap between two snapshots):
 *   < 6 h: 15 min · < 48 h: 1 h · < 30 days: 1 day · then no more snapshots.
 * Accounts (followers, following, posts): hourly.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const POST_SCHEDULE: readonly { untilAgeMs: number; everyMs: number }[] = [
  { untilAgeMs: 6 * HOUR, everyMs: 15 * MINUTE },
  { untilAgeMs: 48 * HOUR, everyMs: HOUR },
  { untilAgeMs: 30 * DAY, everyMs: DAY },
];
export const ACCOUNT_EVERY_MS = HOUR;
/** The job runs every 5 minutes: a snapshot a little early beats one a whole run late. */
const SLACK_MS = 2 * MINUTE;
export const BATCH = 25;
const CONCURRENCY = 4;

/** The gap wanted between two snapshots of a post this old, or null once it is no longer followed. */
export function snapshotInterval(ageMs: number): number | null {
  if (ageMs < 0) return POST_SCHEDULE[0]!.everyMs;
  return POST_SCHEDULE.find((s) => ageMs < s.untilAgeMs)?.everyMs ?? null;
}

export function isPostDue(publishedAt: Date, lastTakenAt: Date | null, now: Date): boolean {
  const every = snapshotInterval(now.getTime() - publishedAt.getTime());
  if (every == null) return false;
  return !lastTakenAt || now.getTime() - lastTakenAt.getTime() >= every - SLACK_MS;
}

export function isAccountDue(lastTakenAt: Date | null, now: Date): boolean {
  return !lastTakenAt || now.getTime() - lastTakenAt.getTime() >= ACCOUNT_EVERY_MS - SLACK_MS;
}

const maxAge = POST_SCHEDULE[POST_SCHEDULE.length - 1]!.untilAgeMs;

function networksWith(method: "readPostMetrics" | "readAccountMetrics"): string[] {
  return listConnectors()
    .filter((c) => typeof c[method] === "function")
    .map((c) => c.network);
}

export interface SnapshotResult {
  posts: number;
  accounts: number;
  failures: number;
}

export async function snapshotMetrics(
  ctx: AppContext,
  options: { now?: Date; workspaceId?: string; accountId?: string; force?: boolean } = {},
): Promise<SnapshotResult> {
  const now = options.now ?? new Date();
  const scope = { workspaceId: options.workspaceId, accountId: options.accountId };
  const posts = (await repo.postCandidates(ctx.db, networksWith("readPostMetrics"), now, maxAge, scope)).filter(
    (c) => options.force || isPostDue(c.published_at, c.last_taken_at, now),
  );
  const accts = (await repo.accountCandidates(ctx.db, networksWith("readAccountMetrics"), now, scope)).filter(
    (a) => options.force || isAccountDue(a.last_taken_at, now),
  );
  // Work per account: its targets in batches, then its counters.
  const byAccount = new Map<string, { workspaceId: string; targets: repo.PostCandidate[]; counters: boolean }>();
  for (const p of posts) {
    const e = byAccount.get(p.account_id) ?? { workspaceId: p.workspace_id, targets: [], counters: false };
    e.targets.push(p);
    byAccount.set(p.account_id, e);
  }
  for (const a of accts) {
    const e = byAccount.get(a.id) ?? { workspaceId: a.workspace_id, targets: [], counters: false };
    e.counters = true;
    byAccount.set(a.id, e);
  }
  const result: SnapshotResult = { posts: 0, accounts: 0, failures: 0 };
  const queue = [...byAccount.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [accountId, work] = next;
      try {
        await snapshotAccount(ctx, accountId, work, now, result);
      } catch (err) {
        result.failures++;
        if (err instanceof ConnectorError) await onNetworkError(ctx, work.workspaceId, accountId, now, err);
        else ctx.logger.error({ err, accountId }, "metrics snapshot failed");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return result;
}

async function snapshotAccount(
  ctx: AppContext,
  accountId: string,
  work: { workspaceId: string; targets: repo.PostCandidate[]; counters: boolean },
  now: Date,
  result: SnapshotResult,
): Promise<void> {
  const { connector, secrets } = await accounts.loadForPublishing(ctx, work.workspaceId, accountId);
  if (connector.readPostMetrics) {
    for (let i = 0; i < work.targets.length; i += BATCH) {
      const batch = work.targets.slice(i, i + BATCH);
      const metrics = await connector.readPostMetrics(
        secrets,
        batch.map((t) => t.external_id),
      );
      result.posts += await repo.insertPostSnapshots(
        ctx.db,
        batch.flatMap((t) => {
          const m = metrics.get(t.external_id);
          return m ? [{ workspace_id: t.workspace_id, post_target_id: t.id, taken_at: now, ...counters(m) }] : [];
        }),
      );
    }
  }
  if (work.counters && connector.readAccountMetrics) {
    const m = await connector.readAccountMetrics(secrets);
    await repo.insertAccountSnapshot(ctx.db, {
      workspace_id: work.workspaceId,
      account_id: accountId,
      taken_at: now,
      followers: count(m.followers),
      following: count(m.following),
      posts: count(m.posts),
    });
    result.accounts++;
  }
}

function count(n: number | null | undefined): number | null {
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.min(Math.round(n), 2_147_483_647) : null;
}

function counters(m: PostMetrics) {
  return {
    likes: count(m.likes),
    reposts: count(m.reposts),
    replies: count(m.replies),
    quotes: count(m.quotes),
    impressions: count(m.impressions),
  };
}

// ——— API ———

function presentPostPoint(r: Awaited<ReturnType<typeof repo.postSeries>>[number]) {
  return {
    takenAt: r.taken_at.toISOString(),
    likes: r.likes,
    reposts: r.reposts,
    replies: r.replies,
    quotes: r.quotes,
    impressions: r.impressions,
  };
}

/** A target's snapshots, oldest first (at most `limit`, the newest ones), and the latest. */
export async function targetMetrics(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  postId: string,
  targetId: string,
  limit = 500,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  const target = await repo.findTarget(ctx.db, workspaceId, postId, targetId);
  if (!target) throw notFound("target");
  const rows = await repo.postSeries(ctx.db, workspaceId, targetId, limit);
  const series = rows.reverse().map(presentPostPoint);
  return {
    targetId,
    url: target.external_url,
    publishedAt: target.published_at?.toISOString() ?? null,
    latest: series[series.length - 1] ?? null,
    series,
  };
}

/** An account's follower series since `since` (default 30 days), oldest first, and the latest counters. */
export async function accountMetrics(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  accountId: string,
  options: { since?: Date; limit?: number } = {},
) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.read");
  const account = await accounts.get(ctx, user, workspaceId, accountId);
  const since = options.since ?? new Date(Date.now() - 30 * DAY);
  const rows = await repo.accountSeries(ctx.db, workspaceId, accountId, since, options.limit ?? 1000);
  const latest = await repo.latestAccountSnapshot(ctx.db, workspaceId, accountId);
  const point = (r: NonNullable<typeof latest>) => ({
    takenAt: r.taken_at.toISOString(),
    followers: r.followers,
    following: r.following,
    posts: r.posts,
  });
  return {
    accountId: account.id,
    latest: latest ? point(latest) : null,
    series: rows.reverse().map(point),
  };
}
