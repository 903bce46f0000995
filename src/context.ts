import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { DB } from "./db/schema.js";
import type { JobQueue } from "./jobs/queue.js";
import type { Mailer } from "./lib/mailer.js";
import type { SecretBox } from "./lib/secrets.js";
import type { FileStorage } from "./lib/storage.js";

/** What services receive: configuration and shared resources, created once per process. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  logger: Logger;
  mailer: Mailer;
  jobs: JobQueue;
  /** Encrypts network credentials at rest. */
  secrets: SecretBox;
  /** Media files. */
  storage: FileStorage;
}
