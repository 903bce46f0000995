import type { NetworkId } from "../shared/networks/profiles.js";
import type { Connector } from "./types.js";

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
