import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { appLinks } from "../../lib/app-links.js";
import "../../connectors/index.js";
import { bindConnector, getConnector } from "../../connectors/registry.js";
import {
  type AccountSecrets,
  type ConnectedAccount,
  ConnectInputError,
  type Connector,
  ConnectorError,
} from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import { AppError, notFound } from "../../lib/errors.js";
import { httpClientFor } from "../../lib/http-client.js";
import { accountLimitsOf } from "../../shared/networks/limits.js";
import { NETWORK_IDS, type NetworkId, PROFILES } from "../../shared/networks/profiles.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { notify } from "../notifications/notifications.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./accounts.repo.js";

/**
 * Social accounts of a workspace. Credentials are encrypted with ctx.secrets, the account id being the
 * associated data (a ciphertext copied onto another row does not decrypt); they never leave this module
 * except decrypted for a connector call (loadForPublishing). Values a connector wants the user to see
 * once (the webhook signing secret) are returned by connect/reconnect and never again.
 */

export function presentAccount(a: repo.AccountRow) {
  return {
    id: a.id,
    network: a.network,
    displayName: a.display_name,
    handle: a.handle,
    externalId: a.external_id,
    avatarUrl: a.avatar_url,
    settings: a.settings ?? {},
    limits: accountLimitsOf(a.network, a.settings?.limits),
    status: a.status,
    statusReason: a.status_reason,
    statusChangedAt: a.status_changed_at?.toISOString() ?? null,
    lastCheckedAt: a.last_checked_at?.toISOString() ?? null,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  };
}
export type AccountView = ReturnType<typeof presentAccount>;

/** The registered connector for a network, bound to this process's HTTP client (SSRF guard per config). */
export function connectorFor(ctx: AppContext, network: string): Connector | undefined {
  const c = getConnector(network);
  return c ? bindConnector(c, { http: httpClientFor(ctx.config) }) : undefined;
}

/**
 * The connector for one stored account: this process's HTTP client, and persistCredentials storing a
 * session the adapter refreshed during a call (encrypted, like connect does) before the call returns.
 */
export function connectorForAccount(
  ctx: AppContext,
  account: { workspaceId: string; id: string; network: string },
): Connector | undefined {
  const c = getConnector(account.network);
  return c
    ? bindConnector(c, {
        http: httpClientFor(ctx.config),
        persistCredentials: (credentials) => storeCredentials(ctx, account.workspaceId, account.id, credentials),
      })
    : undefined;
}

/** Replaces an account's stored credentials (a refreshed session), encrypted with the account id as AAD. */
export async function storeCredentials(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  credentials: Record<string, unknown>,
): Promise<void> {
  await repo.update(ctx.db, workspaceId, accountId, { credentials_enc: sealCredentials(ctx, accountId, credentials) });
}

/** Bad connect input → the same 400 validation_failed a route schema gives, with body.<field> paths. */
function inputError(err: ConnectInputError): Error {
  return Object.assign(new Error("validation failed"), {
    // The shape fastify-type-provider-zod gives route validation errors, so the one handler localises it.
    validation: err.error.issues.map((issue) => {
      const { path, code, message, ...params } = issue;
      return {
        [Symbol.for("ZodFastifySchemaValidationError")]: true,
        keyword: code,
        instancePath: `/${path.join("/")}`,
        schemaPath: `#/${path.join("/")}/${code}`,
        message,
        params,
      };
    }),
    validationContext: "body",
    statusCode: 400,
  });
}

/** Runs connector.connect and turns its failures into API errors. */
async function connectWith(connector: Connector, input: Record<string, unknown>): Promise<ConnectedAccount> {
  try {
    return await connector.connect(input);
  } catch (err) {
    if (err instanceof ConnectInputError) throw inputError(err);
    if (err instanceof ConnectorError) {
      throw new AppError(
        "account_connect_failed",
        { reason: err.networkMessage },
        { kind: err.kind, status: err.options.status ?? null },
      );
    }
    throw err;
  }
}

function networkLabel(network: string): string {
  return (NETWORK_IDS as readonly string[]).includes(network) ? PROFILES[network as NetworkId].label : network;
}

function sealCredentials(ctx: AppContext, accountId: string, credentials: Record<string, unknown>): string {
  return ctx.secrets.encryptJson(credentials, accountId);
}

