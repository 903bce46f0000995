import { defineJob } from "../../jobs/job.js";
import { type ItemsIngested, runItemsIngested } from "./events.js";
import { FullTextError, fetchFullText } from "./fulltext.service.js";
import { pollDueFeeds } from "./poller.service.js";
import { applyRetention } from "./retention.service.js";

/** Every minute: fetch the feeds that are due (claims are lease-based, so overlapping ticks are safe). */
export const pollFeedsJob = defineJob({
  name: "veille.poll",
  description: "Fetch due feeds (conditional GET, adaptive interval, backoff) and ingest new items",
  cron: "* * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    const stats = await pollDueFeeds(ctx, { budgetMs: 50_000 });
    if (stats.claimed) ctx.logger.info(stats, "feeds polled");
  },
});

/** New items were stored: the listeners registered with onItemsIngested (alerts) see them. */
export const itemsIngestedJob = defineJob<ItemsIngested>({
  name: "veille.items-ingested",
  description: "Hand new feed items to the listeners of other domains (alerts)",
  retryLimit: 5,
  async handler(ctx, data) {
    await runItemsIngested(ctx, data);
  },
});

/** Readability on the article page of an item whose feed only gives a summary. */
export const fullTextJob = defineJob<{ workspaceId: string; itemId: string }>({
  name: "veille.full-text",
  description: "Extract and store an item's full text from its web page",
  retryLimit: 2,
  retryDelaySeconds: 300,
  work: { batchSize: 4 },
  async handler(ctx, data) {
    try {
      await fetchFullText(ctx, data.workspaceId, data.itemId);
    } catch (err) {
      // A page without an article or that cannot be fetched is a fact, not a job failure.
      if (err instanceof FullTextError) ctx.logger.info({ itemId: data.itemId, reason: err.reason }, "no full text");
      else throw err;
    }
  },
});

/** Daily: delete items past each workspace's retention (starred and curated items are kept). */
export const retentionJob = defineJob({
  name: "veille.retention",
  description: "Delete feed items older than the workspace's retention, except starred and curated ones",
  cron: "17 3 * * *",
  retryLimit: 2,
  expireInSeconds: 30 * 60,
  async handler(ctx) {
    const deleted = await applyRetention(ctx);
    if (deleted) ctx.logger.info({ deleted }, "old feed items deleted");
  },
});
