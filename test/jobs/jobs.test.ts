import { sql } from "kysely";
import PgBoss from "pg-boss";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { defineJob, type JobDefinition } from "../../src/jobs/job.js";
import { JobQueue } from "../../src/jobs/queue.js";
import { jobDefinitions, validateRegistry } from "../../src/jobs/registry.js";
import { createTestApp, signUp, type TestApp } from "../helpers/app.js";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ withQueue: true });
});
afterAll(() => t?.close());

/** Polls until check() is true, at most timeoutMs. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A bare pg-boss on the test database (to play an older Relais that scheduled a job since removed). */
function rawBoss(database: Database): PgBoss {
  return new PgBoss({
    ...(database.kind === "postgres"
      ? { connectionString: database.connectionString, max: 2 }
      : { db: { executeSql: (text: string, values: unknown[]) => database.executeSql(text, values) } }),
    schema: "pgboss",
    supervise: false,
    schedule: false,
    migrate: false,
  });
}

describe("job registry", () => {
  const noop = async () => {};

  it("accepts the real registry, whose names are unique", () => {
    expect(() => validateRegistry()).not.toThrow();
    const names = jobDefinitions.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("auth.purge-expired");
  });

  it("rejects a name registered twice", () => {
    const a = defineJob({ name: "x.same", description: "a", handler: noop });
    const b = defineJob({ name: "x.same", description: "b", handler: noop });
    expect(() => validateRegistry([a, b] as JobDefinition<never>[])).toThrow('Job "x.same" is registered twice');
  });

  it("rejects a job without a handler", () => {
    const broken = { name: "x.no-handler", description: "forgotten" } as unknown as JobDefinition<never>;
    expect(() => validateRegistry([broken])).toThrow('Job "x.no-handler" has no handler');
  });
});

describe("worker role: auth.purge-expired", () => {
  it("runs when sent: expired sessions and long-expired invitations go, live ones stay", async () => {
    const camille = await signUp(t, "camille@agence.fr", { owner: true });
    await signUp(t, "louise@agence.fr");
    const ws = await camille.post("/api/workspaces", { name: "Théâtre", timezone: "Europe/Paris", locale: "fr" });
    const workspaceId = (ws.json() as { id: string }).id;
    for (const email of ["old@example.org", "recent@example.org", "pending@example.org"]) {
      expect(
        (await camille.post(`/api/workspaces/${workspaceId}/invitations`, { email, role: "viewer" })).statusCode,
      ).toBe(201);
    }
    const db = t.ctx.db;
    // Louise's session expired an hour ago; an invitation expired 40 days ago, another 5 days ago.
    await sql`update sessions set expires_at = now() - interval '1 hour'
               where user_id = (select id from users where email = 'louise@agence.fr')`.execute(db);
    await sql`update invitations set expires_at = now() - interval '40 days' where email = 'old@example.org'`.execute(
      db,
    );
    await sql`update invitations set expires_at = now() - interval '5 days' where email = 'recent@example.org'`.execute(
      db,
    );
    const count = async (q: string) => Number((await t.ctx.database.executeSql(q, [])).rows[0]?.n);
    expect(await count("select count(*)::int as n from sessions")).toBe(2);

    const id = await t.ctx.jobs.send("auth.purge-expired", {});
    expect(id).toEqual(expect.any(String));
    await eventually(async () => (await t.ctx.jobs.getJob("auth.purge-expired", id as string))?.state === "completed");

    const sessions = await db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("users.email")
      .execute();
    expect(sessions.map((s) => s.email)).toEqual(["camille@agence.fr"]);
    const invitations = await db.selectFrom("invitations").select("email").orderBy("email").execute();
    expect(invitations.map((i) => i.email)).toEqual(["pending@example.org", "recent@example.org"]);
    // The surviving session still signs in.
    expect((await camille.get("/api/auth/session")).statusCode).toBe(200);
  });
});

