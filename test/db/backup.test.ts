import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { BackupError, backup, restore } from "../../src/db/backup.js";
import type { Database } from "../../src/db/client.js";
import { appliedMigrations, migrateToLatest } from "../../src/db/migrate.js";
import { buildApp } from "../../src/http/app.js";
import { closeContext, createContext } from "../../src/runtime.js";
import { createTestApp, recordingMailer, type TestApp, testConfig } from "../helpers/app.js";
import { emptyDatabase, publicTables, snapshot } from "../helpers/databases.js";
import { fillRealisticData } from "../helpers/realistic-data.js";

const FILLED = [
  "users",
  "sessions",
  "api_tokens",
  "workspaces",
  "competitors",
  "memberships",
  "invitations",
  "audit_log",
];
const engine = process.env.DATABASE_URL ? "postgres" : "pglite";
let t: TestApp;
let dir: string;
let file: string;
let source: Record<string, string[]>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-backup-test-"));
  file = path.join(dir, "relais.backup.gz");
  t = await createTestApp();
  await fillRealisticData(t);
  source = await snapshot(t.ctx.database);
  await backup(t.ctx.database, file);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs fn against a new empty database of the given engine, closing (and dropping) it afterwards. */
async function withEmpty<T>(kind: "pglite" | "postgres", fn: (db: Database) => Promise<T>): Promise<T> {
  const target = await emptyDatabase(kind);
  try {
    return await fn(target.database);
  } finally {
    await target.close();
  }
}

/** Rewrites the backup's JSON lines (decompressed) and writes them gzip'd to a new file. */
function rewrite(name: string, edit: (lines: string[]) => string[]): string {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n");
  const out = path.join(dir, name);
  fs.writeFileSync(out, zlib.gzipSync(edit(lines).join("\n")));
  return out;
}

async function expectRefused(target: Database, backupFile: string, message: RegExp): Promise<void> {
  const err = await restore(target, backupFile).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackupError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain("\n");
}

