import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/connectors/types.js";
import { syncAccountJob } from "../../src/modules/inbox/inbox.jobs.js";
import { enqueueDueSyncs, syncAccountInteractions } from "../../src/modules/inbox/sync.service.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { FakeSocial, interaction, publishedTarget, socialAccount } from "./fake-social.js";

/**
 * The interactions sync against a scripted network: incremental paging, idempotent inserts, linking to our
 * posts (first post and thread parts), and what each kind of network refusal does to the account.
 */
let t: TestApp;
let owner: Caller;
let ws: string;
let net: FakeSocial;

beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.jobs.start(t.ctx, { work: false, schedule: false });
  owner = await signUp(t, "ines.owner@musee.fr", { name: "Inès Owner" });
  ws = await createWorkspace(owner, "Musée des Confluences");
});
afterAll(() => t.close());
afterEach(() => net?.close());

async function stored(accountId: string) {
  return t.ctx.db
    .selectFrom("interactions")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("occurred_at", "desc")
    .execute();
}

async function account(accountId: string) {
  return t.ctx.db.selectFrom("social_accounts").selectAll().where("id", "=", accountId).executeTakeFirstOrThrow();
}

describe("incremental sync", () => {
  it("stores every interaction once, linked to the post (or a thread part) it concerns", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    const first = await publishedTarget(t, ws, accountId, {
      externalId: "at://did:plc:musee/app.bsky.feed.post/3kexpo1",
      threadExternalIds: [
        "at://did:plc:musee/app.bsky.feed.post/3kexpo2",
        "at://did:plc:musee/app.bsky.feed.post/3kexpo3",
      ],
    });
    const other = await publishedTarget(t, ws, accountId, {
      externalId: "at://did:plc:musee/app.bsky.feed.post/3kautre",
    });
    net.push(
      interaction({ kind: "follow", url: "https://bsky.app/profile/fan.bsky.social" }),
      interaction({ kind: "like", subjectExternalId: "at://did:plc:musee/app.bsky.feed.post/3kexpo1" }),
      interaction({
        kind: "reply",
        text: "Magnifique ! On vient samedi avec les enfants 👨‍👩‍👧‍👦 — à très vite 🎉",
        subjectExternalId: "at://did:plc:musee/app.bsky.feed.post/3kexpo3",
      }),
      interaction({
        kind: "quote",
        text: "À voir absolument",
        subjectExternalId: "at://did:plc:musee/app.bsky.feed.post/3kautre",
      }),
      interaction({ kind: "mention", text: "@musee.bsky.social vous ouvrez lundi ?" }),
      interaction({ kind: "like", subjectExternalId: "at://did:plc:someone-else/app.bsky.feed.post/zzz" }),
    );
    const r = await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 4 });
    expect(r).toMatchObject({ status: "ok", inserted: 6, pages: 2, retry: false });
    const rows = await stored(accountId);
    expect(rows).toHaveLength(6);
    const by = (kind: string) => rows.filter((x) => x.kind === kind);
    expect(by("reply")[0]).toMatchObject({
      post_target_id: first.targetId,
      text: "Magnifique ! On vient samedi avec les enfants 👨‍👩‍👧‍👦 — à très vite 🎉",
      author_name: "Zoé Fan 🎨",
    });
    expect(by("quote")[0]?.post_target_id).toBe(other.targetId);
    expect(by("follow")[0]?.post_target_id).toBeNull();
    expect(by("mention")[0]?.post_target_id).toBeNull();
    expect(
      by("like")
        .map((x) => x.post_target_id)
        .sort(),
    ).toEqual([first.targetId, null].sort());
    const a = await account(accountId);
    expect(a.last_synced_at).not.toBeNull();
    expect(a.last_sync_error).toBeNull();
    expect(a.sync_cursor).toBeNull();
  });

  it("a second run reads only the new page(s) and never inserts a duplicate", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    for (let i = 0; i < 12; i++) net.push(interaction());
    expect((await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 5 })).inserted).toBe(12);
    expect(net.interactionCalls).toHaveLength(3);

    // Nothing new: one page read, nothing inserted.
    net.interactionCalls.length = 0;
    expect(await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 5 })).toMatchObject({
      inserted: 0,
      pages: 1,
    });
    expect(net.interactionCalls).toEqual([{ cursor: null, limit: 5 }]);

    // Seven new ones: two pages (5 new, then 2 new + known ones), never the older third page.
    for (let i = 0; i < 7; i++) net.push(interaction({ kind: "repost" }));
    net.interactionCalls.length = 0;
    expect(await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 5 })).toMatchObject({
      inserted: 7,
      pages: 2,
    });
    expect(net.interactionCalls).toHaveLength(2);
    expect(net.interactionCalls[0]?.cursor).toBeNull();
    expect(await stored(accountId)).toHaveLength(19);
  });

  it("ignores the same notification twice in a page and keeps the same id under two kinds apart", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    const like = interaction({ kind: "like", externalId: "notif-42" });
    net.push(like, { ...like }, interaction({ kind: "repost", externalId: "notif-42" }));
    expect((await syncAccountInteractions(t.ctx, ws, accountId)).inserted).toBe(2);
    // Run concurrently with a copy inserted meanwhile: ON CONFLICT DO NOTHING, no error.
    await t.ctx.db
      .insertInto("interactions")
      .values({
        workspace_id: ws,
        account_id: accountId,
        kind: "reply",
        external_id: "notif-43",
        occurred_at: new Date(),
      })
      .execute();
    net.push(
      interaction({ kind: "reply", externalId: "notif-43" }),
      interaction({ kind: "reply", externalId: "notif-44" }),
    );
    expect((await syncAccountInteractions(t.ctx, ws, accountId)).inserted).toBe(1);
    expect(await stored(accountId)).toHaveLength(4);
  });

  it("a backlog longer than one run continues where it stopped (sync_cursor), then clears it", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    for (let i = 0; i < 10; i++) net.push(interaction());
    const r1 = await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 2, maxPages: 2 });
    expect(r1).toMatchObject({ status: "ok", inserted: 4, pages: 2 });
    const backlog = (await account(accountId)).sync_cursor;
    expect(backlog).toBe(net.notifications[3]?.externalId);
    // Two newer ones arrive: the head reads them and stops at the known ones, then the backlog resumes.
    net.push(interaction(), interaction());
    net.interactionCalls.length = 0;
    const r2 = await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 2, maxPages: 10 });
    expect(r2.inserted).toBe(8);
    expect(net.interactionCalls[0]?.cursor).toBeNull();
    expect(net.interactionCalls[2]?.cursor).toBe(backlog);
    expect((await account(accountId)).sync_cursor).toBeNull();
    expect(await stored(accountId)).toHaveLength(12);
  });

  it("two syncs of one account at once: the second steps aside (lease)", async () => {
    net = new FakeSocial();
    net.delayMs = 300;
    const accountId = await socialAccount(t, ws);
    net.push(interaction(), interaction());
    const [a, b] = await Promise.all([
      syncAccountInteractions(t.ctx, ws, accountId),
      syncAccountInteractions(t.ctx, ws, accountId),
    ]);
    expect([a.status, b.status].sort()).toEqual(["ok", "skipped_busy"]);
    expect(await stored(accountId)).toHaveLength(2);
    // Released afterwards.
    expect((await account(accountId)).sync_lease_until).toBeNull();
  });
});

