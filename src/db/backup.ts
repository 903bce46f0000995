import fs from "node:fs";
import readline from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { type Kysely, sql } from "kysely";
import type { Database } from "./client.js";
import { appliedMigrations, knownMigrations, migrateTo, migrateToLatest } from "./migrate.js";
import type { DB } from "./schema.js";

/**
 * Logical backups: gzip'd JSON lines, one header, then every row of every application table as
 * row_to_json. PostgreSQL does the type conversions both ways (json_populate_recordset on restore), so a
 * backup of the embedded database restores into PostgreSQL and back, with exactly the same data.
 * The job queue's tables (schema pgboss) are not included: jobs are transient, and schedules are
 * re-created at start.
 */
export const BACKUP_FORMAT = "relais-backup";
const BACKUP_VERSION = 1;
const MIGRATION_TABLES = new Set(["relais_migrations", "relais_migrations_lock"]);
const BATCH = 500;

interface Header {
  format: string;
  version: number;
  createdAt: string;
  database: string;
  migrations: string[];
  tables: string[];
}

export class BackupError extends Error {}

/** Application tables in an order where every table comes after the tables it references. */
async function tablesInDependencyOrder(db: Kysely<DB>): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name::text as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const { rows: deps } = await sql<{ child: string; parent: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
     where c.contype = 'f' and n.nspname = 'public'`.execute(db);
  const names = tables.map((t) => String(t.name)).filter((n) => !MIGRATION_TABLES.has(n));
  const parents = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const d of deps) {
    const child = String(d.child);
    const parent = String(d.parent);
    if (child !== parent) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string) => {
    if (ordered.includes(n) || visiting.has(n)) return;
    visiting.add(n);
    for (const p of parents.get(n) ?? []) visit(p);
    visiting.delete(n);
    ordered.push(n);
  };
  for (const n of names) visit(n);
  return ordered;
}

/** Writes a backup of every application table to `file` (gzip'd JSON lines). Returns row counts. */
export async function backup(database: Database, file: string): Promise<Record<string, number>> {
  const migrations = await appliedMigrations(database);
  const counts: Record<string, number> = {};
  const tmp = `${file}.partial`;
  // One repeatable-read transaction: every table is read from the same snapshot while Relais runs.
  await database.db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const tables = await tablesInDependencyOrder(trx);
      await pipeline(Readable.from(lines(trx, tables)), zlib.createGzip(), fs.createWriteStream(tmp, { mode: 0o600 }));
    });
  fs.renameSync(tmp, file);
  return counts;

  async function* lines(trx: Kysely<DB>, tables: string[]) {
    const header: Header = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      database: database.kind,
      migrations,
      tables,
    };
    yield `${JSON.stringify(header)}\n`;
    for (const table of tables) {
      counts[table] = 0;
      let offset = 0;
      for (;;) {
        // Ordered by the whole row's text so pages are stable without knowing each table's key.
        const { rows } = await sql<{ j: string }>`
          select row_to_json(t)::text as j from ${sql.table(table)} t
           order by t::text limit ${BATCH} offset ${offset}`.execute(trx);
        for (const r of rows) yield `{"t":${JSON.stringify(table)},"r":${r.j}}\n`;
        counts[table] = (counts[table] ?? 0) + rows.length;
        offset += rows.length;
        if (rows.length < BATCH) break;
      }
    }
  }
}

async function assertEmpty(database: Database): Promise<void> {
  for (const table of await tablesInDependencyOrder(database.db)) {
    const { rows } = await sql<{
      x: boolean;
    }>`select exists (select 1 from ${sql.table(table)}) as x`.execute(database.db);
    if (rows[0]?.x)
      throw new BackupError(`The target database is not empty (table ${table} has rows); restore needs an empty one`);
  }
}

/**
 * Restores a backup into an empty database: migrates to the backup's schema, loads every row in one
 * transaction, then applies newer migrations. Refuses a non-empty target or a backup from a newer Relais.
 */
export async function restore(database: Database, file: string): Promise<Record<string, number>> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({
    input,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const it = rl[Symbol.asyncIterator]();
  let header: Header;
  try {
    const first = await it.next();
    header = JSON.parse(first.value ?? "") as Header;
  } catch {
    throw new BackupError(`${file} is not a Relais backup (expected gzip'd JSON lines)`);
  }
  if (header.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION) {
    throw new BackupError(`${file} is not a Relais backup of a supported version`);
  }
  const known = knownMigrations();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length)
    throw new BackupError(`The backup comes from a newer Relais (unknown migrations: ${unknown.join(", ")})`);

  const last = header.migrations[header.migrations.length - 1];
  if (last) await migrateTo(database, last);
  await assertEmpty(database);

  const counts: Record<string, number> = {};
  try {
    await database.db.transaction().execute(async (trx) => {
      let table = "";
      let batch: string[] = [];
      const flush = async () => {
        if (!batch.length) return;
        await sql`insert into ${sql.table(table)}
        select * from json_populate_recordset(null::${sql.table(table)}, ${`[${batch.join(",")}]`}::json)`.execute(trx);
        counts[table] = (counts[table] ?? 0) + batch.length;
        batch = [];
      };
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        if (!next.value) continue;
        const line = JSON.parse(next.value) as { t: string; r: unknown };
        if (!header.tables.includes(line.t)) throw new BackupError(`Unexpected table ${line.t} in backup`);
        if (line.t !== table || batch.length >= BATCH) {
          await flush();
          table = line.t;
        }
        batch.push(JSON.stringify(line.r));
      }
      await flush();
    });
  } catch (err) {
    if (err instanceof SyntaxError) throw new BackupError(`${file} is damaged: ${err.message}`);
    throw err;
  }
  await migrateToLatest(database);
  return counts;
}
