/**
 * A real worker process for the crash-recovery test: it seeds two due targets, works the publish queue,
 * and its network call hangs after printing "PUBLISH <targetId>" — the parent SIGKILLs it right there,
 * between the claim and the result.
 */
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { overrideConnector } from "../../src/connectors/registry.js";
import * as auth from "../../src/modules/auth/auth.service.js";
import { enqueueTarget } from "../../src/modules/scheduler/scheduler.service.js";
import * as workspaces from "../../src/modules/workspaces/workspaces.service.js";
import { createContext } from "../../src/runtime.js";
import { PROFILES } from "../../src/shared/networks/profiles.js";
import { webhookAccount } from "./fixtures.js";

const ctx = await createContext(loadConfig(process.env), { logger: pino({ level: "warn" }) });
overrideConnector({
  network: "webhook",
  profile: PROFILES.webhook,
  async connect() {
    throw new Error("not used");
  },
  async validateCredentials() {
    return { ok: true };
  },
  async publish(_account, request) {
    process.stdout.write(`PUBLISH ${request.targetId}\n`);
    return new Promise(() => {});
  },
});
const user = await auth.createUser(ctx, {
  email: "crash.owner@agence.fr",
  name: "Camille Crash",
  password: process.env.CRASH_PASSWORD ?? "correct-horse-battery",
});
const ws = await workspaces.create(
  ctx,
  { ...user, canCreateWorkspaces: true },
  {
    name: "Opéra de Lyon",
    timezone: "Europe/Paris",
    locale: "fr",
  },
);
const account = { id: await webhookAccount({ ctx }, ws.id, "Mattermost #com") };
const at = new Date();
const targets: { postId: string; targetId: string }[] = [];
for (const body of ["Ce soir : Carmen 🎭", "Demain : répétition publique 🎻"]) {
  const post = await ctx.db
    .insertInto("posts")
    .values({ workspace_id: ws.id, status: "scheduled", body, scheduled_at: at, media_ids: "[]", options: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const target = await ctx.db
    .insertInto("post_targets")
    .values({
      workspace_id: ws.id,
      post_id: post.id,
      account_id: account.id,
      status: "scheduled",
      next_attempt_at: at,
      options: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  targets.push({ postId: post.id, targetId: target.id });
}
process.stdout.write(`READY ${JSON.stringify({ workspaceId: ws.id, targets })}\n`);
await ctx.jobs.start(ctx, { work: true, schedule: false });
for (const t of targets) await enqueueTarget(ctx, { targetId: t.targetId, runAt: at });
