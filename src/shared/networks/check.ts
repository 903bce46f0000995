import { type AccountLimits, profileForAccount } from "./limits.js";
import type { MediaKind, NetworkId, NetworkProfile } from "./profiles.js";
import { countText, hashtags } from "./text-length.js";

export interface DraftMedia {
  kind: MediaKind;
  mimeType: string;
  sizeBytes: number;
  width?: number | null;
  height?: number | null;
  durationMs?: number | null;
  altText?: string;
}

export interface Draft {
  text: string;
  title?: string;
  media: DraftMedia[];
  /** The author asked for a thread (post option `thread: true`): on a network with threads, a longer text is split. */
  thread?: boolean;
}

export type IssueCode =
  | "text_too_long"
  | "text_thread"
  | "text_empty"
  | "title_too_long"
  | "title_missing"
  | "too_many_hashtags"
  | "too_many_media"
  | "media_kind_unsupported"
  | "media_kinds_mixed"
  | "image_too_large"
  | "video_too_large"
  | "video_too_long"
  | "aspect_ratio"
  | "media_missing"
  | "alt_text_missing"
  | "alt_text_too_long";

export interface Issue {
  severity: "error" | "warning";
  code: IssueCode;
  params: Record<string, string | number>;
  /** Which media item, for media issues (0-based). */
  mediaIndex?: number;
}

export interface CheckResult {
  network: NetworkId;
  length: number;
  max: number;
  issues: Issue[];
  /** False when any issue is an error: such a post cannot be scheduled. */
  ok: boolean;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Checks a draft against a network's rules, counting the text the way that network counts it. `limits`: the
 * account's own limits where its server publishes them (a Mastodon instance's), in place of the network's
 * defaults (see profileForAccount).
 */
export function checkDraft(
  network: NetworkId | NetworkProfile,
  draft: Draft,
  limits?: AccountLimits | null,
): CheckResult {
  const p = profileForAccount(network, limits);
  const issues: Issue[] = [];
  const add = (severity: Issue["severity"], code: IssueCode, params: Issue["params"] = {}, mediaIndex?: number) =>
    issues.push({ severity, code, params, ...(mediaIndex === undefined ? {} : { mediaIndex }) });

  const length = countText(draft.text, p.text.counting, p.text.urlLength);
  if (length > p.text.max) {
    // A thread was asked for and the network has threads: the connector splits the text (numbered parts).
    if (draft.thread && p.threads) add("warning", "text_thread", { length, max: p.text.max });
    else add("error", "text_too_long", { length, max: p.text.max, over: length - p.text.max });
  }
  if (!draft.text.trim() && draft.media.length === 0) add("error", "text_empty");

  if (p.title) {
    const t = draft.title ?? "";
    const tl = countText(t, "code-points");
    if (tl > p.title.max) add("error", "title_too_long", { length: tl, max: p.title.max });
    if (p.title.required && !t.trim()) add("error", "title_missing");
  }

  if (p.hashtagsMax !== undefined) {
    const n = hashtags(draft.text).length;
    if (n > p.hashtagsMax) add("error", "too_many_hashtags", { count: n, max: p.hashtagsMax });
  }

  const m = p.media;
  if (draft.media.length > m.maxCount) add("error", "too_many_media", { count: draft.media.length, max: m.maxCount });
  if (!m.mixKinds && new Set(draft.media.map((x) => (x.kind === "gif" ? "image" : x.kind))).size > 1) {
    add("error", "media_kinds_mixed");
  }
  if (m.required) {
    const wanted = m.requiredKind;
    const has = draft.media.some((x) => !wanted || x.kind === wanted);
    if (!has) add(m.required, "media_missing", { kind: wanted ?? "any" });
  }
  draft.media.forEach((item, i) => {
    if (!m.kinds.includes(item.kind)) add("error", "media_kind_unsupported", { kind: item.kind }, i);
    if (item.kind === "video") {
      if (item.sizeBytes > m.maxVideoBytes)
        add("error", "video_too_large", { size: item.sizeBytes, max: m.maxVideoBytes }, i);
      if (m.maxVideoSeconds && item.durationMs && item.durationMs / 1000 > m.maxVideoSeconds) {
        add("error", "video_too_long", { seconds: Math.round(item.durationMs / 1000), max: m.maxVideoSeconds }, i);
      }
    } else {
      // Images over the limit are resized at publish time when the network allows it (Bluesky): a warning.
      if (item.sizeBytes > m.maxImageBytes) {
        add(
          p.id === "bluesky" ? "warning" : "error",
          "image_too_large",
          { size: item.sizeBytes, max: m.maxImageBytes },
          i,
        );
      }
      if (m.aspectRatio && item.width && item.height) {
        const ratio = item.width / item.height;
        if (ratio < m.aspectRatio.min - 0.005 || ratio > m.aspectRatio.max + 0.005) {
          add(
            "error",
            "aspect_ratio",
            { ratio: round(ratio), min: round(m.aspectRatio.min), max: round(m.aspectRatio.max) },
            i,
          );
        }
      }
    }
    if (p.altText && item.kind !== "video" && !item.altText?.trim()) add("warning", "alt_text_missing", {}, i);
    if (m.altTextMax && (item.altText?.length ?? 0) > m.altTextMax) {
      add("error", "alt_text_too_long", { length: item.altText?.length ?? 0, max: m.altTextMax }, i);
    }
  });

  return { network: p.id, length, max: p.text.max, issues, ok: !issues.some((x) => x.severity === "error") };
}
