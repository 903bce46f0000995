import type { AppContext } from "../context.js";

/** One kind of background job: its payload type, its handler and, for recurring jobs, its cron. */
export interface JobDefinition<D extends object = Record<string, never>> {
  name: string;
  description: string;
  /** Recurring jobs: a 5-field cron expression evaluated in UTC by the scheduler role. */
  cron?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Seconds a job may run before pg-boss considers it lost and retries it. */
  expireInSeconds?: number;
  handler(ctx: AppContext, data: D): Promise<void>;
}

/** Identity helper that keeps the payload type attached to the definition. */
export function defineJob<D extends object = Record<string, never>>(def: JobDefinition<D>): JobDefinition<D> {
  return def;
}
