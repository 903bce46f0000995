import { defineJob } from "../../jobs/job.js";
import { snapshotMetrics } from "./metrics.service.js";

/**
 * Every 5 minutes: snapshots of the published posts that are due by the schedule (denser in the first
 * 48 hours) and hourly account counters. A run that overlaps a slow previous one only repeats what is due.
 */
export const snapshotMetricsJob = defineJob({
  name: "analytics.snapshot-metrics",
  description: "Append metric snapshots of recent published posts (15 min → hourly → daily) and accounts (hourly)",
  cron: "*/5 * * * *",
  policy: "short",
  retryLimit: 0,
  expireInSeconds: 10 * 60,
  async handler(ctx) {
    const r = await snapshotMetrics(ctx);
    if (r.posts + r.accounts + r.failures) ctx.logger.info(r, "metric snapshots taken");
  },
});
