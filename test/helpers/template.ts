import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import pino from "pino";
import { openDatabase } from "../../src/db/client.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { JobQueue } from "../../src/jobs/queue.js";

/**
 * Test databases. PGlite: a migrated data dir (with pg-boss's schema) is dumped once to a tarball, and each
 * test file loads it (loadDataDir) — a fresh database in ~100 ms. PostgreSQL (DATABASE_URL set): a
 * migrated template database, copied with CREATE DATABASE … TEMPLATE for each test file.
 */
export const TEMPLATE_FILE = path.resolve(".tmp/test-template.tar.gz");
export const PG_TEMPLATE_DB = "relais_test_template";

export async function prepareTemplate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) return preparePostgresTemplate(url);
  fs.mkdirSync(path.dirname(TEMPLATE_FILE), { recursive: true });
  const database = await openDatabase({ databaseUrl: undefined, dataDir: "" }, { inMemory: true });
  await migrateToLatest(database);
  await startAndStopQueue(database);
  const dump = await (database.pglite as PGlite).dumpDataDir("gzip");
  // Written aside then renamed: another test run reading the template meanwhile never sees half a file.
  const partial = `${TEMPLATE_FILE}.${process.pid}.partial`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, TEMPLATE_FILE);
  await database.close();
}

async function startAndStopQueue(database: Awaited<ReturnType<typeof openDatabase>>): Promise<void> {
  // Creates pg-boss's schema in the template so test files do not each pay for it.
  const queue = new JobQueue(database, pino({ level: "silent" }));
  const ctx = { database, db: database.db } as never;
  await queue.start(ctx, { work: false, schedule: false });
  await queue.stop();
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The template of this test run. Each run has its own (named after the main process, handed to the test
 * workers through the environment): runs sharing one PostgreSQL server no longer drop each other's
 * template while the other is copying it.
 */
const TEMPLATE_ENV = "RELAIS_TEST_PG_TEMPLATE";
function templateName(): string {
  return process.env[TEMPLATE_ENV] ?? PG_TEMPLATE_DB;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Name of a test database made by this process: `relais_t_<host>_<kind>_<pid>_<random>`. The host tag
 * keeps the orphan clean-up below to this machine's processes when several share one PostgreSQL server.
 */
const HOST_TAG = createHash("sha256").update(os.hostname()).digest("hex").slice(0, 6);
export function testDatabaseName(kind: "tpl" | "db" | "empty"): string {
  return `relais_t_${HOST_TAG}_${kind}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops this machine's test databases left by runs that were killed (their process is gone). */
async function dropOrphans(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like $1", [
    `relais\\_t\\_${HOST_TAG}\\_%`,
  ]);
  for (const { datname } of rows) {
    const pid = Number(/^relais_t_[0-9a-f]{6}_[a-z]+_(\d+)_[a-z0-9]+$/.exec(datname)?.[1]);
    if (pid && !alive(pid)) await admin.query(`drop database if exists ${datname} with (force)`).catch(() => {});
  }
}

async function preparePostgresTemplate(url: string): Promise<void> {
  const name = testDatabaseName("tpl");
  process.env[TEMPLATE_ENV] = name;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await dropOrphans(admin);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: withDatabase(url, name), dataDir: "" });
  await migrateToLatest(database);
  await startAndStopQueue(database);
  await database.close();
}

/** A fresh database for one test file: its config fields and a cleanup function. */
export async function freshDatabaseConfig(): Promise<{
  databaseUrl?: string;
  loadDataDir?: Blob;
  drop(): Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const loadDataDir = new Blob([fs.readFileSync(TEMPLATE_FILE)]);
    return { loadDataDir, drop: async () => {} };
  }
  const name = testDatabaseName("db");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${templateName()}`);
  } finally {
    await admin.end();
  }
  return {
    databaseUrl: withDatabase(url, name),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
