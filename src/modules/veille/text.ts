import { createHash } from "node:crypto";

/**
 * Pure text helpers of the veille: accent folding for search, plain text from stored HTML, the content
 * hash used for deduplication, and the MinHash bands that group near-duplicate titles into stories.
 */

/** "Équipe cœur" → "Equipe coeur": what the search index and queries see (PGlite has no unaccent). */
export function unaccent(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/œ/g, "oe")
    .replace(/Œ/g, "OE")
    .replace(/æ/g, "ae")
    .replace(/Æ/g, "AE")
    .replace(/ß/g, "ss")
    .normalize("NFC");
}

/** The PostgreSQL text search configuration for a language code. */
export function searchConfig(language: string | null | undefined): "french" | "english" | "simple" {
  if (language === "fr") return "french";
  if (language === "en") return "english";
  return "simple";
}

/** Hash of what a reader sees (title + text), whitespace- and case-insensitive: same article, other guid. */
export function contentHash(title: string, text: string): string {
  const norm = `${title}\n${text}`.toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(norm).digest("hex").slice(0, 32);
}

const STOPWORDS = new Set(
  (
    "les des une dans pour par sur avec aux que qui est sont son ses ces cette mais plus pas tout tous " +
    "elle ils nous vous leur leurs apres avant entre sans sous chez comme fait face ete etre avoir " +
    "the and for with from that this are was were has have its into over after about will new not you " +
    "your their they than then what when how why who des du de la le un et en au a l d"
  ).split(" "),
);

/** The normalised words of a title: folded, lower case, stop words out, a light plural strip. */
export function titleTokens(title: string): string[] {
  const words = unaccent(title)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !STOPWORDS.has(w) && (w.length >= 3 || /^\d+$/.test(w)))
    .map((w) => (w.length > 4 && /[sx]$/.test(w) ? w.slice(0, -1) : w));
  return [...new Set(words)];
}

/** Jaccard similarity of two token sets. */
export function jaccard(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const sa = new Set(a);
  let inter = 0;
  for (const w of new Set(b)) if (sa.has(w)) inter++;
  return inter / (sa.size + new Set(b).size - inter);
}

const HASHES = 16;
const ROWS = 2;
/** Titles with fewer words are too generic to group ("Édito", "Revue de presse"). */
export const MIN_STORY_TOKENS = 4;
/** Two titles at least this similar (Jaccard of their words) tell the same story. */
export const STORY_SIMILARITY = 0.5;

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * MinHash LSH bands of a token set: 16 hashes in 8 bands of 2, each band folded to a signed 32-bit integer
 * tagged with its index. Two sets with Jaccard 0.5 share a band with probability 1 − (1 − 0.5²)⁸ ≈ 0.90,
 * at 0.7 ≈ 0.998; candidates are then checked with the exact Jaccard. Empty for short titles.
 */
export function storyBands(tokens: string[]): number[] {
  if (tokens.length < MIN_STORY_TOKENS) return [];
  const mins: number[] = [];
  for (let k = 0; k < HASHES; k++) {
    let min = 0xffffffff;
    for (const t of tokens) {
      const h = fnv1a(t, Math.imul(k + 1, 0x9e3779b1));
      if (h < min) min = h;
    }
    mins.push(min);
  }
  const bands: number[] = [];
  for (let b = 0; b < HASHES / ROWS; b++) {
    const key = mins.slice(b * ROWS, b * ROWS + ROWS).join(":");
    bands.push(fnv1a(`${b}|${key}`, 7) | 0);
  }
  return bands;
}

/** The first image of sanitized HTML, absolute http(s) only. */
export function firstImage(html: string | null | undefined): string | null {
  if (!html) return null;
  const m = /<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/i.exec(html);
  return m?.[1] && /^https?:\/\//i.test(m[1]) ? m[1].replace(/&amp;/g, "&") : null;
}

/** Cuts text to at most `max` characters at a word boundary, with an ellipsis. */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