describe("network refusals", () => {
  it("auth_expired → reconnect needed, owners notified once, next runs skip the account", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws, { name: "Bluesky — Musée" });
    net.errors.push(new ConnectorError("auth_expired", "Token has been revoked", { status: 401 }));
    const r = await syncAccountInteractions(t.ctx, ws, accountId);
    expect(r).toMatchObject({ status: "auth_expired", retry: false });
    const a = await account(accountId);
    expect(a.status).toBe("reconnect_needed");
    expect(a.status_reason).toBe("Token has been revoked");
    expect(a.last_sync_error).toContain("Token has been revoked");
    const notes = await t.ctx.db
      .selectFrom("notifications")
      .select(["kind", "user_id", "data"])
      .where("workspace_id", "=", ws)
      .where("kind", "=", "account_reconnect")
      .execute();
    const mine = notes.filter((n) => (n.data as { accountName?: string }).accountName === "Bluesky — Musée");
    expect(mine).toHaveLength(1);
    expect(mine[0]?.user_id).toBe(owner.user.id);
    expect((await syncAccountInteractions(t.ctx, ws, accountId)).status).toBe("skipped_inactive");
    expect(net.interactionCalls).toHaveLength(1);
  });

  it("undecryptable credentials are auth_expired too", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    await t.ctx.db
      .updateTable("social_accounts")
      .set({ credentials_enc: "garbage" })
      .where("id", "=", accountId)
      .execute();
    expect((await syncAccountInteractions(t.ctx, ws, accountId)).status).toBe("auth_expired");
    expect((await account(accountId)).status).toBe("reconnect_needed");
    expect(net.interactionCalls).toHaveLength(0);
  });

  it("rate_limited → waits retryAfter (skipped meanwhile), a delayed job is queued, then syncs", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    net.push(interaction());
    net.errors.push(new ConnectorError("rate_limited", "Rate Limit Exceeded", { status: 429, retryAfterSeconds: 120 }));
    const now = new Date();
    const r = await syncAccountInteractions(t.ctx, ws, accountId, { now });
    expect(r).toMatchObject({ status: "rate_limited", retry: false, retryAfterSeconds: 120 });
    const a = await account(accountId);
    expect(a.sync_not_before?.getTime()).toBe(now.getTime() + 120_000);
    expect(a.status).toBe("active");
    const { rows } = await sql<{ start_after: Date; singleton_key: string }>`
      select start_after, singleton_key from pgboss.job
       where name = 'inbox.sync-account' and data->>'accountId' = ${accountId}`.execute(t.ctx.db);
    expect(rows).toHaveLength(1);
    expect(Math.abs(rows[0]!.start_after.getTime() - (now.getTime() + 120_000))).toBeLessThan(2000);
    expect(rows[0]!.singleton_key).toBe(accountId);
    // Before the wait is over: nothing asked of the network. After: synced, error cleared.
    expect(
      (await syncAccountInteractions(t.ctx, ws, accountId, { now: new Date(now.getTime() + 60_000) })).status,
    ).toBe("skipped_waiting");
    expect(net.interactionCalls).toHaveLength(1);
    const later = await syncAccountInteractions(t.ctx, ws, accountId, { now: new Date(now.getTime() + 121_000) });
    expect(later).toMatchObject({ status: "ok", inserted: 1 });
    const after = await account(accountId);
    expect(after.last_sync_error).toBeNull();
    expect(after.sync_not_before).toBeNull();
  });

  it("transient mid-paging → recorded, what was read is kept, the next run resumes the older pages", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    for (let i = 0; i < 6; i++) net.push(interaction());
    // The first page answers, the second fails.
    net.failOnCall = { call: 2, error: new ConnectorError("transient", "HTTP 502 Bad Gateway", { status: 502 }) };
    const r = await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 4 });
    expect(r).toMatchObject({ status: "failed", retry: true, inserted: 4 });
    const a = await account(accountId);
    expect(a.last_sync_error).toContain("HTTP 502 Bad Gateway");
    expect(a.status).toBe("active");
    expect(a.sync_cursor).toBe(net.notifications[3]?.externalId);
    expect(await stored(accountId)).toHaveLength(4);
    // The retry reads the head (all known) then the older page where it failed: every interaction once.
    expect(await syncAccountInteractions(t.ctx, ws, accountId, { pageSize: 4 })).toMatchObject({
      status: "ok",
      inserted: 2,
    });
    expect(await stored(accountId)).toHaveLength(6);
    const after = await account(accountId);
    expect(after.last_sync_error).toBeNull();
    expect(after.sync_cursor).toBeNull();
  });

  it("the job throws on a transient error (pg-boss retries with backoff), not on others", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    net.push(interaction());
    const job = () => syncAccountJob.handler(t.ctx, { workspaceId: ws, accountId });
    net.errors.push(new ConnectorError("transient", "socket hang up"));
    await expect(job()).rejects.toThrow(/will retry/);
    net.errors.push(new ConnectorError("permanent", "Unsupported lexicon"));
    await expect(job()).resolves.toBeUndefined();
    expect((await account(accountId)).last_sync_error).toContain("Unsupported lexicon");
    await job();
    expect(await stored(accountId)).toHaveLength(1);
  });

  it("a refreshed session is stored encrypted through persistCredentials", async () => {
    net = new FakeSocial();
    const accountId = await socialAccount(t, ws);
    net.rotateSession = { accessJwt: "access-2", refreshJwt: "refresh-2-secret", did: "did:plc:musee" };
    net.push(interaction());
    expect((await syncAccountInteractions(t.ctx, ws, accountId)).status).toBe("ok");
    const a = await account(accountId);
    expect(a.credentials_enc).not.toContain("refresh-2-secret");
    expect(t.ctx.secrets.decryptJson(a.credentials_enc!, accountId)).toEqual({
      accessJwt: "access-2",
      refreshJwt: "refresh-2-secret",
      did: "did:plc:musee",
    });
    // The next call gets the new session.
    net.push(interaction());
    await syncAccountInteractions(t.ctx, ws, accountId);
    expect(net.seenCredentials.at(-1)).toMatchObject({ refreshJwt: "refresh-2-secret" });
  });
});

describe("dispatcher", () => {
  it("queues one sync per active readable account; a second round adds none while one waits", async () => {
    net = new FakeSocial();
    const ws2 = await createWorkspace(owner, "Dispatch");
    const active = await socialAccount(t, ws2);
    const broken = await socialAccount(t, ws2, { name: "À reconnecter" });
    await t.ctx.db
      .updateTable("social_accounts")
      .set({ status: "reconnect_needed" })
      .where("id", "=", broken)
      .execute();
    await enqueueDueSyncs(t.ctx);
    await enqueueDueSyncs(t.ctx);
    const { rows } = await sql<{ key: string }>`
      select singleton_key as key from pgboss.job where name = 'inbox.sync-account' and data->>'workspaceId' = ${ws2}`.execute(
      t.ctx.db,
    );
    expect(rows.map((r) => r.key)).toEqual([active]);
  });
});
