import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { buildApp } from "../../src/http/app.js";
import { LEASE_SECONDS, publishTargets } from "../../src/modules/scheduler/publish.service.js";
import { reconcile } from "../../src/modules/scheduler/recovery.service.js";
import { closeContext, createContext } from "../../src/runtime.js";
import { type Instance, newInstance } from "../helpers/processes.js";
import { FakeNetwork } from "./fixtures.js";

/**
 * Crash recovery with a real worker process: killed with SIGKILL between the claim and the network's
 * answer. The targets must end unconfirmed after the reconciler — never re-sent by a retry, a duplicate
 * job or the reconciler — and the user's "it was published" / "publish again" must work.
 */
let instance: Instance | undefined;
let child: ChildProcess | undefined;
let ctx: AppContext | undefined;
afterAll(async () => {
  child?.kill("SIGKILL");
  if (ctx) await closeContext(ctx);
  await instance?.cleanup();
});

describe("a worker killed mid-publish", () => {
  it(
    "leaves unconfirmed targets, never re-sent blindly; confirm and republish work",
    { timeout: 120_000 },
    async () => {
      instance = await newInstance("crash");
      const env = { ...instance.env, CRASH_PASSWORD: "correct-horse-battery" };
      child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/scheduler/crash-worker.ts")], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      child.stderr?.setEncoding("utf8").on("data", (d: string) => {
        err += d;
      });
      const exited = new Promise<void>((resolve) => child?.once("exit", () => resolve()));
      const deadline = Date.now() + 60_000;
      while ((out.match(/^PUBLISH /gm) ?? []).length < 2) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not publish: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill("SIGKILL");
      await exited;
      const ready = JSON.parse(/^READY (.*)$/m.exec(out)?.[1] ?? "null") as {
        workspaceId: string;
        targets: { postId: string; targetId: string }[];
      };
      const ids = ready.targets.map((t) => t.targetId);
      // Each target reached the network exactly once before the kill.
      expect(ids.map((id) => (out.match(new RegExp(`PUBLISH ${id}`, "g")) ?? []).length)).toEqual([1, 1]);

      // The process comes back (same data dir or database).
      ctx = await createContext(loadConfig(instance.env), { logger: pino({ level: "silent" }) });
      const net = new FakeNetwork();
      try {
        const rows = await ctx.db.selectFrom("post_targets").select(["id", "status"]).where("id", "in", ids).execute();
        expect(rows.map((r) => r.status)).toEqual(["publishing", "publishing"]);
        // pg-boss retrying the killed job, or a duplicate job: the claim refuses.
        expect(await publishTargets(ctx, ids)).toBe(0);
        // The lease has not run out yet: the reconciler waits.
        expect(await reconcile(ctx)).toMatchObject({ unconfirmed: 0 });
        const later = new Date(Date.now() + (LEASE_SECONDS + 1) * 1000);
        expect(await reconcile(ctx, later)).toEqual({ unconfirmed: 2, published: 0, rescheduled: 0 });
        expect(await reconcile(ctx, later)).toEqual({ unconfirmed: 0, published: 0, rescheduled: 0 });
        expect(await publishTargets(ctx, ids)).toBe(0);
        expect(net.calls).toHaveLength(0);
        const posts = await ctx.db
          .selectFrom("posts")
          .select("status")
          .where("workspace_id", "=", ready.workspaceId)
          .execute();
        expect(posts.map((p) => p.status)).toEqual(["unconfirmed", "unconfirmed"]);

        // The owner decides, through the API.
        await ctx.jobs.start(ctx, { work: true, schedule: false });
        const app = await buildApp(ctx, { web: false });
        await app.ready();
        const login = await app.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { email: "crash.owner@agence.fr", password: "correct-horse-battery" },
        });
        expect(login.statusCode).toBe(200);
        const cookie = login.cookies.find((c) => c.name === "relais_session");
        const headers = { cookie: `relais_session=${cookie?.value}`, "x-csrf-token": login.json().csrfToken };
        const [a, b] = ready.targets as [(typeof ready.targets)[0], (typeof ready.targets)[0]];
        const base = (x: typeof a) => `/api/workspaces/${ready.workspaceId}/posts/${x.postId}/targets/${x.targetId}`;
        const confirmed = await app.inject({
          method: "POST",
          url: `${base(a)}/confirm-published`,
          payload: { url: "https://chat.exemple.fr/com/pl/abc" },
          headers,
        });
        expect(confirmed.statusCode).toBe(200);
        expect(confirmed.json().status).toBe("published");
        const again = await app.inject({ method: "POST", url: `${base(b)}/republish`, headers });
        expect(again.statusCode).toBe(200);
        const deadline2 = Date.now() + 20_000;
        while (net.deliveriesOf(b.targetId) === 0 && Date.now() < deadline2)
          await new Promise((r) => setTimeout(r, 100));
        expect(net.deliveriesOf(b.targetId)).toBe(1);
        expect(net.deliveriesOf(a.targetId)).toBe(0);
        await app.close();
      } finally {
        net.close();
      }
    },
  );
});
