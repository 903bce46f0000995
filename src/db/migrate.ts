import { type MigrationResultSet, Migrator } from "kysely";
import type { Database } from "./client.js";
import { migrations } from "./migrations/index.js";

function migrator(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "relais_migrations",
    migrationLockTableName: "relais_migrations_lock",
  });
}

/** Applies every pending migration (in one transaction with an advisory lock, so concurrent starts are safe). */
export async function migrateToLatest(database: Database): Promise<string[]> {
  return unwrap(await migrator(database).migrateToLatest());
}

/** Applies migrations up to and including `name` (restore uses it to match a backup's schema). */
export async function migrateTo(database: Database, name: string): Promise<string[]> {
  return unwrap(await migrator(database).migrateTo(name));
}

/** Names of migrations already applied, in order. */
export async function appliedMigrations(database: Database): Promise<string[]> {
  const all = await migrator(database).getMigrations();
  return all.filter((m) => m.executedAt).map((m) => m.name);
}

export function knownMigrations(): string[] {
  return Object.keys(migrations).sort();
}

function unwrap(set: MigrationResultSet): string[] {
  if (set.error) {
    const failed = set.results?.find((r) => r.status === "Error");
    const reason = set.error instanceof Error ? set.error.message : String(set.error);
    throw new Error(failed ? `Migration ${failed.migrationName} failed: ${reason}` : `Migration failed: ${reason}`, {
      cause: set.error,
    });
  }
  return (set.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
