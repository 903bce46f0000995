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
  /**
   * pg-boss queue policy. "short" keeps at most one queued job per singleton key (duplicate sends return
   * null); the default "standard" ignores singleton keys unless singletonSeconds is given.
   */
  policy?: "standard" | "short" | "singleton" | "stately";
  /** Worker tuning for busy queues: jobs taken per fetch, idle polling interval (≥ 0.5 s), parallel fetch loops. */
  work?: { batchSize?: number; pollingIntervalSeconds?: number; loops?: number };
  handler(ctx: AppContext, data: D): Promise<void>;
  /**
   * Handles a fetched batch at once (one claim query for many jobs, network calls in parallel). Absent:
   * the jobs of a batch run one after the other through `handler`. Throwing fails the whole batch.
   */
  batchHandler?(ctx: AppContext, data: D[]): Promise<void>;
}

/** Identity helper that keeps the payload type attached to the definition. */
export function defineJob<D extends object = Record<string, never>>(def: JobDefinition<D>): JobDefinition<D> {
  return def;
}
