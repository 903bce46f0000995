import { blueskyConnector } from "./bluesky/bluesky.connector.js";
import { mastodonConnector } from "./mastodon/mastodon.connector.js";
import { getConnector, registerConnector } from "./registry.js";
import { webhookConnector } from "./webhook/webhook.connector.js";

/**
 * Registers every adapter Relais ships, once per process. The accounts service calls it before using the
 * registry (so the scheduler, which gets connectors through the accounts service, needs nothing else).
 * Next issue: bluesky, mastodon.
 */
export function ensureConnectorsRegistered(): void {
  if (!getConnector("webhook")) registerConnector(webhookConnector);
  if (!getConnector("bluesky")) registerConnector(blueskyConnector);
  if (!getConnector("mastodon")) registerConnector(mastodonConnector);
}

ensureConnectorsRegistered();
