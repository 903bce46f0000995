/**
 * A real worker process for the Bluesky crash test (test/connectors/bluesky-network.test.ts): it connects a
 * Bluesky account of the local network (BSKY_HANDLE, BSKY_APP_PASSWORD, BSKY_SERVICE — a holding proxy in
 * front of the PDS) through the accounts service, seeds one due post whose text makes a thread of three
 * parts, prints READY and works the publish queue. The parent SIGKILLs it while the proxy holds the answer
 * to the second part's createRecord.
 */
import pino from "pino";
import { loadConfig } from "../../../src/config.js";
import { splitThread } from "../../../src/connectors/bluesky/text.js";
import * as accounts from "../../../src/modules/accounts/accounts.service.js";
import * as auth from "../../../src/modules/auth/auth.service.js";
import { enqueueTarget } from "../../../src/modules/scheduler/scheduler.service.js";
import * as workspaces from "../../../src/modules/workspaces/workspaces.service.js";
import { createContext } from "../../../src/runtime.js";

const ctx = await createContext(loadConfig(process.env), { logger: pino({ level: "warn" }) });
const user = await auth.createUser(ctx, {
  email: "crash.bluesky@musee.fr",
  name: "Camille Crash",
  password: "correct-horse-battery",
});
const me = { ...user, canCreateWorkspaces: true };
const ws = await workspaces.create(ctx, me, { name: "Musée 🦋", timezone: "Europe/Paris", locale: "fr" });
const { account } = await accounts.connect(ctx, me, ws.id, {
  network: "bluesky",
  handle: process.env.BSKY_HANDLE,
  appPassword: process.env.BSKY_APP_PASSWORD,
  service: process.env.BSKY_SERVICE,
});
const sentence = "Ce soir, nocturne exceptionnelle au musée jusqu'à minuit, entrée libre pour toutes et tous 🌙. ";
const body = sentence.repeat(8).trim();
const at = new Date();
const post = await ctx.db
  .insertInto("posts")
  .values({
    workspace_id: ws.id,
    status: "scheduled",
    body,
    scheduled_at: at,
    media_ids: "[]",
    options: JSON.stringify({ thread: true }),
  })
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
  .returning(["id", "idempotency_key"])
  .executeTakeFirstOrThrow();
process.stdout.write(
  `READY ${JSON.stringify({
    workspaceId: ws.id,
    postId: post.id,
    targetId: target.id,
    idempotencyKey: target.idempotency_key,
    parts: splitThread(body).length,
  })}\n`,
);
await ctx.jobs.start(ctx, { work: true, schedule: false });
await enqueueTarget(ctx, { targetId: target.id, runAt: at });
