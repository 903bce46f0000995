import { sql } from "kysely";
import { overrideConnector } from "../../src/connectors/registry.js";
import { type Connector, ConnectorError, type PublishRequest, type PublishResult } from "../../src/connectors/types.js";
import { PROFILES } from "../../src/shared/networks/profiles.js";
import type { TestApp } from "../helpers/app.js";

/**
 * A scriptable stand-in for the webhook connector: each publish() takes the next scripted answer (an error
 * to throw, "hang" to never answer, or success), and every request that was "delivered" is kept — the
 * receiver's view, where duplicates would show.
 */
export class FakeNetwork {
  readonly delivered: PublishRequest[] = [];
  readonly calls: PublishRequest[] = [];
  script: Array<ConnectorError | Error | "ok" | "hang"> = [];
  lookupAnswer: PublishResult | null | "none" = "none";
  /** External ids delete() was asked for, in order; scripted answers as for publish (absent = "ok"). */
  readonly deleteCalls: string[] = [];
  deleteScript: Array<ConnectorError | Error | "ok"> = [];
  /** false: the connector has no delete() (a network Relais cannot take posts down from). */
  canDelete = true;
  guaranteesIdempotency = false;
  delayMs = 0;
  private restore: () => void;

  constructor() {
    const self = this;
    const connector: Connector & { guaranteesIdempotency?: boolean } = {
      network: "webhook",
      profile: PROFILES.webhook,
      async connect() {
        throw new Error("not used");
      },
      async validateCredentials() {
        return { ok: true };
      },
      async publish(_account, request) {
        self.calls.push(request);
        const next = self.script.shift() ?? "ok";
        if (self.delayMs) await new Promise((r) => setTimeout(r, self.delayMs));
        if (next === "hang") return new Promise<PublishResult>(() => {});
        if (next instanceof Error) throw next;
        self.delivered.push(request);
        return {
          externalId: `ext-${self.delivered.length}`,
          url: `https://receiver.test/p/${request.targetId}`,
          publishedAt: new Date(),
        };
      },
    };
    Object.defineProperty(connector, "guaranteesIdempotency", { get: () => self.guaranteesIdempotency });
    Object.defineProperty(connector, "lookup", {
      get: () =>
        self.lookupAnswer === "none"
          ? undefined
          : async () => (self.lookupAnswer === "none" ? null : self.lookupAnswer),
    });
    Object.defineProperty(connector, "delete", {
      get: () =>
        self.canDelete
          ? async (_account: unknown, externalId: string) => {
              self.deleteCalls.push(externalId);
              const next = self.deleteScript.shift() ?? "ok";
              if (next instanceof Error) throw next;
            }
          : undefined,
    });
    this.restore = overrideConnector(connector);
  }

  deliveriesOf(targetId: string): number {
    return this.delivered.filter((r) => r.targetId === targetId).length;
  }

  close(): void {
    this.restore();
  }
}

export const transient = (msg = "HTTP 500 Internal Server Error") =>
  new ConnectorError("transient", msg, { status: 500 });

/** A webhook account with credentials encrypted the way the accounts service stores them. */
export async function webhookAccount(t: Pick<TestApp, "ctx">, workspaceId: string, name = "Slack #annonces") {
  const { id } = await t.ctx.db
    .insertInto("social_accounts")
    .values({ workspace_id: workspaceId, network: "webhook", display_name: name, settings: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const credentials_enc = t.ctx.secrets.encryptJson({ url: "http://127.0.0.1:9/hook", secret: "s3cret" }, id);
  await t.ctx.db.updateTable("social_accounts").set({ credentials_enc }).where("id", "=", id).execute();
  return id;
}

/** A webhook account, a scheduled post and its target due at `at` (inserted directly: the scheduler's input). */
export async function scheduledTarget(
  t: TestApp,
  workspaceId: string,
  options: { at: Date; body?: string; authorId?: string | null; accountId?: string } = { at: new Date() },
) {
  const accountId = options.accountId ?? (await webhookAccount(t, workspaceId));
  const post = await t.ctx.db
    .insertInto("posts")
    .values({
      workspace_id: workspaceId,
      status: "scheduled",
      body: options.body ?? "Vernissage ce soir à 19 h — entrée libre 🎨👩🏽‍🎨",
      scheduled_at: options.at,
      created_by: options.authorId ?? null,
      media_ids: "[]",
      options: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const target = await t.ctx.db
    .insertInto("post_targets")
    .values({
      workspace_id: workspaceId,
      post_id: post.id,
      account_id: accountId,
      status: "scheduled",
      next_attempt_at: options.at,
      options: "{}",
    })
    .returning(["id", "idempotency_key"])
    .executeTakeFirstOrThrow();
  return { accountId, postId: post.id, targetId: target.id, idempotencyKey: target.idempotency_key };
}

export async function targetRow(t: TestApp, targetId: string) {
  return t.ctx.db.selectFrom("post_targets").selectAll().where("id", "=", targetId).executeTakeFirstOrThrow();
}

export async function postStatus(t: TestApp, postId: string) {
  return (await t.ctx.db.selectFrom("posts").select("status").where("id", "=", postId).executeTakeFirstOrThrow())
    .status;
}

/** Makes a scheduled target due now (instead of waiting for its backoff). */
export async function makeDue(t: TestApp, targetId: string) {
  await t.ctx.db
    .updateTable("post_targets")
    .set({ next_attempt_at: sql<Date>`now()` })
    .where("id", "=", targetId)
    .execute();
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function eventsOf(t: TestApp, targetId: string) {
  return t.ctx.db
    .selectFrom("post_events")
    .select(["from_status", "to_status", "detail", "actor_label"])
    .where("target_id", "=", targetId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}
