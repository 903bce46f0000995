import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { type OpenOptions, openDatabase } from "./db/client.js";
import { migrateToLatest } from "./db/migrate.js";
import { JobQueue } from "./jobs/queue.js";
import { createMailer } from "./lib/mailer.js";
import { SecretBox } from "./lib/secrets.js";
import { LocalStorage } from "./lib/storage.js";
import { createLogger } from "./logger.js";

/** Opens the database, applies migrations and assembles the services' context. */
export async function createContext(
  config: Config,
  options: OpenOptions & { logger?: Logger; migrate?: boolean } = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const database = await openDatabase(config, options);
  if (options.migrate !== false) {
    const applied = await migrateToLatest(database);
    if (applied.length) logger.info({ applied }, "database migrated");
  }
  return {
    config,
    database,
    db: database.db,
    logger,
    mailer: createMailer(config, logger),
    jobs: new JobQueue(database, logger),
    secrets: SecretBox.load({ keyHex: config.secretKeyHex, dataDir: config.dataDir }),
    storage: new LocalStorage(path.join(config.dataDir, "media")),
  };
}

/** Releases everything createContext opened. */
export async function closeContext(ctx: AppContext, jobsTimeoutMs?: number): Promise<void> {
  await ctx.jobs.stop(jobsTimeoutMs);
  ctx.mailer.close();
  await ctx.database.close();
}
