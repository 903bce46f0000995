import { getConnector } from "../../connectors/registry.js";
import type { AccountSecrets, Connector, PublishMedia } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { RenditionPreset } from "../../db/schema.js";
import * as media from "../media/media.service.js";
import { notify } from "../notifications/notifications.service.js";

/** Something we know before any network call makes publishing this target impossible. */
export class PublishSetupError extends Error {
  constructor(
    readonly code: "connector_unavailable" | "media_unavailable" | "account_inactive",
    message: string,
  ) {
    super(message);
    this.name = "PublishSetupError";
  }
}

export interface PublishingAccount {
  connector: Connector;
  secrets: AccountSecrets;
}

/**
 * What the publisher needs from the accounts and media domains, behind one seam so tests and the
 * benchmark can count calls. The accounts domain owns credentials; until its service exposes
 * loadForPublishing/markReconnectNeeded, these read the same rows the way it stores them
 * (credentials encrypted with ctx.secrets, associated data = account id).
 */
export const publishDeps = {
  async loadForPublishing(ctx: AppContext, workspaceId: string, accountId: string): Promise<PublishingAccount> {
    const row = await ctx.db
      .selectFrom("social_accounts")
      .select(["id", "network", "settings", "credentials_enc", "status"])
      .where("workspace_id", "=", workspaceId)
      .where("id", "=", accountId)
      .executeTakeFirst();
    if (!row || row.status !== "active") throw new PublishSetupError("account_inactive", "account not active");
    const connector = getConnector(row.network);
    if (!connector) throw new PublishSetupError("connector_unavailable", `no connector for ${row.network}`);
    const credentials = row.credentials_enc
      ? (JSON.parse(ctx.secrets.decrypt(row.credentials_enc, row.id)) as Record<string, unknown>)
      : {};
    return { connector, secrets: { credentials, settings: row.settings } };
  },

  async markReconnectNeeded(ctx: AppContext, workspaceId: string, accountId: string, reason: string): Promise<void> {
    const row = await ctx.db
      .updateTable("social_accounts")
      .set({ status: "reconnect_needed", status_reason: reason, status_changed_at: new Date(), updated_at: new Date() })
      .where("workspace_id", "=", workspaceId)
      .where("id", "=", accountId)
      .where("status", "=", "active")
      .returning(["display_name", "network"])
      .executeTakeFirst();
    if (row) {
      await notify(ctx, {
        workspaceId,
        kind: "account_reconnect",
        roles: ["owner", "manager"],
        data: { accountName: row.display_name, network: row.network, reason },
      });
    }
  },

  async mediaForPublishing(
    ctx: AppContext,
    workspaceId: string,
    ids: string[],
    preset?: RenditionPreset,
  ): Promise<PublishMedia[]> {
    if (!ids.length) return [];
    try {
      return await media.mediaForPublishing(ctx, workspaceId, ids, preset);
    } catch (err) {
      if ((err as { code?: string }).code === "unknown_media") {
        throw new PublishSetupError("media_unavailable", "media missing from the library");
      }
      throw err;
    }
  },
};
