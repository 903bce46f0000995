import type { AppBskyRichtextFacet } from "@atproto/api";

/**
 * Text work for Bluesky, without network access (mention resolution is a function the caller passes):
 * grapheme counting, splitting a long text into a numbered thread, and rich-text facets with UTF-8 byte
 * offsets (links, mentions resolved to DIDs, hashtags).
 */

/** Bluesky's limit for a post's text, in graphemes (user-perceived characters). */
export const POST_MAX_GRAPHEMES = 300;
/** More parts than this is not a thread anyone reads; the profile check warns long before. */
export const MAX_THREAD_PARTS = 25;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

const SENTENCE_END = /[.!?…»"”)\]]$/;

/**
 * Where to cut `g` (graphemes) so that the part has at most `budget` graphemes: after the last sentence
 * end or line break in the second half of the window, else at the last whitespace, else (one enormous
 * word or URL) exactly at the budget. Returns the index of the first grapheme of the next part.
 */
function cutIndex(g: string[], start: number, budget: number): number {
  const end = Math.min(g.length, start + budget);
  if (end === g.length) return end;
  const floor = start + Math.floor(budget / 2);
  let lastSpace = -1;
  for (let i = end; i > start; i--) {
    const ch = g[i] ?? "";
    if (!/^\s+$/.test(ch)) continue;
    if (ch.includes("\n") && i >= floor) return i;
    const before = g.slice(Math.max(start, i - 2), i).join("");
    if (i >= floor && SENTENCE_END.test(before.trimEnd()) && /[.!?…]/.test(before)) return i;
    if (lastSpace < 0) lastSpace = i;
  }
  // No sentence end in the second half: prefer the last space (never cut a word or a URL in two).
  return lastSpace > start ? lastSpace : end;
}

function splitWithSuffixWidth(text: string, suffixWidth: number, max: number): string[] {
  const g = graphemes(text);
  const parts: string[] = [];
  let start = 0;
  while (start < g.length) {
    // Skip the whitespace a cut left at the start of the next part.
    while (start < g.length && /^\s+$/.test(g[start] ?? "")) start++;
    if (start >= g.length) break;
    const next = cutIndex(g, start, max - suffixWidth);
    const part = g.slice(start, next).join("").trimEnd();
    if (part) parts.push(part);
    start = next;
  }
  return parts;
}

/**
 * Splits a text into posts of at most `max` graphemes. A text that fits is one post, unnumbered. A longer
 * one becomes a thread whose parts end with " i/n" (counted in the limit), cut at sentence ends or line
 * breaks when possible, else between words.
 */
export function splitThread(text: string, max = POST_MAX_GRAPHEMES): string[] {
  const trimmed = text.trim();
  if (graphemeLength(trimmed) <= max) return [trimmed];
  // The suffix " i/n" is at most 2·digits(n)+2 wide; n's digit count is found by fixed point.
  let digits = 1;
  for (;;) {
    const parts = splitWithSuffixWidth(trimmed, 2 * digits + 2, max);
    const needed = String(parts.length).length;
    if (needed <= digits) return parts.map((p, i) => `${p} ${i + 1}/${parts.length}`);
    digits = needed;
  }
}

export type Facet = AppBskyRichtextFacet.Main;
export type HandleResolver = (handle: string) => Promise<string | null>;

/**
 * The facets of a post's text: links and hashtags as detected by @atproto/api's RichText, mentions
 * resolved to DIDs with `resolve` (a mention whose handle does not resolve stays plain text). Offsets
 * are UTF-8 byte offsets, which RichText computes from its own UTF-8 view of the text.
 */
export async function detectFacets(text: string, resolve: HandleResolver): Promise<Facet[]> {
  // Loaded on first use: @atproto/api is heavy and most Relais processes never publish to Bluesky.
  const { RichText } = await import("@atproto/api");
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const out: Facet[] = [];
  const cache = new Map<string, Promise<string | null>>();
  for (const facet of rt.facets ?? []) {
    const features: Facet["features"] = [];
    for (const feature of facet.features) {
      if (feature.$type === "app.bsky.richtext.facet#mention") {
        const handle = String((feature as { did: string }).did).toLowerCase();
        if (!cache.has(handle))
          cache.set(
            handle,
            resolve(handle).catch(() => null),
          );
        const did = await cache.get(handle);
        if (did) features.push({ $type: "app.bsky.richtext.facet#mention", did });
      } else {
        features.push(feature);
      }
    }
    if (features.length) out.push({ $type: "app.bsky.richtext.facet", index: { ...facet.index }, features });
  }
  return out;
}

/** The substring a facet covers (UTF-8 byte offsets), for tests and checks. */
export function facetText(text: string, facet: Pick<Facet, "index">): string {
  const bytes = Buffer.from(text, "utf8");
  return bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString("utf8");
}
