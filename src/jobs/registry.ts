import { snapshotMetricsJob } from "../modules/analytics/analytics.jobs.js";
import { purgeExpiredJob } from "../modules/auth/auth.jobs.js";
import { materialiseOccurrencesJob, recycleEvergreenJob } from "../modules/calendar/calendar.jobs.js";
import { pressReviewTickJob } from "../modules/curation/curation.jobs.js";
import { syncAccountJob, syncDueJob } from "../modules/inbox/inbox.jobs.js";
import { publishTargetJob, reconcileJob, sweepJob } from "../modules/scheduler/scheduler.jobs.js";
import { alertsDigestJob, alertsNetworkJob, alertsScanJob } from "../modules/veille/alerts/alerts.jobs.js";
import { fullTextJob, itemsIngestedJob, pollFeedsJob, retentionJob } from "../modules/veille/poller.jobs.js";
import type { JobDefinition } from "./job.js";

/**
 * Every job the workers know, by name. A job is sent by name with a payload of its declared type;
 * a name without a definition here is a type error, and a duplicate name fails start-up.
 */
export const jobDefinitions = [
  purgeExpiredJob,
  publishTargetJob,
  reconcileJob,
  sweepJob,
  materialiseOccurrencesJob,
  recycleEvergreenJob,
  syncAccountJob,
  syncDueJob,
  snapshotMetricsJob,
  pressReviewTickJob,
  pollFeedsJob,
  itemsIngestedJob,
  fullTextJob,
  retentionJob,
  alertsScanJob,
  alertsNetworkJob,
  alertsDigestJob,
] as const;

type Defs = (typeof jobDefinitions)[number];
export type JobName = Defs["name"];
export type JobPayload<N extends JobName> = Extract<Defs, { name: N }> extends JobDefinition<infer D> ? D : never;

/** Checks the registry once at start: unique names, and every definition has a handler. */
export function validateRegistry(defs: readonly JobDefinition<never>[] = jobDefinitions as never): void {
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.name)) throw new Error(`Job "${def.name}" is registered twice`);
    if (typeof def.handler !== "function") throw new Error(`Job "${def.name}" has no handler`);
    seen.add(def.name);
  }
}
