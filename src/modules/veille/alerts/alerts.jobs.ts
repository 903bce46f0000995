import { defineJob } from "../../../jobs/job.js";
import { onItemsIngested } from "../events.js";
import { runDueDeliveries } from "./alerts.delivery.js";
import { matchFeedItems, runDueDigests, scanFeeds, searchNetworks } from "./alerts.engine.js";

/**
 * Alerts see new feed items through the veille's "items ingested" hook (durable job, retried; matches are
 * stored with a unique key, so a retry or a second delivery adds nothing). Importing this module (the job
 * registry does) registers the listener.
 */
onItemsIngested("alerts", async (ctx, e) => {
  await matchFeedItems(ctx, e.workspaceId, e.itemIds);
});

/** Safety net: items past each alert's high-water mark (a missed hook, an alert created mid-way). */
export const alertsScanJob = defineJob({
  name: "alerts.scan",
  description: "Match feed items fetched since each alert's high-water mark",
  cron: "*/5 * * * *",
  retryLimit: 1,
  expireInSeconds: 10 * 60,
  async handler(ctx) {
    const r = await scanFeeds(ctx);
    if (r.created) ctx.logger.info(r, "alert scan stored matches");
  },
});

/** Network keyword searches (Bluesky, Mastodon) for alerts that ask for them. */
export const alertsNetworkJob = defineJob({
  name: "alerts.networks",
  description: "Search the networks whose connector offers search() for alerts with network search on",
  cron: "*/15 * * * *",
  retryLimit: 0,
  expireInSeconds: 14 * 60,
  async handler(ctx) {
    const r = await searchNetworks(ctx);
    if (r.created) ctx.logger.info(r, "alert network search stored matches");
  },
});

/**
 * Every minute: builds the due daily / weekly digests (at the alert's time in the workspace's zone), then
 * sends the due deliveries of the outbox — immediate e-mails and webhooks whose first attempt failed or
 * was interrupted, and digests — with backoff and a bounded number of attempts (docs/ALERTS.md). Workers
 * claim deliveries with SKIP LOCKED, so runs may overlap. (Exported as alertsDigestJob: the job registry
 * imports it under that name.)
 */
export const alertsDigestJob = defineJob({
  name: "alerts.deliver",
  description: "Build the due alert digests and send the due alert deliveries (e-mails, webhooks, digests)",
  cron: "* * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    const digests = await runDueDigests(ctx);
    const r = await runDueDeliveries(ctx);
    if (digests.created || r.recovered || r.sent || r.retrying || r.failed || r.cancelled)
      ctx.logger.info({ ...digests, ...r }, "alert deliveries");
  },
});
