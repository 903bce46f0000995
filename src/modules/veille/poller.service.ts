import { availableParallelism } from "node:os";
import type { AppContext } from "../../context.js";
import { type HttpClient, httpClientFor } from "../../lib/http-client.js";
import { type FetchResult, fetchFeed } from "./core.js";
import type { FeedRow } from "./feeds.repo.js";
import * as feeds from "./feeds.repo.js";
import { fetchFullTextLater } from "./fulltext.service.js";
import { ingestFeed } from "./ingest.service.js";
import { analyzeItems } from "./items.repo.js";

/**
 * The poller. A pg-boss cron tick (poller.jobs.ts, every minute) calls pollDueFeeds: it claims due feeds in
 * batches (claimDueFeeds: FOR UPDATE SKIP LOCKED plus a lease, so concurrent workers and overlapping ticks
 * never fetch a feed twice) and fetches them with a global concurrency limit and a per-host limit. Each
 * feed's outcome sets its next fetch time:
 * - new items → interval halved (busy feeds are polled more often), none or 304 → interval × 1.5, within
 *   [RELAIS_FEEDS_MIN_INTERVAL, RELAIS_FEEDS_MAX_INTERVAL]; never sooner than Cache-Control max-age; ±10 % jitter;
 * - error → exponential backoff (interval × 2^errors, at most the max interval), never sooner than Retry-After;
 *   the error kind and detail are stored on the feed;
 * - 410 Gone → gone_at set, the feed is not polled again (until the user asks "fetch now");
 * - a permanent redirect chain (301/308) → the feed's URL is replaced (unless the workspace already follows
 *   the new URL).
 * Every feed is handled in its own try/catch: one broken feed never stops the others.
 */

export interface PollOutcome {
  feedId: string;
  status: FetchResult["status"] | "failed";
  newItems: number;
  errorKind?: string;
}