describe(`backup and restore (${engine})`, () => {
  it("fills the application tables with the realistic data set", () => {
    // Tables added later start empty here: extend test/helpers/realistic-data.ts so backups cover them too.
    for (const table of FILLED) expect(source[table]?.length, table).toBeGreaterThan(0);
    expect(source.workspaces?.join()).toContain("🎉 Fête");
    expect(source.sessions?.join()).toContain("2020-03-31T12:00:00.000007");
  });

  it("restores into an empty database of the same engine with exactly the same rows", async () => {
    await withEmpty(engine, async (target) => {
      const counts = await restore(target, file);
      expect(await snapshot(target)).toEqual(source);
      expect(counts.users).toBe(source.users?.length);
      expect(counts.audit_log).toBe(source.audit_log?.length);
    });
  });

  it("restores across engines: PGlite to PostgreSQL and back, or PGlite on disk when only PGlite runs", async () => {
    // PostgreSQL available: the PostgreSQL backup goes into PGlite, and a PGlite backup into PostgreSQL.
    // PGlite only: a backup restored into an on-disk data dir, reopened, still has every row.
    if (engine === "postgres") {
      await withEmpty("pglite", async (target) => {
        await restore(target, file);
        expect(await snapshot(target)).toEqual(source);
      });
      const ctx = await createContext(testConfig({ databaseUrl: undefined }), {
        inMemory: true,
        logger: pino({ level: "silent" }),
      });
      try {
        const app = await buildApp(ctx, { web: false });
        ctx.mailer = recordingMailer([]);
        await fillRealisticData({ app, ctx });
        await app.close();
        const fromPglite = await snapshot(ctx.database);
        const pgliteFile = path.join(dir, "pglite.backup.gz");
        await backup(ctx.database, pgliteFile);
        await withEmpty("postgres", async (target) => {
          await restore(target, pgliteFile);
          expect(await snapshot(target)).toEqual(fromPglite);
        });
      } finally {
        await closeContext(ctx);
      }
    } else {
      const dataDir = path.join(dir, "on-disk");
      const config = testConfig({ dataDir, databaseUrl: undefined });
      const open = () => createContext(config, { migrate: false, logger: pino({ level: "silent" }) });
      let ctx: AppContext = await open();
      try {
        await restore(ctx.database, file);
        await closeContext(ctx);
        ctx = await open();
        expect(await snapshot(ctx.database)).toEqual(source);
      } finally {
        await closeContext(ctx);
      }
    }
  });

  it("refuses a database that already has data, and changes nothing", async () => {
    await expectRefused(t.ctx.database, file, /not empty \(table \w+ has rows\)/);
    expect(await snapshot(t.ctx.database)).toEqual(source);
  });

  it("refuses a file that is not a backup, and leaves the target untouched", async () => {
    const garbage = path.join(dir, "garbage.gz");
    fs.writeFileSync(garbage, "ceci n'est pas une sauvegarde\n");
    const plainJson = path.join(dir, "plain.gz");
    fs.writeFileSync(plainJson, zlib.gzipSync('{"hello":"world"}\n'));
    const empty = path.join(dir, "empty.gz");
    fs.writeFileSync(empty, "");
    await withEmpty(engine, async (target) => {
      await expectRefused(target, garbage, /is not a Relais backup/);
      await expectRefused(target, plainJson, /is not a Relais backup/);
      await expectRefused(target, empty, /is not a Relais backup/);
      await expectRefused(target, path.join(dir, "missing.gz"), /No such file/);
      await expectRefused(target, dir, /is a directory/);
      expect(await publicTables(target)).toEqual([]);
    });
  });

  it("refuses a truncated or damaged file with a clear error, and leaves the target empty", async () => {
    const whole = fs.readFileSync(file);
    const truncated = path.join(dir, "truncated.gz");
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const flipped = path.join(dir, "flipped.gz");
    const bytes = Buffer.from(whole);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    fs.writeFileSync(flipped, bytes);
    // Valid gzip, but content damaged: a row line cut in half, a row missing, the end marker missing.
    const badLine = rewrite("bad-line.gz", (lines) => lines.map((l, i) => (i === 3 ? l.slice(0, 40) : l)));
    const missingRow = rewrite("missing-row.gz", (lines) => lines.filter((_, i) => i !== 2));
    const noEnd = rewrite("no-end.gz", (lines) => lines.filter((l) => !l.startsWith('{"end":true')));
    await withEmpty(engine, async (target) => {
      await expectRefused(target, truncated, /is damaged or truncated/);
      await expectRefused(target, flipped, /is damaged or truncated|is not a Relais backup/);
      await expectRefused(target, badLine, /is damaged or truncated \(line 4 is not valid JSON\)/);
      await expectRefused(
        target,
        missingRow,
        /is damaged or truncated \(table \w+ has \d+ rows, the backup announced \d+\)/,
      );
      await expectRefused(target, noEnd, /the end marker is missing/);
      expect(await publicTables(target)).toEqual([]);
      // And the same target still takes the good backup afterwards.
      await restore(target, file);
      expect(await snapshot(target)).toEqual(source);
    });
  });

  it("refuses a backup from a newer Relais (unknown migration) before touching the target", async () => {
    const newer = rewrite("newer.gz", (lines) => {
      const header = JSON.parse(lines[0] ?? "{}");
      header.migrations.push("9999-from-the-future");
      return [JSON.stringify(header), ...lines.slice(1)];
    });
    await withEmpty(engine, async (target) => {
      await expectRefused(target, newer, /newer Relais \(unknown migrations: 9999-from-the-future\)/);
      expect(await publicTables(target)).toEqual([]);
      expect(await appliedMigrations(target)).toEqual([]);
    });
  });

  it("writes the file atomically and says so when it cannot write", async () => {
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    const err = await backup(t.ctx.database, path.join(dir, "no-such-dir", "x.gz")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect((err as Error).message).toMatch(/Cannot write .*no such directory/);
    const nothing = path.join(dir, "nothing.gz");
    await withEmpty(engine, async (empty) => {
      const e = await backup(empty, nothing).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BackupError);
      expect((e as Error).message).toBe("Nothing to back up: the database has no Relais tables yet");
    });
    expect(fs.existsSync(nothing) || fs.existsSync(`${nothing}.partial`)).toBe(false);
  });

  it("carries tables larger than one batch (cursor paging), row for row", async () => {
    await withEmpty(engine, async (big) => {
      await migrateToLatest(big);
      await sql`insert into audit_log (action, target_type, target_id, data, created_at)
                select 'bulk.event', 'thing', g::text, jsonb_build_object('i', g, 'texte', 'é' || g || ' 🎉'),
                       timestamptz '2026-01-01 00:00:00+00' + g * interval '1.000001 second'
                  from generate_series(1, 1234) g`.execute(big.db);
      const bigFile = path.join(dir, "big.backup.gz");
      const counts = await backup(big, bigFile);
      expect(counts.audit_log).toBe(1234);
      await withEmpty(engine, async (target) => {
        await restore(target, bigFile);
        expect(await snapshot(target)).toEqual(await snapshot(big));
      });
    });
  });

  it("recomputes generated columns and continues identity and serial sequences after the restored rows", async () => {
    // Not in the schema yet, but full-text search columns and counters will be: the restore must cope.
    const scratch = sql`create table search_notes (
        id bigint generated always as identity primary key,
        n serial not null,
        body text not null,
        tsv tsvector generated always as (to_tsvector('french', body)) stored)`;
    await withEmpty(engine, async (source) => {
      await scratch.execute(source.db);
      await migrateToLatest(source);
      await sql`insert into search_notes (body) values ('Les bénévoles arrivent'), ('Fête de la musique 🎉'), ('Modération')`.execute(
        source.db,
      );
      const file2 = path.join(dir, "generated.backup.gz");
      await backup(source, file2);
      await withEmpty(engine, async (target) => {
        await scratch.execute(target.db);
        await restore(target, file2);
        expect(await snapshot(target)).toEqual(await snapshot(source));
        const { rows } = await sql<{ id: number; n: number }>`
          insert into search_notes (body) values ('Nouvelle note') returning id, n`.execute(target.db);
        expect(rows[0]).toEqual({ id: 4, n: 4 });
      });
    });
  });
});
