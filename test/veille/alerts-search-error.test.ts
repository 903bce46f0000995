import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConnector } from "../../src/connectors/registry.js";
import { type Connector, ConnectorError } from "../../src/connectors/types.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { searchNetworks } from "../../src/modules/veille/alerts/alerts.engine.js";
import { PROFILES } from "../../src/shared/networks/profiles.js";
import { type Caller, createTestApp, createWorkspace, signUp, type TestApp } from "../helpers/app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { databaseBefore, ingest, insertSearchAccount, rss } from "./alerts-helpers.js";

/**
 * The network search's error and a delivery's failure are kept apart (migration 0015): a search that
 * succeeds clears only its own error (networkError), never a refused webhook (lastError), and a search
 * that fails does not replace it; a delivery failure leaves the search's error alone.
 */
let t: TestApp;
let rx: WebhookReceiver;
let owner: Caller;
let ws: string;
let restore: () => void;
let fail = false;

beforeAll(async () => {
  rx = await startWebhookReceiver();
  t = await createTestApp({ config: { allowPrivateNetwork: true, publicUrl: "https://relais.exemple.fr" } });
  owner = await signUp(t, "erreurs@agence.fr", { name: "Élise Erreurs" });
  ws = await createWorkspace(owner, "Cidrerie Kerné");
  const fake: Connector = {
    network: "bluesky",
    profile: PROFILES.bluesky,
    async connect() {
      throw new Error("unused");
    },
    async validateCredentials() {
      return { ok: true };
    },
    async publish() {
      throw new Error("unused");
    },
    async search() {
      if (fail) throw new ConnectorError("rate_limited", "Rate limit exceeded", { retryAfterSeconds: 60 });
      return { items: [], cursor: null };
    },
  };
  restore = overrideConnector(fake);
  await insertSearchAccount(t, ws);
});
afterAll(async () => {
  restore?.();
  await t?.close();
  await rx?.close();
});

const errorsOf = (alertId: string) =>
  t.ctx.db
    .selectFrom("alerts")
    .select(["last_error", "last_error_at", "network_error", "network_error_at"])
    .where("id", "=", alertId)
    .executeTakeFirstOrThrow();

const refused = 'Webhook non remis : refusé définitivement (HTTP 410: {"error":"hook deleted"})';

describe("network search error and delivery failure", () => {
  it("each keeps its own column; a search never clears or replaces a delivery failure", async () => {
    const res = await owner.post(`/api/workspaces/${ws}/alerts`, {
      name: "Cidre",
      query: "cidre",
      searchNetworks: true,
      webhookUrl: rx.url("/cidre"),
    });
    expect(res.statusCode, res.body).toBe(201);
    const alertId = (res.json() as { alert: { id: string } }).alert.id;

    // 1. The search fails: its error, and nothing else.
    fail = true;
    await searchNetworks(t.ctx);
    let row = await errorsOf(alertId);
    expect(row.network_error).toBe("bluesky: Rate limit exceeded");
    expect(row.network_error_at).toBeInstanceOf(Date);
    expect(row.last_error).toBeNull();

    // 2. A webhook refused for good: the delivery's failure, the search's error untouched.
    rx.respondNext({ status: 410, body: { error: "hook deleted" } });
    await ingest(
      t,
      ws,
      "https://kerne.exemple.fr/rss",
      rss("Ouest-Cidre", [{ guid: "c1", title: "Le cidre de Kerné primé 🍎", description: "Médaille d'or." }]),
    );
    expect(rx.requests).toHaveLength(1);
    row = await errorsOf(alertId);
    expect(row.last_error).toBe(refused);
    expect(row.network_error).toBe("bluesky: Rate limit exceeded");

    // 3. The search succeeds: its error goes, the delivery failure stays.
    fail = false;
    await searchNetworks(t.ctx);
    row = await errorsOf(alertId);
    expect(row.network_error).toBeNull();
    expect(row.network_error_at).toBeNull();
    expect(row.last_error).toBe(refused);
    const refusedAt = row.last_error_at;
    expect(refusedAt).toBeInstanceOf(Date);

    // 4. It fails again: its message does not replace the delivery failure.
    fail = true;
    await searchNetworks(t.ctx);
    fail = false;
    row = await errorsOf(alertId);
    expect(row.network_error).toBe("bluesky: Rate limit exceeded");
    expect(row.last_error).toBe(refused);
    expect(row.last_error_at).toEqual(refusedAt);

    // The API shows both.
    const list = await owner.get(`/api/workspaces/${ws}/alerts`);
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json() as { alerts?: unknown[] } | unknown[];
    const alerts = (Array.isArray(body) ? body : (body.alerts ?? [])) as Record<string, unknown>[];
    const view = alerts.find((a) => a.id === alertId)!;
    expect(view).toMatchObject({ lastError: refused, networkError: "bluesky: Rate limit exceeded" });
    expect(typeof view.lastErrorAt).toBe("string");
    expect(typeof view.networkErrorAt).toBe("string");
  });
});

describe("upgrade (migration 0015)", () => {
  it("moves search errors stored in last_error to network_error, and leaves delivery failures", async () => {
    const { target, db, wsId } = await databaseBefore("0015-alert-search-error", "Pressoir");
    try {
      const at = new Date("2025-03-01T10:00:00Z");
      const alert = async (name: string, error: string | null) =>
        (
          await sql<{ id: string }>`insert into alerts (workspace_id, name, query, last_error, last_error_at)
            values (${wsId}, ${name}, 'pomme', ${error}, ${error ? at : null}) returning id`.execute(db)
        ).rows[0]!.id;
      const search = await alert("Recherche", "mastodon: 401 The access token is invalid");
      const webhook = await alert("Webhook", "Webhook non remis : refusé définitivement (HTTP 410)");
      const mail = await alert("E-mail", "E-mail à a@pressoir.fr non remis après 12 tentatives (451 Try later)");
      const digest = await alert("Digest", "E-mail digest to b@pressoir.fr not delivered: refused for good (550)");
      const none = await alert("Rien", null);

      await migrateToLatest(target.database);
      const rows = await sql<{
        id: string;
        last_error: string | null;
        last_error_at: Date | null;
        network_error: string | null;
        network_error_at: Date | null;
      }>`select id, last_error, last_error_at, network_error, network_error_at from alerts`.execute(db);
      const byId = Object.fromEntries(rows.rows.map((r) => [r.id, r]));
      expect(byId[search]).toMatchObject({
        last_error: null,
        last_error_at: null,
        network_error: "mastodon: 401 The access token is invalid",
      });
      expect(new Date(byId[search]!.network_error_at!).getTime()).toBe(at.getTime());
      for (const id of [webhook, mail, digest]) {
        expect(byId[id]!.network_error).toBeNull();
        expect(byId[id]!.last_error).not.toBeNull();
      }
      expect(byId[none]).toMatchObject({ last_error: null, network_error: null });
    } finally {
      await target.close();
    }
  });
});