export async function list(ctx: AppContext, user: AuthUser, workspaceId: string): Promise<AccountView[]> {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.read");
  return (await repo.list(ctx.db, workspaceId)).map(presentAccount);
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.read");
  const row = await repo.find(ctx.db, workspaceId, accountId);
  if (!row) throw notFound("account");
  return presentAccount(row);
}

/** Connects an account: the connector checks the input with the network, then we store it encrypted. */
export async function connect(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  body: { network: string } & Record<string, unknown>,
) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const { network, ...input } = body;
  const connector = connectorFor(ctx, network);
  if (!connector) throw new AppError("network_not_connectable", { network: networkLabel(network) });
  const connected = await connectWith(connector, input);
  // The id is chosen before the insert so it can be the encryption's associated data.
  const id = randomUUID();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await repo.insert(trx, workspaceId, {
      id,
      network,
      display_name: connected.displayName,
      handle: connected.handle,
      external_id: connected.externalId,
      avatar_url: connected.avatarUrl,
      settings: connected.settings,
      credentials_enc: sealCredentials(ctx, id, connected.credentials),
      created_by: user.id,
    });
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "account.connected",
        targetType: "account",
        targetId: id,
        data: { network, displayName: connected.displayName, handle: connected.handle },
      },
    );
    return inserted;
  });
  return { account: presentAccount(row), reveal: connected.reveal ?? {} };
}

/** Renames or changes settings that need no new credentials. */
export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  accountId: string,
  patch: { displayName?: string; settings?: Record<string, unknown> },
) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const existing = await repo.find(ctx.db, workspaceId, accountId);
  if (!existing) throw notFound("account");
  const settings = patch.settings ? { ...(existing.settings ?? {}), ...patch.settings } : undefined;
  const row = await repo.update(ctx.db, workspaceId, accountId, {
    ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
    ...(settings ? { settings } : {}),
  });
  if (!row) throw notFound("account");
  return presentAccount(row);
}

/**
 * Removes an account and, through the foreign keys, its targets and posting slots. Refused while one of its
 * targets is being published, so a publish is never cut in half.
 */
export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const existing = await repo.find(ctx.db, workspaceId, accountId);
  if (!existing) throw notFound("account");
  await ctx.db.transaction().execute(async (trx) => {
    if ((await repo.countPublishing(trx, workspaceId, accountId)) > 0) throw new AppError("account_busy");
    if (!(await repo.remove(trx, workspaceId, accountId))) throw notFound("account");
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "account.removed",
        targetType: "account",
        targetId: accountId,
        data: { network: existing.network, displayName: existing.display_name, handle: existing.handle },
      },
    );
  });
}

/** Gives an account new credentials (same id, same posts); it becomes active again. */
export async function reconnect(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  accountId: string,
  input: Record<string, unknown>,
) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const existing = await repo.find(ctx.db, workspaceId, accountId);
  if (!existing) throw notFound("account");
  const connector = connectorFor(ctx, existing.network);
  if (!connector) throw new AppError("network_not_connectable", { network: existing.network });
  const connected = await connectWith(connector, { ...input, name: input.name ?? existing.display_name });
  const row = await ctx.db.transaction().execute(async (trx) => {
    await repo.update(trx, workspaceId, accountId, {
      display_name: connected.displayName,
      handle: connected.handle,
      external_id: connected.externalId,
      avatar_url: connected.avatarUrl,
      settings: connected.settings,
      credentials_enc: sealCredentials(ctx, accountId, connected.credentials),
    });
    await repo.markActive(trx, workspaceId, accountId);
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "account.reconnected",
        targetType: "account",
        targetId: accountId,
        data: { network: existing.network, displayName: connected.displayName, previousStatus: existing.status },
      },
    );
    return repo.find(trx, workspaceId, accountId);
  });
  if (!row) throw notFound("account");
  return { account: presentAccount(row), reveal: connected.reveal ?? {} };
}

/** Decrypts an account's credentials; a row that cannot be decrypted is treated as needing a reconnect. */
function openSecrets(ctx: AppContext, row: repo.AccountRow): AccountSecrets {
  if (!row.credentials_enc) throw new ConnectorError("auth_expired", "No credentials stored for this account");
  try {
    return {
      credentials: ctx.secrets.decryptJson<Record<string, unknown>>(row.credentials_enc, row.id),
      settings: row.settings ?? {},
    };
  } catch {
    // Wrong RELAIS_SECRET_KEY or a tampered row: only new credentials can fix it.
    throw new ConnectorError("auth_expired", "Stored credentials cannot be decrypted (secret key changed?)");
  }
}

