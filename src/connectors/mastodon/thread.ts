import { MASTODON_URL_LENGTH, mastodonLength } from "../../shared/networks/text-length.js";

/**
 * Mastodon's length of a text for an instance whose URLs weigh `urlLength` characters (its
 * `characters_reserved_per_url`): the shared counter, which the composer's live checks use too.
 */
export function instanceLength(text: string, urlLength: number): number {
  return mastodonLength(text, urlLength);
}

const SUFFIX_RESERVE = " (99/99)".length;

/** Pieces of text no longer than max: sentences, else words, else graphemes (a word longer than a post). */
function pieces(text: string, max: number, len: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n{2,}/)) {
    for (const sentence of paragraph.split(/(?<=[.!?…])\s+/)) {
      if (len(sentence) <= max) {
        out.push(sentence);
        continue;
      }
      for (const word of sentence.split(/\s+/)) {
        if (len(word) <= max) {
          out.push(word);
          continue;
        }
        const seg = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(word)].map((s) => s.segment);
        for (let i = 0; i < seg.length; i += max) out.push(seg.slice(i, i + max).join(""));
      }
    }
    out.push("\n\n");
  }
  out.pop();
  return out.filter((p) => p !== "");
}

/**
 * Splits a text over the instance's limit into a reply chain: at paragraph, then sentence, then word
 * boundaries, each part numbered " (i/n)". A text within the limit is returned as is, unnumbered.
 */
export function splitThread(text: string, max: number, urlLength = MASTODON_URL_LENGTH): string[] {
  const len = (s: string) => instanceLength(s, urlLength);
  if (len(text) <= max) return [text];
  const budget = Math.max(1, max - SUFFIX_RESERVE);
  const parts: string[] = [];
  let current = "";
  for (const piece of pieces(text, budget, len)) {
    if (piece === "\n\n") {
      if (current) current += "\n\n";
      continue;
    }
    const sep = current === "" || current.endsWith("\n\n") ? "" : " ";
    const candidate = current + sep + piece;
    if (current && len(candidate.trimEnd()) > budget) {
      parts.push(current.trim());
      current = piece;
    } else {
      current = candidate;
    }
  }
  if (current.trim()) parts.push(current.trim());
  const n = parts.length;
  return parts.map((p, i) => `${p} (${i + 1}/${n})`);
}