/** Counting semaphore. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/** Global and per-host concurrency limits for one polling run. */
export class FetchLimiter {
  private readonly global: Semaphore;
  private readonly hosts = new Map<string, Semaphore>();
  constructor(
    concurrency: number,
    private readonly perHost: number,
  ) {
    this.global = new Semaphore(concurrency);
  }
  async run<T>(url: string, fn: () => Promise<T>): Promise<T> {
    let host = "";
    try {
      host = new URL(url).host.toLowerCase();
    } catch {}
    let sem = this.hosts.get(host);
    if (!sem) {
      sem = new Semaphore(this.perHost);
      this.hosts.set(host, sem);
    }
    await sem.acquire();
    await this.global.acquire();
    try {
      return await fn();
    } finally {
      this.global.release();
      sem.release();
      if (sem.idle) this.hosts.delete(host);
    }
  }
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

function jitter(seconds: number): number {
  return Math.round(seconds * (0.9 + Math.random() * 0.2));
}

/** The state a fetch outcome leaves on the feed (pure: tested without a database). */
export function nextState(
  feed: Pick<FeedRow, "interval_seconds" | "error_count">,
  result: FetchResult,
  newItems: number,
  bounds: { minIntervalSeconds: number; maxIntervalSeconds: number },
  now: Date,
): {
  interval_seconds: number;
  next_fetch_at: Date;
  error_count: number;
} {
  const { minIntervalSeconds: min, maxIntervalSeconds: max } = bounds;
  const current = clamp(feed.interval_seconds || 3600, min, max);
  if (result.status === "ok" || result.status === "not_modified") {
    const interval = clamp(Math.round(newItems > 0 ? current / 2 : current * 1.5), min, max);
    const wait = Math.max(interval, clamp(result.maxAgeSeconds ?? 0, 0, max));
    return { interval_seconds: interval, next_fetch_at: new Date(now.getTime() + jitter(wait) * 1000), error_count: 0 };
  }
  const errors = feed.error_count + 1;
  const backoff = clamp(current * 2 ** Math.min(errors, 10), min, max);
  const wait = Math.max(backoff, result.retryAfterSeconds ?? 0);
  return {
    interval_seconds: current,
    next_fetch_at: new Date(now.getTime() + jitter(Math.min(wait, 7 * 86_400)) * 1000),
    error_count: errors,
  };
}

/** Options of a poll: `states` batches the success states of a polling run (pollDueFeeds). */
interface PollOptions {
  fetchFullText?: boolean;
  states?: PollStateWriter;
}

/** Fetches one feed and records the outcome. Never throws for a feed problem. */
export async function pollFeed(
  ctx: AppContext,
  feed: FeedRow,
  http: HttpClient = httpClientFor(ctx.config),
  opts: PollOptions = {},
): Promise<PollOutcome> {
  const now = new Date();
  return applyFetchResult(ctx, feed, await fetchForPoll(ctx, feed, http, now), now, opts);
}

/** The conditional fetch of a feed; a crash is an error result, never an exception. */
async function fetchForPoll(ctx: AppContext, feed: FeedRow, http: HttpClient, now: Date): Promise<FetchResult> {
  try {
    return await fetchFeed(
      http,
      feed.url,
      { etag: feed.etag, lastModified: feed.last_modified },
      { maxBytes: ctx.config.feeds.maxBytes, totalTimeoutMs: ctx.config.feeds.timeoutMs },
    );
  } catch (err) {
    ctx.logger.warn({ err, feedId: feed.id }, "feed fetch crashed");
    return {
      url: feed.url,
      finalUrl: feed.url,
      permanentRedirect: null,
      httpStatus: null,
      maxAgeSeconds: null,
      retryAfterSeconds: null,
      durationMs: Date.now() - now.getTime(),
      status: "error",
      error: {
        kind: "network",
        messageKey: "veille.feedError.network",
        detail: err instanceof Error ? err.message : String(err),
      },
    };
  }
}

/** Ingests a fetch's items (if any) and records the outcome on the feed. Never throws for a feed problem. */
export async function applyFetchResult(
  ctx: AppContext,
  feed: FeedRow,
  result: FetchResult,
  now: Date,
  opts: PollOptions = {},
): Promise<PollOutcome> {
  let newItems = 0;
  let failedIngest: unknown;
  let needFullText: string[] = [];
  if (result.status === "ok") {
    try {
      const ingest = await ingestFeed(ctx, feed, result.feed, { now });
      newItems = ingest.newIds.length;
      needFullText = ingest.needFullText;
    } catch (err) {
      failedIngest = err;
      ctx.logger.error({ err, feedId: feed.id }, "feed ingestion failed");
    }
  }
  try {
    await recordOutcome(ctx, feed, result, newItems, now, failedIngest, opts.states);
  } catch (err) {
    ctx.logger.error({ err, feedId: feed.id }, "could not record the feed's poll state");
  }
  if (needFullText.length && opts.fetchFullText !== false)
    await fetchFullTextLater(ctx, feed.workspace_id, needFullText);
  return {
    feedId: feed.id,
    status: failedIngest ? "failed" : result.status,
    newItems,
    ...(result.status === "error" ? { errorKind: result.error.kind } : {}),
  };
}

async function recordOutcome(
  ctx: AppContext,
  feed: FeedRow,
  result: FetchResult,
  newItems: number,
  now: Date,
  failedIngest: unknown,
  states?: PollStateWriter,
): Promise<void> {
  if (failedIngest) {
    // The fetch worked but storing failed (database trouble): keep the validators so the next poll re-reads it.
    const state = nextState(feed, { ...result, status: "error" } as FetchResult, 0, ctx.config.feeds, now);
    await feeds.savePollState(ctx.db, feed.id, {
      ...state,
      interval_seconds: feed.interval_seconds,
      last_fetched_at: now,
      last_error_code: "internal",
      last_error_message: failedIngest instanceof Error ? failedIngest.message.slice(0, 500) : "ingestion failed",
      last_error_at: now,
    });
    return;
  }
  if (result.status === "gone") {
    await feeds.savePollState(ctx.db, feed.id, {
      gone_at: now,
      last_fetched_at: now,
      last_error_code: "gone",
      last_error_message: "HTTP 410 Gone",
      last_error_at: now,
    });
    return;
  }
  const state = nextState(feed, result, newItems, ctx.config.feeds, now);
  if (result.status === "error") {
    await feeds.savePollState(ctx.db, feed.id, {
      ...state,
      last_fetched_at: now,
      last_error_code: result.error.kind,
      last_error_message: `${result.httpStatus ? `HTTP ${result.httpStatus}: ` : ""}${result.error.detail}`.slice(
        0,
        500,
      ),
      last_error_at: now,
    });
    return;
  }
  const f = result.status === "ok" ? result.feed : null;
  const success: feeds.PollSuccessState = {
    id: feed.id,
    interval_seconds: state.interval_seconds,
    next_fetch_at: state.next_fetch_at,
    etag: result.etag,
    last_modified: result.lastModified,
    last_fetched_at: now,
    last_new_item_at: newItems > 0 ? now : null,
    title: f?.title ? f.title.slice(0, 300) : null,
    site_url: f?.link || null,
    description: f?.description ? f.description.slice(0, 2000) : null,
    language: f?.language ? f.language.slice(0, 2).toLowerCase() : null,
    format: f?.format ?? null,
  };
  if (result.permanentRedirect && result.permanentRedirect !== feed.url) {
    // A new URL (unless the workspace already follows it) is written alone: the unique key could refuse it.
    const taken = await feeds.findFeedByUrl(ctx.db, feed.workspace_id, result.permanentRedirect);
    if (!taken) {
      await feeds.savePollStates(ctx.db, [success]);
      await feeds.savePollState(ctx.db, feed.id, { url: result.permanentRedirect });
      return;
    }
  }
  if (states) states.add(success);
  else await feeds.savePollStates(ctx.db, [success]);
}

/**
 * The success states of a polling run, written for many feeds in one statement: when `max` are waiting,
 * when the oldest has waited `maxWaitMs`, and at the end of the run. A feed's state is only queued once its
 * items are stored, so its validators never advance past items that are not; a crash before the write
 * leaves the claim's lease, and the feed is fetched again (its items deduplicated) when it runs out.
 */
export class PollStateWriter {
  private pending: feeds.PollSuccessState[] = [];
  private since = 0;
  private writing: Promise<void> = Promise.resolve();
  constructor(
    private readonly ctx: AppContext,
    private readonly max = 64,
    private readonly maxWaitMs = 1000,
  ) {}

