import type { Locale } from "../../db/schema.js";

/**
 * Texts the calendar produces outside the API error family: the CSV import report (one message per row
 * problem) and the words of the iCal feed. French first, English complete.
 */
export type ImportIssueCode =
  | "date_invalid"
  | "time_invalid"
  | "time_nonexistent"
  | "time_ambiguous"
  | "in_past"
  | "accounts_missing"
  | "account_unknown"
  | "account_ambiguous"
  | "text_missing"
  | "link_invalid"
  | "tag_invalid"
  | "media_url_invalid"
  | "media_will_be_fetched"
  | "media_fetch_failed"
  | "network_check";

const importMessages: Record<Locale, Record<ImportIssueCode, string>> = {
  fr: {
    date_invalid: "Date invalide « {value} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA.",
    time_invalid: "Heure invalide « {value} » : attendu HH:MM (par exemple 09:30).",
    time_nonexistent:
      "L'heure {value} n'existe pas ce jour-là à cause du passage à l'heure d'été ({tz}) : choisissez-en une autre.",
    time_ambiguous:
      "L'heure {value} existe deux fois ce jour-là à cause du passage à l'heure d'hiver ({tz}) : choisissez-en une autre.",
    in_past: "La date {value} est déjà passée.",
    accounts_missing: "Indiquez au moins un compte (noms ou identifiants séparés par « | »).",
    account_unknown: "Compte inconnu dans cet espace de travail : « {value} ».",
    account_ambiguous: "« {value} » désigne plusieurs comptes : utilisez l'identifiant (@…).",
    text_missing: "Le texte est vide.",
    link_invalid: "Lien invalide « {value} » : attendu une adresse http(s).",
    tag_invalid: "Étiquette invalide « {value} » : 60 caractères au maximum.",
    media_url_invalid: "Adresse de média invalide « {value} » : attendu une adresse http(s).",
    media_will_be_fetched:
      "Le média sera téléchargé depuis son adresse lors de l'import réel (vérifié alors : type, taille, accès).",
    media_fetch_failed: "Le média « {value} » n'a pas pu être ajouté : {reason}.",
    network_check: "{account} ({network}) : {message}",
  },
  en: {
    date_invalid: 'Invalid date "{value}": expected YYYY-MM-DD or DD/MM/YYYY.',
    time_invalid: 'Invalid time "{value}": expected HH:MM (for example 09:30).',
    time_nonexistent: "{value} does not exist that day because clocks go forward ({tz}): pick another time.",
    time_ambiguous: "{value} happens twice that day because clocks go back ({tz}): pick another time.",
    in_past: "{value} is already in the past.",
    accounts_missing: 'Give at least one account (names or handles separated by "|").',
    account_unknown: 'Unknown account in this workspace: "{value}".',
    account_ambiguous: '"{value}" matches several accounts: use the handle (@…).',
    text_missing: "The text is empty.",
    link_invalid: 'Invalid link "{value}": expected an http(s) address.',
    tag_invalid: 'Invalid tag "{value}": 60 characters at most.',
    media_url_invalid: 'Invalid media address "{value}": expected an http(s) address.',
    media_will_be_fetched:
      "The media will be downloaded from its address by the real import (checked then: type, size, access).",
    media_fetch_failed: 'The media "{value}" could not be added: {reason}.',
    network_check: "{account} ({network}): {message}",
  },
};

export function importMessage(locale: Locale, code: ImportIssueCode, params: Record<string, string | number> = {}) {
  return importMessages[locale][code].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ""));
}

const icalWords: Record<Locale, Record<string, string>> = {
  fr: {
    scheduled: "programmée",
    published: "publiée",
    failed: "échec",
    missed: "manquée",
    unconfirmed: "à confirmer",
    publishing: "en cours de publication",
    pending: "prévue",
    planned: "planifiée (pas encore programmée)",
    plannedTag: "[Planifié]",
    cancelled: "annulée",
    campaign: "Campagne :",
  },
  en: {
    scheduled: "scheduled",
    published: "published",
    failed: "failed",
    missed: "missed",
    unconfirmed: "to be confirmed",
    publishing: "publishing",
    pending: "planned",
    planned: "planned (not scheduled yet)",
    plannedTag: "[Planned]",
    cancelled: "cancelled",
    campaign: "Campaign:",
  },
};

export function icalWord(locale: Locale, key: string): string {
  return icalWords[locale][key] ?? key;
}
