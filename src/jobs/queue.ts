import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { AppContext } from "../context.js";
import type { Database } from "../db/client.js";
import type { JobDefinition } from "./job.js";
import { type JobName, type JobPayload, jobDefinitions, validateRegistry } from "./registry.js";

export interface JobQueueOptions {
  /** Run handlers for every registered job (the worker role). */
  work: boolean;
  /** Keep cron schedules and pg-boss maintenance (the scheduler role). */
  schedule: boolean;
}

/** Typed front of pg-boss: every role sends; the worker role works; the scheduler role keeps crons. */
export class JobQueue {
  private boss: PgBoss | undefined;
  private stopping: Promise<void> | undefined;
  private readonly defs: readonly JobDefinition<never>[];

  /** `definitions` defaults to the registry; tests pass their own (a deliberately slow job, say). */
  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    definitions: readonly JobDefinition<never>[] = jobDefinitions as readonly JobDefinition<never>[],
  ) {
    this.defs = definitions;
  }

  get started(): boolean {
    return this.boss !== undefined;
  }

  /** Creates pg-boss's schema if needed and starts the requested roles. */
  async start(ctx: AppContext, options: JobQueueOptions): Promise<void> {
    validateRegistry(this.defs);
    const boss = new PgBoss({
      ...(this.database.kind === "postgres"
        ? { connectionString: this.database.connectionString, max: 4 }
        : { db: { executeSql: (text: string, values: unknown[]) => this.database.executeSql(text, values) } }),
      schema: "pgboss",
      supervise: options.schedule,
      schedule: options.schedule,
      migrate: true,
    });
    boss.on("error", (err) => this.logger.error({ err }, "job queue error"));
    await boss.start();
    this.boss = boss;
    try {
      await this.setUp(boss, ctx, options);
    } catch (err) {
      // Half a start (a queue that could not be created, say) must not leave pg-boss polling.
      this.boss = undefined;
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      throw err;
    }
  }

  private async setUp(boss: PgBoss, ctx: AppContext, options: JobQueueOptions): Promise<void> {
    for (const def of this.defs) {
      const settings = {
        name: def.name,
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelaySeconds ?? 30,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? 15 * 60,
        ...(def.policy ? { policy: def.policy } : {}),
      };
      // createQueue leaves an existing queue as it was: a changed retry or expiry setting needs updateQueue.
      if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, settings);
      else await boss.createQueue(def.name, settings);
    }
    if (options.schedule) {
      const crons = new Set<string>();
      for (const def of this.defs) {
        if (!def.cron) continue;
        await boss.schedule(def.name, def.cron, {}, { tz: "UTC" });
        crons.add(def.name);
      }
      // A job that lost its cron (or left the registry) must stop being sent: nobody would handle it.
      for (const s of await boss.getSchedules()) if (!crons.has(s.name)) await boss.unschedule(s.name);
    }
    if (options.work) {
      for (const def of this.defs) {
        const workOptions = {
          batchSize: def.work?.batchSize ?? 1,
          ...(def.work?.pollingIntervalSeconds ? { pollingIntervalSeconds: def.work.pollingIntervalSeconds } : {}),
        };
        // Each work() call is one fetch loop; a busy queue may run several so a slow batch does not stall it.
        for (let loop = 0; loop < (def.work?.loops ?? 1); loop++) {
          await boss.work<object>(def.name, workOptions, async (jobs) => {
            if (!jobs.length) return;
            const started = Date.now();
            try {
              if (def.batchHandler) await def.batchHandler(ctx, jobs.map((j) => j.data) as never);
              else for (const job of jobs) await def.handler(ctx, job.data as never);
            } catch (err) {
              // pg-boss records the failure and retries; the log is where an operator sees it.
              this.logger.error({ err, job: def.name, ids: jobs.map((j) => j.id) }, "job failed");
              throw err;
            }
            this.logger.debug({ job: def.name, n: jobs.length, ms: Date.now() - started }, "job done");
          });
        }
      }
    }
  }

  /** Enqueues a job. Returns its id, or null when a singleton key already holds one. */
  async send<N extends JobName>(
    name: N,
    data: JobPayload<N>,
    options: PgBoss.SendOptions = {},
  ): Promise<string | null> {
    if (!this.boss) throw new Error("The job queue is not started");
    return this.boss.send(name, data as object, options);
  }

  /** Runs a registered job's handler now, in this process (CLI and tests). */
  async runNow<N extends JobName>(ctx: AppContext, name: N, data: JobPayload<N>): Promise<void> {
    const def = this.defs.find((d) => d.name === name);
    if (!def) throw new Error(`Unknown job "${name}"`);
    await def.handler(ctx, data as never);
  }

  /**
   * Stops taking new jobs; running ones carry on, and sending still works. Shutdown calls it first, so
   * the worker does not start new jobs while in-flight requests drain.
   */
  async stopWorking(): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    for (const def of this.defs) await boss.offWork(def.name);
  }

  /** Lets running jobs finish (up to timeoutMs), then stops polling. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    // Running handlers may still send follow-up jobs while they finish: the instance stays usable until
    // pg-boss has stopped. Jobs still running at the timeout are failed, so pg-boss retries them later.
    this.stopping ??= boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true }).finally(() => {
      this.boss = undefined;
      this.stopping = undefined;
    });
    await this.stopping;
  }

  /** The cron schedules pg-boss keeps (the scheduler role registers them), for tests and diagnostics. */
  async getSchedules(): Promise<{ name: string; cron: string; timezone: string | null }[]> {
    if (!this.boss) throw new Error("The job queue is not started");
    const rows = await this.boss.getSchedules();
    return rows.map((r) => ({
      name: r.name,
      cron: r.cron,
      timezone: (r as { timezone?: string | null }).timezone ?? r.options?.tz ?? null,
    }));
  }

  /** pg-boss's own view of a job, for tests and diagnostics. */
  async getJob(name: JobName, id: string) {
    return this.boss?.getJobById(name, id);
  }
}
