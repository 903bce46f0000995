import type { Locale } from "../../db/schema.js";

/** Texts of the publishing domain that are not errors, French first. */
const texts = {
  fr: {
    deleted: "Publication supprimée de Relais.",
    deletedPublished:
      "Publication supprimée de Relais. Les {count} message(s) déjà publié(s) restent en ligne sur les réseaux : supprimez-les là-bas si besoin.",
    gap: "Cette heure n'existe pas ce jour-là (passage à l'heure d'été) : la publication partira à {local}.",
    overlap:
      "Cette heure existe deux fois ce jour-là (passage à l'heure d'hiver) : la première occurrence est retenue.",
    reviewer: "Relecteur (lien de validation)",
  },
  en: {
    deleted: "Post deleted from Relais.",
    deletedPublished:
      "Post deleted from Relais. The {count} copy(ies) already published stay online on the networks: delete them there if needed.",
    gap: "This time does not exist that day (clocks go forward): the post will go out at {local}.",
    overlap: "This time exists twice that day (clocks go back): the first one is used.",
    reviewer: "Reviewer (approval link)",
  },
} as const satisfies Record<Locale, Record<string, string>>;

type Key = keyof (typeof texts)["fr"];

export function text(locale: Locale, key: Key, params: Record<string, string | number> = {}): string {
  return texts[locale][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ""));
}

export function deleteMessage(locale: Locale, publishedCount: number): string {
  return publishedCount > 0 ? text(locale, "deletedPublished", { count: publishedCount }) : text(locale, "deleted");
}

const graphemes = new Intl.Segmenter("fr", { granularity: "grapheme" });

/** Up to 80 characters (graphemes: an emoji is never cut in half) of a post's text, for notifications. */
export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  const chars = [...graphemes.segment(flat)].map((g) => g.segment);
  return chars.length > 80 ? `${chars.slice(0, 79).join("")}…` : flat;
}
