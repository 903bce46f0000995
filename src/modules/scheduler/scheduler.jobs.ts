import { defineJob } from "../../jobs/job.js";
import { publishTargets } from "./publish.service.js";
import { reconcile, sweep } from "./recovery.service.js";

/**
 * Publishes scheduled targets. Many fall due in the same minute, so a worker takes a batch per fetch,
 * claims it in one query and calls the networks in parallel. pg-boss may run a job again (a retry after
 * a failure, an expired job after a crash): harmless, the claim only takes a target still `scheduled`
 * and due, so a second run finds nothing to do.
 */
export const publishTargetJob = defineJob<{ targetId: string }>({
  name: "scheduler.publish-target",
  description: "Publish one post target to its network, exactly once",
  policy: "short",
  retryLimit: 2,
  retryDelaySeconds: 5,
  expireInSeconds: 10 * 60,
  work: { batchSize: 25, pollingIntervalSeconds: 0.5, loops: 2 },
  async handler(ctx, data) {
    await publishTargets(ctx, [data.targetId]);
  },
  async batchHandler(ctx, data) {
    await publishTargets(
      ctx,
      data.map((d) => d.targetId),
    );
  },
});

/** Every minute: targets left `publishing` past their lease become unconfirmed (then looked up if possible). */
export const reconcileJob = defineJob({
  name: "scheduler.reconcile",
  description: "Resolve publications interrupted mid-send (unconfirmed, lookup, never a blind re-send)",
  cron: "* * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    const counts = await reconcile(ctx);
    if (counts.unconfirmed + counts.published + counts.rescheduled)
      ctx.logger.warn(counts, "reconciled interrupted publications");
  },
});

/** Every minute: overdue scheduled targets are re-sent within the grace period, else marked missed. */
export const sweepJob = defineJob({
  name: "scheduler.sweep",
  description: "Re-send overdue publications within the grace period; mark the others missed",
  cron: "* * * * *",
  retryLimit: 0,
  expireInSeconds: 5 * 60,
  async handler(ctx) {
    const counts = await sweep(ctx);
    if (counts.requeued + counts.missed) ctx.logger.warn(counts, "swept overdue publications");
  },
});
