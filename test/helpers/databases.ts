import { sql } from "kysely";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/client.js";
import { testDatabaseName } from "./template.js";

/**
 * Databases for backup, CLI and shutdown tests: truly empty ones (no migrations, no pg-boss schema), as an
 * operator would restore into, and a row-for-row snapshot to compare two databases.
 */

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty PostgreSQL database next to DATABASE_URL's; returns its URL and a drop function. */
export async function createEmptyPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = testDatabaseName("empty");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface EmptyTarget {
  database: Database;
  close(): Promise<void>;
}

/** An empty database on the given engine: PGlite in memory, or a new PostgreSQL database. */
export async function emptyDatabase(engine: "pglite" | "postgres"): Promise<EmptyTarget> {
  if (engine === "pglite") {
    const database = await openDatabase({ databaseUrl: undefined, dataDir: "" }, { inMemory: true });
    return { database, close: () => database.close() };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("PostgreSQL needs DATABASE_URL");
  const pgDb = await createEmptyPostgres(adminUrl);
  try {
    const database = await openDatabase({ databaseUrl: pgDb.url, dataDir: "" });
    return {
      database,
      async close() {
        await database.close();
        await pgDb.drop();
      },
    };
  } catch (err) {
    await pgDb.drop();
    throw err;
  }
}

const SKIPPED = new Set(["relais_migrations", "relais_migrations_lock"]);

/**
 * Every application table's rows as JSON text, sorted, read in UTC so both engines print timestamps the
 * same way (with their microseconds). Migration bookkeeping is compared by name only (restore applies
 * migrations at its own time).
 */
export async function snapshot(database: Database): Promise<Record<string, string[]>> {
  return database.db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const { rows: tables } = await sql<{ name: string }>`
      select table_name::text as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(trx);
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      if (SKIPPED.has(name)) continue;
      const { rows } = await sql<{ j: string }>`
        select row_to_json(t)::text as j from ${sql.table(name)} t order by 1`.execute(trx);
      out[name] = rows.map((r) => r.j);
    }
    const { rows: migrations } = await sql<{ name: string }>`
      select name from relais_migrations order by name`.execute(trx);
    out["(migrations)"] = migrations.map((m) => m.name);
    return out;
  });
}

/** Names of the tables in the public schema (an untouched empty database has none). */
export async function publicTables(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name::text as name from information_schema.tables where table_schema = 'public' order by 1`.execute(
    database.db,
  );
  return rows.map((r) => r.name);
}
