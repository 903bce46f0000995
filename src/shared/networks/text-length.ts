import twitterText from "twitter-text";

/**
 * How each network counts a text. Pure functions, shared by the server (validation before scheduling)
 * and the composer (live counters while typing).
 */
export type CountingRule = "x-weighted" | "graphemes" | "mastodon" | "code-points";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** User-perceived characters: 👋🏽 and é (e + combining accent) count 1. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** X: twitter-text's weighted length (CJK and emoji weigh 2, every URL 23). */
export function xWeightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** What a URL counts on Mastodon unless the instance says otherwise (`characters_reserved_per_url`). */
export const MASTODON_URL_LENGTH = 23;

/**
 * Mastodon (StatusLengthValidator): every URL with a scheme counts `urlLength` (the instance's
 * `characters_reserved_per_url`, 23 by default), a remote mention @user@instance counts as @user, then
 * grapheme clusters are counted.
 */
export function mastodonLength(text: string, urlLength: number = MASTODON_URL_LENGTH): number {
  const entities = [
    ...twitterText.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false }).map((e) => ({
      start: e.indices[0],
      end: e.indices[1],
      replacement: "x".repeat(urlLength),
    })),
    ...remoteMentions(text),
  ].sort((a, b) => a.start - b.start);
  let out = "";
  let pos = 0;
  for (const e of entities) {
    if (e.start < pos) continue;
    out += text.slice(pos, e.start) + e.replacement;
    pos = e.end;
  }
  out += text.slice(pos);
  return graphemeLength(out);
}

const REMOTE_MENTION =
  /(?<![\p{L}\p{N}_/])@([\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*)@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

function remoteMentions(text: string) {
  return [...text.matchAll(REMOTE_MENTION)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    replacement: `@${m[1]}`,
  }));
}

/** `urlLength`: what a URL counts where the rule lets the server choose it (Mastodon instances). */
export function countText(text: string, rule: CountingRule, urlLength?: number): number {
  switch (rule) {
    case "x-weighted":
      return xWeightedLength(text);
    case "graphemes":
      return graphemeLength(text);
    case "mastodon":
      return mastodonLength(text, urlLength);
    case "code-points":
      return codePointLength(text);
  }
}

/** Hashtags as the networks see them (twitter-text's extractor handles accents: #été, #CaféCrème). */
export function hashtags(text: string): string[] {
  return twitterText.extractHashtags(text);
}
