import fs from "node:fs";
import readline from "node:readline";
import { pipeline as pipelineCb, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { type Kysely, sql } from "kysely";
import type { Database } from "./client.js";
import { appliedMigrations, knownMigrations, migrateTo, migrateToLatest } from "./migrate.js";
import type { DB } from "./schema.js";

/**
 * Logical backups: gzip'd JSON lines, one header, then every row of every application table as
 * row_to_json, then an end marker with the row count of every table (restore refuses a file without it). PostgreSQL does the type conversions both ways (json_populate_recordset on restore), so a
 * backup of the embedded database restores into PostgreSQL and back, with exactly the same data.
 * The job queue's tables (schema pgboss) are not included: jobs are transient, and schedules are
 * re-created at start.
 */
export const BACKUP_FORMAT = "relais-backup";
const BACKUP_VERSION = 1;
const MIGRATION_TABLES = new Set(["relais_migrations", "relais_migrations_lock"]);
const BATCH = 500;

interface Trailer {
  end: true;
  counts: Record<string, number>;
}

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
  let migrations: string[] = [];
  const counts: Record<string, number> = {};
  const tmp = `${file}.partial`;
  // One repeatable-read transaction: every table is read from the same snapshot while Relais runs.
  try {
    await database.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (trx) => {
        const { rows: hasSchema } = await sql<{ x: boolean }>`
          select to_regclass('relais_migrations') is not null as x`.execute(trx);
        if (!hasSchema[0]?.x) throw new BackupError("Nothing to back up: the database has no Relais tables yet");
        // Read in the snapshot too, so the schema named in the header is the one the rows come from.
        const applied = await sql<{ name: string }>`select name from relais_migrations order by name`.execute(trx);
        migrations = applied.rows.map((r) => String(r.name));
        const tables = await tablesInDependencyOrder(trx);
        await pipeline(
          Readable.from(lines(trx, tables)),
          zlib.createGzip(),
          fs.createWriteStream(tmp, { mode: 0o600 }),
        );
      });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR")
      throw new BackupError(
        `Cannot write ${file}: ${e.code === "ENOENT" ? "no such directory" : e.code === "EACCES" ? "permission denied" : "it is a directory"}`,
      );
    throw err;
  }
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
      // A cursor reads each table once, BATCH rows at a time, from the transaction's snapshot
      // (LIMIT/OFFSET paging re-sorted the table for every page: 50 s for 50,000 rows).
      await sql`declare relais_backup no scroll cursor for
                select row_to_json(t)::text as j from ${sql.table(table)} t`.execute(trx);
      for (;;) {
        const { rows } = await sql<{ j: string }>`fetch ${sql.raw(String(BATCH))} from relais_backup`.execute(trx);
        for (const r of rows) yield `{"t":${JSON.stringify(table)},"r":${r.j}}\n`;
        counts[table] = (counts[table] ?? 0) + rows.length;
        if (rows.length < BATCH) break;
      }
      await sql`close relais_backup`.execute(trx);
    }
    // The end marker: restore checks it, so a backup cut short is refused instead of half-restored.
    const trailer: Trailer = { end: true, counts };
    yield `${JSON.stringify(trailer)}\n`;
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

type BackupLine = { kind: "row"; table: string; row: unknown };