  add(state: feeds.PollSuccessState): void {
    if (!this.pending.length) this.since = Date.now();
    this.pending.push(state);
    if (this.pending.length >= this.max || Date.now() - this.since >= this.maxWaitMs) void this.flush();
  }

  /** Writes what is waiting; resolves when every write queued so far is done. Never throws. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: feeds.PollSuccessState[]): Promise<void> {
    try {
      await feeds.savePollStates(this.ctx.db, batch);
    } catch (err) {
      // One by one, so that one feed's problem does not lose the others' states.
      this.ctx.logger.warn({ err, feeds: batch.length }, "batched feed states failed; writing them one by one");
      for (const state of batch) {
        await feeds
          .savePollStates(this.ctx.db, [state])
          .catch((e) => this.ctx.logger.error({ err: e, feedId: state.id }, "could not record the feed's poll state"));
      }
    }
  }
}

/**
 * Items stored by this process's polls since it last analysed feed_items: PGlite has no autovacuum, and the
 * reader's queries need statistics once the table has grown (ingestion's own statements do not: their plans
 * are index probes whatever the statistics, migration 0010). Analysed at the end of a polling run, after
 * every few thousand new items (in the middle of a busy run it cost a second each time on PGlite).
 */
let sinceAnalyze = 0;
const ANALYZE_EVERY = 5000;

export interface PollRunStats {
  claimed: number;
  ok: number;
  notModified: number;
  gone: number;
  errors: number;
  newItems: number;
}

/**
 * Claims and fetches due feeds until none is due or the time budget is spent (a tick must end before the
 * next one starts on another worker; the lease covers feeds still in flight).
 */
export async function pollDueFeeds(
  ctx: AppContext,
  options: {
    budgetMs?: number;
    batch?: number;
    http?: HttpClient;
    leaseSeconds?: number;
    ingestConcurrency?: number;
  } = {},
): Promise<PollRunStats> {
  const started = Date.now();
  const budget = options.budgetMs ?? 50_000;
  const batch = options.batch ?? Math.max(50, ctx.config.feeds.concurrency * 8);
  const limiter = new FetchLimiter(ctx.config.feeds.concurrency, ctx.config.feeds.perHost);
  const ingestSlots = new Semaphore(options.ingestConcurrency ?? defaultIngestConcurrency(ctx));
  const http = options.http ?? httpClientFor(ctx.config);
  const stats: PollRunStats = { claimed: 0, ok: 0, notModified: 0, gone: 0, errors: 0, newItems: 0 };
  const lease = options.leaseSeconds ?? Math.ceil((ctx.config.feeds.timeoutMs * 4) / 1000) + 60;
  const states = new PollStateWriter(ctx);
  const inflight = new Set<Promise<void>>();
  let exhausted = false;
  const count = (o: PollOutcome) => {
    stats.newItems += o.newItems;
    sinceAnalyze += o.newItems;
    if (o.status === "ok") stats.ok++;
    else if (o.status === "not_modified") stats.notModified++;
    else if (o.status === "gone") stats.gone++;
    else stats.errors++;
  };
  // A pipeline, not batch by batch: a slow feed (up to the fetch timeout) must not hold back the claim of
  // the next ones. New feeds are claimed whenever fewer than `batch` are in flight. A fetched feed leaves
  // its fetch slots (global, per host) and waits for an ingestion slot.
  for (;;) {
    if (!exhausted && inflight.size < batch / 2 && Date.now() - started < budget) {
      const want = batch - inflight.size;
      const due = await feeds.claimDueFeeds(ctx.db, want, lease);
      if (due.length < want) exhausted = true;
      stats.claimed += due.length;
      for (const feed of due) {
        let now = new Date();
        const p: Promise<void> = limiter
          .run(feed.url, () => {
            now = new Date();
            return fetchForPoll(ctx, feed, http, now);
          })
          .then((result) => ingestSlots.run(() => applyFetchResult(ctx, feed, result, now, { states })))
          .catch((err): PollOutcome => {
            ctx.logger.error({ err, feedId: feed.id }, "feed poll failed");
            return { feedId: feed.id, status: "failed", newItems: 0 };
          })
          .then(count)
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (due.length) continue;
    }
    if (!inflight.size) break;
    await Promise.race(inflight);
  }
  await states.flush();
  if (sinceAnalyze >= ANALYZE_EVERY) {
    sinceAnalyze = 0;
    await analyzeItems(ctx.db).catch((err) => ctx.logger.warn({ err }, "analyze feed_items failed"));
  }
  return stats;
}

/**
 * How many fetched feeds are stored at once. Fetching is network-bound and runs at the configured
 * concurrency; storing is database-bound. PGlite runs every statement on its one connection anyway: one at a
 * time keeps a feed's two statements together and fewer parsed feeds waiting in memory (1,000 feeds: same
 * time or better than 16). PostgreSQL: one per core — on the 2-core benchmark machine the backends' CPU for
 * 2,000 feeds grew with the ingestions at once (64 s at 2, 109 s at 4, more at 16: they contend for the same
 * index pages and story rows), and the pass got slower, not faster.
 */
function defaultIngestConcurrency(ctx: AppContext): number {
  if (ctx.database.kind === "pglite") return 1;
  return Math.min(ctx.config.feeds.concurrency, Math.max(1, availableParallelism()));
}
