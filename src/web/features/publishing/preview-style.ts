/**
 * How each network lays a post out, for the composer's previews (no network assets: shapes, order and
 * cuts only). `seeMoreAt`: where the network folds a long text behind "… voir plus" in the feed
 * (LinkedIn ~210 characters, Facebook ~480, Instagram 125); the full text is one click away, as there.
 */
export interface PreviewStyle {
  seeMoreAt: number | null;
  /** Instagram shows the media first and the caption under it, after the account's name. */
  mediaFirst: boolean;
  /** Instagram captions do not make links clickable. */
  linksClickable: boolean;
  /** LinkedIn pages have square logos; the others round avatars. */
  avatar: "round" | "square";
  /** How several media show: a 2×2 grid (X, Bluesky, Mastodon, Facebook, LinkedIn) or a carousel (Instagram). */
  media: "grid" | "carousel";
  /** The link card: large (image-wide, host in capitals: Facebook, LinkedIn) or compact (Bluesky, Mastodon, X). */
  linkCard: "large" | "compact" | "none";
  /** The reactions row under the post, as words (no icons downloaded). */
  actions: string[];
}

const base: PreviewStyle = {
  seeMoreAt: null,
  mediaFirst: false,
  linksClickable: true,
  avatar: "round",
  media: "grid",
  linkCard: "compact",
  actions: [],
};

export const PREVIEW_STYLES: Record<string, PreviewStyle> = {
  linkedin: {
    ...base,
    seeMoreAt: 210,
    avatar: "square",
    linkCard: "large",
    actions: ["like", "comment", "repost", "send"],
  },
  facebook: { ...base, seeMoreAt: 480, linkCard: "large", actions: ["like", "comment", "share"] },
  instagram: {
    ...base,
    seeMoreAt: 125,
    mediaFirst: true,
    linksClickable: false,
    media: "carousel",
    linkCard: "none",
    actions: ["like", "comment", "send", "save"],
  },
  x: { ...base, actions: ["reply", "repost", "like", "views"] },
  bluesky: { ...base, actions: ["reply", "repost", "like"] },
  mastodon: { ...base, actions: ["reply", "boost", "favourite"] },
  webhook: base,
};

export function previewStyle(network: string): PreviewStyle {
  return PREVIEW_STYLES[network] ?? base;
}

const segmenter =
  typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter("fr", { granularity: "grapheme" }) : null;

/**
 * The part of `text` shown before "… voir plus": the first `max` characters as a reader counts them
 * (graphemes: an emoji with its skin tone is one), cut back to the last space when one is near so a word
 * is not split, without trailing spaces. Null when the whole text fits.
 */
export function foldedText(text: string, max: number): string | null {
  const chars = segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
  if (chars.length <= max) return null;
  let head = chars.slice(0, max).join("");
  const space = head.search(/\s\S*$/);
  if (space > head.length * 0.8) head = head.slice(0, space);
  return head.trimEnd();
}
