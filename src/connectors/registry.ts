import type { NetworkId } from "../shared/networks/profiles.js";
import type { Connector, ConnectorEnv } from "./types.js";

/**
 * Connectors by network. Adapters register here (src/connectors/<network>/); a network without an adapter
 * can still be drafted and previewed (its profile exists) but not connected or published.
 */
const connectors = new Map<NetworkId, Connector>();

export function registerConnector(connector: Connector): void {
  if (connectors.has(connector.network)) throw new Error(`Connector ${connector.network} registered twice`);
  connectors.set(connector.network, connector);
}

export function getConnector(network: string): Connector | undefined {
  return connectors.get(network as NetworkId);
}

export function listConnectors(): Connector[] {
  return [...connectors.values()];
}

/** Tests replace an adapter with a fake (e.g. one that crashes mid-publish); returns a restore function. */
export function overrideConnector(connector: Connector): () => void {
  const previous = connectors.get(connector.network);
  connectors.set(connector.network, connector);
  return () => {
    if (previous) connectors.set(connector.network, previous);
    else connectors.delete(connector.network);
  };
}

/**
 * The connector with the process's environment (HTTP client…) passed to every call, so callers such as the
 * scheduler call `publish(secrets, request)` without knowing about it. A fake installed with
 * overrideConnector() is wrapped the same way and may ignore the environment.
 */
export function bindConnector(connector: Connector, env: ConnectorEnv): Connector {
  return {
    network: connector.network,
    profile: connector.profile,
    connectFields: connector.connectFields,
    connect: (input, e) => connector.connect(input, e ?? env),
    validateCredentials: (account, e) => connector.validateCredentials(account, e ?? env),
    publish: (account, request, e) => connector.publish(account, request, e ?? env),
    delete: connector.delete ? (account, externalId, e) => connector.delete!(account, externalId, e ?? env) : undefined,
    lookup: connector.lookup ? (account, request, e) => connector.lookup!(account, request, e ?? env) : undefined,
    readInteractions: connector.readInteractions
      ? (account, options, e) => connector.readInteractions!(account, options, e ?? env)
      : undefined,
    readPostMetrics: connector.readPostMetrics
      ? (account, ids, e) => connector.readPostMetrics!(account, ids, e ?? env)
      : undefined,
    readAccountMetrics: connector.readAccountMetrics
      ? (account, e) => connector.readAccountMetrics!(account, e ?? env)
      : undefined,
    search: connector.search ? (account, query, e) => connector.search!(account, query, e ?? env) : undefined,
  };
}
