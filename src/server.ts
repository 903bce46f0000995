import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { buildApp } from "./http/app.js";
import type { App } from "./http/types.js";
import { closeContext, createContext } from "./runtime.js";

export const ALL_ROLES = ["api", "worker", "scheduler"] as const;
export type ServerRole = (typeof ALL_ROLES)[number];

export interface RunningServer {
  ctx: AppContext;
  app?: App;
  url?: string;
  /** Stops taking requests, lets in-flight requests and jobs finish (each up to timeoutMs), closes the database. */
  stop(timeoutMs?: number): Promise<void>;
}

/** How long shutdown waits for in-flight requests, then for running jobs, before cutting them off. */
export const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Starts the requested roles in this process: api (HTTP), worker (job handlers), scheduler (crons and
 * pg-boss maintenance). All three by default: the embedded, single-process mode.
 */
export async function startServer(config: Config, roles: readonly ServerRole[] = ALL_ROLES): Promise<RunningServer> {
  const ctx = await createContext(config);
  let app: App | undefined;
  let url: string | undefined;
  try {
    await ctx.jobs.start(ctx, { work: roles.includes("worker"), schedule: roles.includes("scheduler") });
    if (roles.includes("api")) {
      app = await buildApp(ctx, { logRequests: config.logLevel === "debug" || config.logLevel === "trace" });
      url = await app.listen({ port: config.port, host: config.host });
    }
  } catch (err) {
    // A failed start (port in use, say) must not leave the database open or pg-boss polling.
    await app?.close().catch(() => {});
    await closeContext(ctx, 1_000).catch(() => {});
    throw err;
  }
  ctx.logger.info({ roles, url, database: ctx.database.kind }, "Relais started");
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    app,
    url,
    stop(timeoutMs = SHUTDOWN_TIMEOUT_MS) {
      // Order matters: stop taking requests and let in-flight ones finish, then let running jobs finish
      // (pg-boss graceful stop; a job still running after the timeout is failed and retried later),
      // then close the database.
      stopping ??= (async () => {
        const drainRequests = async (running: App) => {
          const timer = setTimeout(() => {
            // A client that never finishes its request must not hold the shutdown forever.
            ctx.logger.warn({ timeoutMs }, "requests still running at shutdown timeout: closing their connections");
            running.server.closeAllConnections();
          }, timeoutMs);
          try {
            await running.close();
          } finally {
            clearTimeout(timer);
          }
        };
        // The worker takes no new job while requests drain (requests may still send jobs).
        await Promise.all([app ? drainRequests(app) : undefined, ctx.jobs.stopWorking()]);
        await closeContext(ctx, timeoutMs);
      })();
      return stopping;
    },
  };
}
