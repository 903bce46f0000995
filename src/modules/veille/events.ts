import type { AppContext } from "../../context.js";

/**
 * "Items ingested": the hook other domains (alerts) use to see new feed items.
 *
 * Ingestion commits the new items, then sends the job `veille.items-ingested` with their ids (durable: a
 * crash after the commit still delivers it, pg-boss retries a failed run). The job's handler calls every
 * listener registered here, in the worker process. A listener registers at import time of its module, e.g.
 * in its own `*.jobs.ts` (imported by the job registry, so it is loaded wherever jobs run):
 *
 *     onItemsIngested("alerts", async (ctx, e) => { … e.itemIds … });
 *
 * No listener: nothing happens. A listener that throws makes the job fail and be retried for all listeners,
 * so listeners must be idempotent (store matches with a unique key). When the queue is not started (CLI,
 * tests without a queue), listeners run inline right after ingestion and their errors are only logged.
 */
export interface ItemsIngested {
  workspaceId: string;
  feedId: string;
  itemIds: string[];
}

export type ItemsIngestedListener = (ctx: AppContext, event: ItemsIngested) => Promise<void>;

const listeners = new Map<string, ItemsIngestedListener>();

/** Registers (or replaces, by name) a listener. */
export function onItemsIngested(name: string, listener: ItemsIngestedListener): void {
  listeners.set(name, listener);
}

export function offItemsIngested(name: string): void {
  listeners.delete(name);
}

/** Runs every listener; the first failure is rethrown after all have run. */
export async function runItemsIngested(ctx: AppContext, event: ItemsIngested): Promise<void> {
  let failure: unknown;
  for (const [name, listener] of listeners) {
    try {
      await listener(ctx, event);
    } catch (err) {
      ctx.logger.error({ err, listener: name, feedId: event.feedId }, "items-ingested listener failed");
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

/** Called by ingestion after its commit. */
export async function emitItemsIngested(ctx: AppContext, event: ItemsIngested): Promise<void> {
  if (!event.itemIds.length) return;
  if (ctx.jobs.started) {
    try {
      await ctx.jobs.send("veille.items-ingested", event);
      return;
    } catch (err) {
      ctx.logger.warn({ err }, "could not queue veille.items-ingested; running listeners inline");
    }
  }
  await runItemsIngested(ctx, event).catch(() => {});
}
