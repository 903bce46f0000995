import type { CountingRule } from "./text-length.js";

/**
 * What each network accepts, from its published documentation. Connectors declare these; the composer
 * checks drafts against them live and the server refuses to schedule a post that breaks an error rule.
 */
export const NETWORK_IDS = [
  "webhook",
  "bluesky",
  "mastodon",
  "x",
  "linkedin",
  "facebook",
  "instagram",
  "pinterest",
  "youtube",
] as const;
export type NetworkId = (typeof NETWORK_IDS)[number];

export type MediaKind = "image" | "video" | "gif";

export interface NetworkProfile {
  id: NetworkId;
  /** Display name (a brand name: not translated). */
  label: string;
  /** `urlLength`: what every URL counts, for a counting rule that lets the server choose it (Mastodon). */
  text: { max: number; counting: CountingRule; required: boolean; urlLength?: number };
  /** A separate title field (YouTube, Pinterest). */
  title?: { max: number; required: boolean };
  hashtagsMax?: number;
  media: {
    maxCount: number;
    kinds: MediaKind[];
    /** Images and videos cannot be mixed in one post. */
    mixKinds: boolean;
    maxImageBytes: number;
    maxVideoBytes: number;
    maxVideoSeconds?: number;
    /** Width / height bounds for images, e.g. Instagram feed 0.8 (4:5) to 1.91. */
    aspectRatio?: { min: number; max: number };
    /** No media is a warning (Instagram) or an error (YouTube needs a video). */
    required?: "warning" | "error";
    requiredKind?: MediaKind;
    altTextMax?: number;
  };
  threads: boolean;
  firstComment: boolean;
  linkCards: boolean;
  altText: boolean;
  /** Whether Relais can publish there today (a connector exists) or only checks and previews. */
  publishable: boolean;
}

const MB = 1024 * 1024;

export const PROFILES: Record<NetworkId, NetworkProfile> = {
  webhook: {
    id: "webhook",
    label: "Webhook",
    text: { max: 40_000, counting: "code-points", required: false },
    media: {
      maxCount: 10,
      kinds: ["image", "video", "gif"],
      mixKinds: true,
      maxImageBytes: 50 * MB,
      maxVideoBytes: 512 * MB,
    },
    threads: false,
    firstComment: false,
    linkCards: false,
    altText: true,
    publishable: true,
  },
  bluesky: {
    id: "bluesky",
    label: "Bluesky",
    text: { max: 300, counting: "graphemes", required: false },
    media: {
      maxCount: 4,
      kinds: ["image", "video", "gif"],
      mixKinds: false,
      maxImageBytes: 1_000_000,
      maxVideoBytes: 100 * MB,
      maxVideoSeconds: 180,
      altTextMax: 2000,
    },
    threads: true,
    firstComment: false,
    linkCards: true,
    altText: true,
    publishable: true,
  },
  mastodon: {
    id: "mastodon",
    label: "Mastodon",
    text: { max: 500, counting: "mastodon", required: false, urlLength: 23 },
    media: {
      maxCount: 4,
      kinds: ["image", "video", "gif"],
      mixKinds: false,
      maxImageBytes: 16 * MB,
      maxVideoBytes: 99 * MB,
      altTextMax: 1500,
    },
    threads: true,
    firstComment: false,
    linkCards: true,
    altText: true,
    publishable: true,
  },
  x: {
    id: "x",
    label: "X",
    text: { max: 280, counting: "x-weighted", required: false },
    media: {
      maxCount: 4,
      kinds: ["image", "video", "gif"],
      mixKinds: false,
      maxImageBytes: 5 * MB,
      maxVideoBytes: 512 * MB,
      maxVideoSeconds: 140,
      altTextMax: 1000,
    },
    threads: true,
    firstComment: false,
    linkCards: true,
    altText: true,
    publishable: false,
  },
  linkedin: {
    id: "linkedin",
    label: "LinkedIn",
    text: { max: 3000, counting: "code-points", required: false },
    media: {
      maxCount: 20,
      kinds: ["image", "video", "gif"],
      mixKinds: false,
      maxImageBytes: 36 * MB,
      maxVideoBytes: 5 * 1024 * MB,
      maxVideoSeconds: 900,
      altTextMax: 4086,
    },
    threads: false,
    firstComment: true,
    linkCards: true,
    altText: true,
    publishable: false,
  },
  facebook: {
    id: "facebook",
    label: "Facebook",
    text: { max: 63_206, counting: "code-points", required: false },
    media: {
      maxCount: 10,
      kinds: ["image", "video", "gif"],
      mixKinds: false,
      maxImageBytes: 10 * MB,
      maxVideoBytes: 10 * 1024 * MB,
    },
    threads: false,
    firstComment: true,
    linkCards: true,
    altText: true,
    publishable: false,
  },
  instagram: {
    id: "instagram",
    label: "Instagram",
    text: { max: 2200, counting: "code-points", required: false },
    hashtagsMax: 30,
    media: {
      maxCount: 10,
      kinds: ["image", "video"],
      mixKinds: true,
      maxImageBytes: 8 * MB,
      maxVideoBytes: 300 * MB,
      maxVideoSeconds: 900,
      aspectRatio: { min: 4 / 5, max: 1.91 },
      required: "warning",
    },
    threads: false,
    firstComment: true,
    linkCards: false,
    altText: true,
    publishable: false,
  },
  pinterest: {
    id: "pinterest",
    label: "Pinterest",
    text: { max: 500, counting: "code-points", required: false },
    title: { max: 100, required: false },
    media: {
      maxCount: 1,
      kinds: ["image", "video"],
      mixKinds: false,
      maxImageBytes: 20 * MB,
      maxVideoBytes: 2 * 1024 * MB,
      required: "error",
      altTextMax: 500,
    },
    threads: false,
    firstComment: false,
    linkCards: false,
    altText: true,
    publishable: false,
  },
  youtube: {
    id: "youtube",
    label: "YouTube",
    text: { max: 5000, counting: "code-points", required: false },
    title: { max: 100, required: true },
    media: {
      maxCount: 1,
      kinds: ["video"],
      mixKinds: false,
      maxImageBytes: 2 * MB,
      maxVideoBytes: 256 * 1024 * MB,
      required: "error",
      requiredKind: "video",
    },
    threads: false,
    firstComment: false,
    linkCards: false,
    altText: false,
    publishable: false,
  },
};
