import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { type EmptyTarget, emptyDatabase } from "../helpers/databases.js";

/** The Kysely results the services rely on are the same on both engines (this file runs on each). */
const engine = process.env.DATABASE_URL ? "postgres" : "pglite";
let target: EmptyTarget;
let database: Database;

beforeAll(async () => {
  target = await emptyDatabase(engine);
  database = target.database;
  await sql`create table t (i int primary key, v text)`.execute(database.db);
});
afterAll(() => target?.close());

describe(`row counts of writes (${engine})`, () => {
  it("counts inserts, updates and deletes, including ones behind a CTE", async () => {
    const db = database.db as unknown as import("kysely").Kysely<{ t: { i: number; v: string | null } }>;
    const ins = await db
      .insertInto("t")
      .values([1, 2, 3, 4, 5].map((i) => ({ i, v: `v${i}` })))
      .executeTakeFirst();
    expect(ins.numInsertedOrUpdatedRows).toBe(5n);
    const upd = await db.updateTable("t").set({ v: "x" }).where("i", ">", 3).executeTakeFirst();
    expect(upd.numUpdatedRows).toBe(2n);
    const del = await db
      .with("old", (qb) => qb.selectFrom("t").select("i").where("i", "<", 3))
      .deleteFrom("t")
      .where("i", "in", (qb) => qb.selectFrom("old").select("i"))
      .executeTakeFirst();
    expect(del.numDeletedRows).toBe(2n);
    const none = await db.deleteFrom("t").where("i", "=", 42).executeTakeFirst();
    expect(none.numDeletedRows).toBe(0n);
    expect(await db.selectFrom("t").select("i").orderBy("i").execute()).toEqual([{ i: 3 }, { i: 4 }, { i: 5 }]);
  });

  it("keeps a transaction on one connection: a failed transaction leaves nothing behind", async () => {
    const db = database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`insert into t (i, v) values (100, 'in trx')`.execute(trx);
        await sql`insert into t (i, v) values (100, 'duplicate')`.execute(trx);
      }),
    ).rejects.toThrow();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from t where i = 100`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });
});
