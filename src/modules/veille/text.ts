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

const HASHES = 24;
const ROWS = 3;
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
 * MinHash LSH bands of a token set: 24 hashes in 8 bands of 3, each band folded to a signed 32-bit integer
 * tagged with its index. Two sets with Jaccard 0.5 share a band with probability 1 − (1 − 0.5³)⁸ ≈ 0.66,
 * at 0.6 ≈ 0.86, at 0.7 ≈ 0.97, while unrelated titles (Jaccard 0.15) collide with probability ≈ 0.03 —
 * bands of 2 made ten times more false candidates for the exact check. Empty for short titles.
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

/**
 * Function words that tell French and English apart from the languages franc would otherwise weigh them
 * against (Spanish, Italian, Portuguese, German, Dutch). Words shared between these languages are left out.
 */
const MARKERS: Record<string, string[]> = {
  fr: "les des est dans pour avec sur aux du une et au été sont ont cette leur nous vous ne pas qui mais ou où très plus".split(
    " ",
  ),
  en: "the and of to is was that with for are this from by have has were be it its an which not or".split(" "),
  es: "el los las del una por para con y es que se su al lo como pero sus".split(" "),
  it: "il di che della per con sono gli nel alla una non anche".split(" "),
  pt: "os das dos uma com não para são pelo pela também".split(" "),
  de: "der die das und ist nicht mit den von zu auf für sich dem".split(" "),
  nl: "de het een van en is niet op met voor zijn dat".split(" "),
};
const MARKER_INDEX = new Map<string, string[]>();
for (const [lang, words] of Object.entries(MARKERS)) {
  for (const w of words) MARKER_INDEX.set(w, [...(MARKER_INDEX.get(w) ?? []), lang]);
}

/**
 * French or English by their function words, when the text says so clearly (≥ 4 markers and three times
 * any other language's); null otherwise — then the caller asks franc, which is ~100× slower (trigram model
 * of 82 languages, ~2.5 ms per item) and would dominate the ingestion of a busy poll.
 */
export function quickLanguage(text: string): "fr" | "en" | null {
  const counts: Record<string, number> = {};
  const words = text.toLowerCase().match(/[\p{L}]+/gu);
  if (!words || words.length < 8) return null;
  for (const w of words.slice(0, 200)) {
    const langs = MARKER_INDEX.get(w);
    if (langs) for (const l of langs) counts[l] = (counts[l] ?? 0) + 1;
  }
  const fr = counts.fr ?? 0;
  const en = counts.en ?? 0;
  const best = fr >= en ? "fr" : "en";
  const score = Math.max(fr, en);
  const others = Object.entries(counts)
    .filter(([l]) => l !== best)
    .reduce((m, [, n]) => Math.max(m, n), 0);
  return score >= 4 && score >= 3 * others ? best : null;
}