describe("scheduler role", () => {
  it("registers every cron in UTC and drops schedules of jobs that no longer exist", async () => {
    const old = rawBoss(t.ctx.database);
    await old.start();
    await old.createQueue("legacy.removed-job");
    await old.schedule("legacy.removed-job", "0 3 * * *", {}, { tz: "Europe/Paris" });
    await old.stop({ graceful: false, close: true });

    const scheduler = new JobQueue(t.ctx.database, pino({ level: "silent" }));
    await scheduler.start(t.ctx, { work: false, schedule: true });
    try {
      const schedules = await scheduler.getSchedules();
      expect(schedules).toContainEqual({ name: "auth.purge-expired", cron: "*/15 * * * *", timezone: "UTC" });
      expect(schedules.every((s) => s.timezone === "UTC")).toBe(true);
      expect(schedules.map((s) => s.name)).not.toContain("legacy.removed-job");
      // Every registered cron job is there (a job with a cron cannot be forgotten by the scheduler).
      const crons = jobDefinitions.filter((d) => "cron" in d && d.cron).map((d) => d.name);
      expect(schedules.map((s) => s.name).sort()).toEqual([...crons].sort());
    } finally {
      await scheduler.stop();
    }
  });

  it("the worker-only queue does not register schedules", async () => {
    await t.ctx.database.executeSql("delete from pgboss.schedule", []);
    const worker = new JobQueue(t.ctx.database, pino({ level: "silent" }));
    await worker.start(t.ctx, { work: false, schedule: false });
    try {
      expect(await worker.getSchedules()).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});

describe("stopping the worker", () => {
  /** A job that runs until the test opens its gate. */
  function slowJob(name: string) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const state = { started: false, finished: false };
    const def = defineJob({
      name,
      description: "waits for the test",
      retryLimit: 2,
      retryDelaySeconds: 60,
      async handler() {
        state.started = true;
        await gate;
        state.finished = true;
      },
    });
    return { def: def as unknown as JobDefinition<never>, open, state };
  }

  async function jobState(id: string): Promise<string | undefined> {
    const { rows } = await t.ctx.database.executeSql("select state from pgboss.job where id = $1", [id]);
    return rows[0]?.state as string | undefined;
  }

  async function startWith(def: JobDefinition<never>) {
    const queue = new JobQueue(t.ctx.database, pino({ level: "silent" }), [def]);
    await queue.start(t.ctx, { work: true, schedule: false });
    const send = queue.send as unknown as (name: string, data: object) => Promise<string | null>;
    const id = (await send.call(queue, def.name, {})) as string;
    return { queue, id };
  }

  it("waits for a running job to finish before stopping", async () => {
    const slow = slowJob("test.slow-finishes");
    const { queue, id } = await startWith(slow.def);
    try {
      await eventually(async () => slow.state.started);
      let stopped = false;
      const stopping = queue.stop(20_000).then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 700));
      expect(stopped).toBe(false);
      slow.open();
      await stopping;
      expect(slow.state.finished).toBe(true);
      expect(await jobState(id)).toBe("completed");
    } finally {
      slow.open();
      await queue.stop();
    }
  });

  it("stopWorking: the running job finishes, a job sent afterwards waits for the next worker", async () => {
    const slow = slowJob("test.slow-drain");
    const { queue, id } = await startWith(slow.def);
    try {
      await eventually(async () => slow.state.started);
      await queue.stopWorking();
      const send = queue.send as unknown as (name: string, data: object) => Promise<string | null>;
      const later = (await send.call(queue, "test.slow-drain", {})) as string;
      slow.open();
      await eventually(async () => (await jobState(id)) === "completed");
      // Longer than pg-boss's 2 s polling interval: a polling worker would have fetched it by now.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await jobState(later)).toBe("created");
    } finally {
      slow.open();
      await queue.stop();
    }
  });

  it("releases a job still running at the timeout: failed now, retried later", async () => {
    const slow = slowJob("test.slow-stuck");
    const { queue, id } = await startWith(slow.def);
    try {
      await eventually(async () => slow.state.started);
      const started = Date.now();
      await queue.stop(1_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(slow.state.finished).toBe(false);
      expect(await jobState(id)).toBe("retry");
    } finally {
      slow.open();
      await queue.stop();
    }
  });
});

describe("queue settings and failures", () => {
  it("applies changed retry settings to an existing queue", async () => {
    const make = (retryLimit: number) =>
      defineJob({
        name: "test.settings",
        description: "x",
        retryLimit,
        async handler() {},
      }) as unknown as JobDefinition<never>;
    const limit = async () =>
      (await t.ctx.database.executeSql("select retry_limit from pgboss.queue where name = $1", ["test.settings"]))
        .rows[0]?.retry_limit;
    for (const retryLimit of [2, 7]) {
      const queue = new JobQueue(t.ctx.database, pino({ level: "silent" }), [make(retryLimit)]);
      await queue.start(t.ctx, { work: false, schedule: false });
      await queue.stop();
      expect(await limit()).toBe(retryLimit);
    }
  });

  it("logs a failing job with its name, and pg-boss keeps it for a retry", async () => {
    const logged: { msg?: string; job?: string; err?: { message?: string } }[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const failing = defineJob({
      name: "test.failing",
      description: "always fails",
      retryLimit: 1,
      retryDelaySeconds: 60,
      async handler() {
        throw new Error("le réseau ne répond pas");
      },
    }) as unknown as JobDefinition<never>;
    const queue = new JobQueue(t.ctx.database, logger, [failing]);
    await queue.start(t.ctx, { work: true, schedule: false });
    try {
      const send = queue.send as unknown as (name: string, data: object) => Promise<string | null>;
      const id = (await send.call(queue, "test.failing", {})) as string;
      await eventually(async () => logged.some((l) => l.msg === "job failed"));
      expect(logged.find((l) => l.msg === "job failed")).toMatchObject({
        job: "test.failing",
        err: { message: "le réseau ne répond pas" },
      });
      await eventually(async () => (await queue.getJob("test.failing" as never, id))?.state === "retry");
    } finally {
      await queue.stop();
    }
  });
});
