import { type CheckResult, checkDraft, type Draft, type DraftMedia } from "../../../shared/networks/check";
import type { AccountLimits } from "../../../shared/networks/limits";
import { issueMessage } from "../../../shared/networks/messages";
import { type NetworkId, PROFILES } from "../../../shared/networks/profiles";
import type { Media } from "./types";

export type { AccountLimits, CheckResult, NetworkId };
export { issueMessage, PROFILES };

/** A colour per network for the calendar and badges (Mantine colour names). */
export const NETWORK_COLORS: Record<string, string> = {
  webhook: "grape",
  bluesky: "blue",
  mastodon: "violet",
  x: "dark",
  linkedin: "indigo",
  facebook: "cyan",
  instagram: "pink",
  pinterest: "red",
  youtube: "orange",
};

export const HEX: Record<string, string> = {
  grape: "#ae3ec9",
  blue: "#228be6",
  violet: "#7950f2",
  dark: "#343a40",
  indigo: "#4c6ef5",
  cyan: "#15aabf",
  pink: "#e64980",
  red: "#fa5252",
  orange: "#fd7e14",
  gray: "#868e96",
};

export function networkColor(network: string): string {
  return NETWORK_COLORS[network] ?? "gray";
}

export function networkLabel(network: string): string {
  return (PROFILES as Record<string, { label: string } | undefined>)[network]?.label ?? network;
}

export function isKnownNetwork(network: string): network is NetworkId {
  return network in PROFILES;
}

/** Whether the network publishes a long text as a thread of numbered posts (Bluesky, Mastodon…). */
export function networkHasThreads(network: string): boolean {
  return isKnownNetwork(network) && PROFILES[network].threads;
}

/**
 * The shared checks for one network's version of a post (`thread`: the author asked for a thread, so a longer
 * text is split by the connector; `limits`: the account's own limits, `SocialAccount.limits` — a Mastodon
 * instance's characters, URL length, media count, sizes and alt text — in place of the network's defaults);
 * null for a network without a profile.
 */
export function checkFor(
  network: string,
  text: string,
  media: Media[],
  options: { thread?: boolean; limits?: AccountLimits | null } = {},
): CheckResult | null {
  if (!isKnownNetwork(network)) return null;
  const draft: Draft = {
    text,
    ...(options.thread ? { thread: true } : {}),
    media: media.map(
      (m): DraftMedia => ({
        kind: m.kind,
        mimeType: m.mimeType,
        sizeBytes: m.sizeBytes,
        width: m.width,
        height: m.height,
        durationMs: m.durationMs,
        altText: m.altText,
      }),
    ),
  };
  return checkDraft(network, draft, options.limits);
}
