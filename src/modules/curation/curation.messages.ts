import type { Locale } from "../../db/schema.js";

/** Words of the public pages, feeds and press review e-mails (French first, English complete). */
const words = {
  fr: {
    curatedBy: "Sélection de {workspace}",
    empty: "Aucun lien pour l'instant.",
    read: "Lire l'article",
    source: "Source",
    insight: "Notre avis",
    savedOn: "Ajouté le {date}",
    feeds: "S'abonner : RSS · JSON Feed",
    reviewTitle: "Revue de presse — {topic}",
    period: "Du {from} au {to}",
    articles: "{count} article(s)",
    footer: "Revue de presse préparée avec Relais.",
    testPrefix: "[TEST] ",
    poweredBy: "Publié avec Relais",
  },
  en: {
    curatedBy: "Curated by {workspace}",
    empty: "No links yet.",
    read: "Read the article",
    source: "Source",
    insight: "Our take",
    savedOn: "Added on {date}",
    feeds: "Subscribe: RSS · JSON Feed",
    reviewTitle: "Press review — {topic}",
    period: "From {from} to {to}",
    articles: "{count} article(s)",
    footer: "Press review prepared with Relais.",
    testPrefix: "[TEST] ",
    poweredBy: "Published with Relais",
  },
} satisfies Record<Locale, Record<string, string>>;

export type Word = keyof (typeof words)["fr"];

export function word(locale: Locale, key: Word, params: Record<string, string | number> = {}): string {
  return words[locale][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ""));
}

/** "22 novembre 2026" / "22 November 2026", in the workspace's zone. */
export function longDate(locale: Locale, instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone,
  }).format(instant);
}
