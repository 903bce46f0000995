import { type AccountSecrets, type Connector, ConnectorError, type PublishMedia } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import type { RenditionPreset } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import * as accounts from "../accounts/accounts.service.js";
import * as media from "../media/media.service.js";

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
 * What the publisher needs from the accounts and media domains, behind one seam (the accounts service
 * owns credentials and the connector bound to this process's HTTP client). Errors that mean "nothing can
 * be sent" become PublishSetupError; anything else propagates (the publisher retries it as transient).
 */
export const publishDeps = {
  async loadForPublishing(ctx: AppContext, workspaceId: string, accountId: string): Promise<PublishingAccount> {
    try {
      const { connector, secrets } = await accounts.loadForPublishing(ctx, workspaceId, accountId);
      return { connector, secrets };
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") {
        throw new PublishSetupError("account_inactive", "account removed");
      }
      // No adapter for the network; other connector errors (credentials unreadable → auth_expired) pass.
      if (err instanceof ConnectorError && err.kind === "permanent") {
        throw new PublishSetupError("connector_unavailable", err.networkMessage);
      }
      throw err;
    }
  },

  async markReconnectNeeded(ctx: AppContext, workspaceId: string, accountId: string, reason: string): Promise<void> {
    await accounts.markReconnectNeeded(ctx, workspaceId, accountId, reason);
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
      if (err instanceof AppError && err.code === "unknown_media") {
        throw new PublishSetupError("media_unavailable", "media missing from the library");
      }
      throw err;
    }
  },
};
