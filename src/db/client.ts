import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Config } from "../config.js";
import { Mutex } from "../lib/mutex.js";
import { PGliteDialect } from "./pglite-dialect.js";
import type { DB } from "./schema.js";

export type DatabaseKind = "pglite" | "postgres";

/** The database handle every layer shares: a typed Kysely instance plus raw SQL for pg-boss and backups. */
export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /** Runs one statement with parameters, or (without parameters) a script of several statements. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** The connection string, for libraries that open their own pool (PostgreSQL only). */
  connectionString?: string;
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PGlite data dir tarball to start from (tests load a migrated template this way). */
  loadDataDir?: Blob | File;
  /** Keep the embedded database in memory (tests, one-shot CLI checks). */
  inMemory?: boolean;
}

// node-postgres returns int8 as strings; PGlite returns numbers. Counts never exceed 2^53 here.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens PGlite under the data dir, or PostgreSQL when DATABASE_URL is set. */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  options: OpenOptions = {},
): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPGlite(options.inMemory ? undefined : pgliteDir(config.dataDir), options.loadDataDir);
}

/** Where the embedded database lives inside the data dir. */
export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, "pglite");
}

async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight get their own error.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    connectionString,
    async executeSql(text, values) {
      const result = await pool.query(text, values as unknown[] | undefined);
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return { rows: last?.rows ?? [] };
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPGlite(dir: string | undefined, loadDataDir?: Blob | File): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
  const mutex = new Mutex();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, mutex) });
  let closed = false;
  return {
    kind: "pglite",
    db,
    pglite,
    executeSql(text, values) {
      return mutex.run(async () => {
        if (values && values.length > 0) {
          const r = await pglite.query<Record<string, unknown>>(text, values);
          return { rows: r.rows };
        }
        const results = await pglite.exec(text);
        return { rows: (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[] };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await mutex.run(async () => {
        await pglite.close();
      });
    },
  };
}
