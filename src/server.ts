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
  stop(): Promise<void>;
}

/**
 * Starts the requested roles in this process: api (HTTP), worker (job handlers), scheduler (crons and
 * pg-boss maintenance). All three by default: the embedded, single-process mode.
 */
export async function startServer(config: Config, roles: readonly ServerRole[] = ALL_ROLES): Promise<RunningServer> {
  const ctx = await createContext(config);
  await ctx.jobs.start(ctx, { work: roles.includes("worker"), schedule: roles.includes("scheduler") });
  let app: App | undefined;
  let url: string | undefined;
  if (roles.includes("api")) {
    app = await buildApp(ctx, { logRequests: config.logLevel === "debug" || config.logLevel === "trace" });
    url = await app.listen({ port: config.port, host: config.host });
  }
  ctx.logger.info({ roles, url, database: ctx.database.kind }, "Relais started");
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    app,
    url,
    stop() {
      // Order matters: stop taking requests and let in-flight ones finish, then let running jobs finish
      // (pg-boss graceful stop), then close the database.
      stopping ??= (async () => {
        if (app) await app.close();
        await closeContext(ctx);
      })();
      return stopping;
    },
  };
}