/**
 * Asks the network whether the stored credentials still work. Refused → reconnect_needed (notified once per
 * transition); accepted → active again; network unreachable → nothing changes (`temporary`).
 */
export async function check(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  const row = await repo.find(ctx.db, workspaceId, accountId);
  if (!row) throw notFound("account");
  const connector = connectorFor(ctx, row.network);
  let result: { ok: boolean; reason: string | null; temporary: boolean };
  if (!connector) {
    result = { ok: false, reason: `No connector for ${row.network}`, temporary: false };
  } else {
    try {
      const secrets = openSecrets(ctx, row);
      const r = await connector.validateCredentials(secrets);
      if (r.ok && (r.refreshed || r.settings)) {
        // Settings read again from the network (a Mastodon instance's limits) are merged into the stored ones.
        const settings = r.settings ? { ...(row.settings ?? {}), ...r.settings } : undefined;
        const changed = settings !== undefined && !isDeepStrictEqual(settings, row.settings ?? {});
        if (r.refreshed || changed) {
          await repo.update(ctx.db, workspaceId, accountId, {
            ...(r.refreshed ? { credentials_enc: sealCredentials(ctx, accountId, r.refreshed) } : {}),
            ...(changed ? { settings } : {}),
          });
        }
      }
      result = r.ok ? { ok: true, reason: null, temporary: false } : { ok: false, reason: r.reason, temporary: false };
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      result = { ok: false, reason: err.networkMessage, temporary: err.retryable };
    }
  }
  await repo.touchChecked(ctx.db, workspaceId, accountId);
  if (result.ok) await repo.markActive(ctx.db, workspaceId, accountId);
  else if (!result.temporary) await markReconnectNeeded(ctx, workspaceId, accountId, result.reason ?? "");
  const after = await repo.find(ctx.db, workspaceId, accountId);
  if (!after) throw notFound("account");
  return { account: presentAccount(after), check: result };
}

/**
 * For the scheduler: marks the account "reconnect needed" with the network's reason and notifies owners and
 * managers, once per transition (a second failure while already marked changes and sends nothing).
 * Returns whether this call made the transition.
 */
export async function markReconnectNeeded(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
  reason: string,
): Promise<boolean> {
  const row = await repo.markReconnectNeeded(ctx.db, workspaceId, accountId, reason.slice(0, 1000));
  if (!row) return false;
  await notify(ctx, {
    workspaceId,
    kind: "account_reconnect",
    roles: ["owner", "manager"],
    data: {
      accountName: row.display_name,
      network: networkLabel(row.network),
      reason,
      url: appLinks.account(ctx.config.publicUrl, workspaceId, accountId),
    },
  });
  return true;
}

export interface PublishingAccount {
  account: AccountView;
  connector: Connector;
  secrets: AccountSecrets;
}

/**
 * For the scheduler and the sync jobs: the account, its connector (bound to this process's HTTP client and
 * persisting refreshed sessions) and decrypted credentials. Unknown account → not_found. No connector, or credentials missing or undecryptable →
 * ConnectorError (permanent / auth_expired), which the scheduler handles like a network's answer.
 * The account's status is not checked here: the caller decides what reconnect_needed means for it.
 */
export async function loadForPublishing(
  ctx: AppContext,
  workspaceId: string,
  accountId: string,
): Promise<PublishingAccount> {
  const row = await repo.find(ctx.db, workspaceId, accountId);
  if (!row) throw notFound("account");
  const connector = connectorForAccount(ctx, { workspaceId, id: row.id, network: row.network });
  if (!connector) throw new ConnectorError("permanent", `Relais has no connector for ${row.network}`);
  return { account: presentAccount(row), connector, secrets: openSecrets(ctx, row) };
}

/** Every network Relais knows, with its limits, whether it can be connected and its connect form. */
export function listNetworks() {
  return NETWORK_IDS.map((id) => {
    const profile = PROFILES[id];
    const connector = getConnector(id);
    return {
      ...profile,
      media: { ...profile.media },
      connectable: Boolean(connector),
      connectFields: [...(connector?.connectFields ?? [])],
    };
  });
}
