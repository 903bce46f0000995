import { defineJob } from "../../../jobs/job.js";
import { onItemsIngested } from "../events.js";
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

/** Daily and weekly digests, at the alert's time in the workspace's zone; each match is sent once. */
export const alertsDigestJob = defineJob({
  name: "alerts.digest",
  description: "Build and e-mail the due alert digests (at most once per period)",
  cron: "* * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    const r = await runDueDigests(ctx);
    if (r.created || r.sent) ctx.logger.info(r, "alert digests");
  },
});