/** The columns a restore writes: all but generated ones (PostgreSQL computes those). */
async function insertableColumns(trx: Kysely<DB>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select column_name::text as name from information_schema.columns
     where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER'
     order by ordinal_position`.execute(trx);
  return rows.map((r) => String(r.name));
}

/** Serial and identity sequences continue after the restored rows instead of colliding with them. */
async function resetSequences(trx: Kysely<DB>, tables: string[]): Promise<void> {
  const { rows } = await sql<{ tbl: string; col: string; seq: string }>`
    select c.table_name::text as tbl, c.column_name::text as col,
           pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) as seq
      from information_schema.columns c
     where c.table_schema = 'public' and c.table_name = any(${tables})
       and pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) is not null`.execute(trx);
  for (const r of rows) {
    await sql`select setval(${r.seq}::regclass, coalesce((select max(${sql.ref(r.col)}) from ${sql.table(r.tbl)}), 0) + 1, false)`.execute(
      trx,
    );
  }
}

/**
 * Reads a backup file: the header, then every row, then checks the trailer (row counts per table).
 * Any problem — not gzip, a damaged or truncated stream, a line that is not JSON, a table the header does
 * not announce, counts that do not match — is a BackupError naming the file.
 */
async function* readBackup(file: string): AsyncGenerator<Header | BackupLine, void, undefined> {
  const gunzip = zlib.createGunzip();
  const input = fs.createReadStream(file);
  // pipeline (not pipe) so a read error reaches the gunzip stream, and from there the line reader.
  pipelineCb(input, gunzip, () => {});
  const rl = readline.createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  const damaged = (why: string) => new BackupError(`${file} is damaged or truncated (${why}); nothing was restored`);
  let lineNo = 0;
  try {
    let header: Header | undefined;
    let trailer: Trailer | undefined;
    const counts: Record<string, number> = {};
    try {
      for await (const text of rl) {
        lineNo++;
        if (!header) {
          try {
            header = JSON.parse(text) as Header;
          } catch {
            throw new BackupError(`${file} is not a Relais backup (expected gzip'd JSON lines)`);
          }
          if (header?.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Relais backup`);
          if (header.version !== BACKUP_VERSION || !Array.isArray(header.migrations) || !Array.isArray(header.tables))
            throw new BackupError(`${file} is a Relais backup of an unsupported version (${String(header.version)})`);
          yield header;
          continue;
        }
        if (trailer) throw damaged(`data after the end marker on line ${lineNo}`);
        if (!text) continue;
        let line: { t?: unknown; r?: unknown; end?: unknown; counts?: unknown };
        try {
          line = JSON.parse(text);
        } catch {
          throw damaged(`line ${lineNo} is not valid JSON`);
        }
        if (line.end === true) {
          trailer = line as Trailer;
          continue;
        }
        if (typeof line.t !== "string" || !header.tables.includes(line.t) || typeof line.r !== "object" || !line.r)
          throw damaged(`unexpected content on line ${lineNo}`);
        counts[line.t] = (counts[line.t] ?? 0) + 1;
        yield { kind: "row", table: line.t, row: line.r };
      }
    } catch (err) {
      if (err instanceof BackupError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ENOENT") throw new BackupError(`No such file: ${file}`);
      if (e.code === "EISDIR") throw new BackupError(`${file} is a directory, not a backup file`);
      if (e.code?.startsWith("Z_") || /unexpected end of file|incorrect header check/i.test(e.message)) {
        if (!header) throw new BackupError(`${file} is not a Relais backup (expected gzip'd JSON lines)`);
        throw damaged(e.message);
      }
      throw err;
    }
    if (!header) throw new BackupError(`${file} is not a Relais backup (it is empty)`);
    if (!trailer || typeof trailer.counts !== "object" || !trailer.counts) throw damaged("the end marker is missing");
    for (const table of header.tables) {
      const expected = Number((trailer.counts as Record<string, unknown>)[table] ?? 0);
      if ((counts[table] ?? 0) !== expected)
        throw damaged(`table ${table} has ${counts[table] ?? 0} rows, the backup announced ${expected}`);
    }
  } finally {
    rl.close();
    input.destroy();
    gunzip.destroy();
  }
}

/**
 * Restores a backup into an empty database. The file is read twice: first checked from end to end (so a
 * damaged or truncated file changes nothing), then loaded. The target must be empty and at most at the
 * backup's schema: it is migrated to the backup's schema, every row is loaded in one transaction (all or
 * nothing), then newer migrations are applied. Refuses a backup from a newer Relais.
 */
export async function restore(database: Database, file: string): Promise<Record<string, number>> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  let first: Header | undefined;
  for await (const item of readBackup(file)) {
    if (!first) first = item as Header;
  }
  if (!first) throw new BackupError(`${file} is not a Relais backup`);
  const header = first;
  const known = knownMigrations();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length)
    throw new BackupError(`The backup comes from a newer Relais (unknown migrations: ${unknown.join(", ")})`);

  // Before changing anything: the target must hold no rows, and must not be ahead of the backup (migrating
  // it down to the backup's schema could drop data and is never what an operator wants).
  await assertEmpty(database);
  const applied = await appliedMigrations(database);
  const ahead = applied.filter((m, i) => header.migrations[i] !== m);
  if (ahead.length)
    throw new BackupError(
      `The target database has migrations the backup does not have (${ahead.join(", ")}); restore into a new data dir or database`,
    );
  const last = header.migrations[header.migrations.length - 1];
  if (last) await migrateTo(database, last);
  const present = new Set(await tablesInDependencyOrder(database.db));
  const missing = header.tables.filter((t) => !present.has(t));
  if (missing.length) throw new BackupError(`The backup has tables this schema does not have: ${missing.join(", ")}`);

  const counts: Record<string, number> = {};
  await database.db.transaction().execute(async (trx) => {
    const columns = new Map<string, string[]>();
    let table = "";
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      let cols = columns.get(table);
      if (!cols) {
        cols = await insertableColumns(trx, table);
        columns.set(table, cols);
      }
      // Generated columns are recomputed, identity values kept (OVERRIDING SYSTEM VALUE).
      const list = sql.join(cols.map((c) => sql.ref(c)));
      await sql`insert into ${sql.table(table)} (${list}) overriding system value
        select ${list} from json_populate_recordset(null::${sql.table(table)}, ${`[${batch.join(",")}]`}::json)`.execute(
        trx,
      );
      counts[table] = (counts[table] ?? 0) + batch.length;
      batch = [];
    };
    let first = true;
    for await (const item of readBackup(file)) {
      if (first) {
        first = false;
        continue;
      }
      const line = item as BackupLine;
      if (line.table !== table || batch.length >= BATCH) {
        await flush();
        table = line.table;
      }
      batch.push(JSON.stringify(line.row));
    }
    await flush();
    await resetSequences(trx, header.tables);
  });
  await migrateToLatest(database);
  return counts;
}
