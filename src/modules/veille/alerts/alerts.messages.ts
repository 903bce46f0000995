import type { Locale } from "../../../db/schema.js";
import type { QueryError, QueryErrorCode } from "./query.js";

/**
 * The query parser's errors in both languages: what is wrong and what was expected. The HTTP error
 * `alert_query_invalid` (src/http/messages.ts) wraps them with the position.
 */
const problems: Record<Locale, Record<QueryErrorCode, string>> = {
  fr: {
    empty: "la requête est vide : écrivez au moins un mot",
    too_long: "la requête est trop longue ({max} caractères au plus)",
    too_many_terms: "trop de termes ({max} au plus)",
    unclosed_quote: "guillemet {quote} ouvert mais jamais fermé",
    unclosed_paren: "parenthèse ouverte mais jamais fermée : « ) » attendue",
    unexpected_paren: "parenthèse fermante « ) » sans parenthèse ouvrante",
    expected_term: "un mot, une « expression » ou une parenthèse est attendu ici",
    unknown_field: "champ inconnu « {field}: » (champs possibles : title:, source:, lang:)",
    empty_value: "valeur attendue après « {field}: »",
    bad_language: "langue inconnue « {value} » : attendu un code comme fr, en, de",
    only_exclusions: "la requête ne contient que des exclusions : ajoutez au moins un mot à chercher",
  },
  en: {
    empty: "the query is empty: write at least one word",
    too_long: "the query is too long ({max} characters at most)",
    too_many_terms: "too many terms ({max} at most)",
    unclosed_quote: "quote {quote} opened but never closed",
    unclosed_paren: "parenthesis opened but never closed: “)” expected",
    unexpected_paren: "closing parenthesis “)” without an opening one",
    expected_term: "a word, a “phrase” or a parenthesis is expected here",
    unknown_field: "unknown field “{field}:” (known fields: title:, source:, lang:)",
    empty_value: "a value is expected after “{field}:”",
    bad_language: "unknown language “{value}”: expected a code such as fr, en, de",
    only_exclusions: "the query only excludes: add at least one word to look for",
  },
};

const afterOperator: Record<Locale, string> = {
  fr: "après « {after} », ",
  en: "after “{after}”, ",
};

export function queryProblem(locale: Locale, err: QueryError): string {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => err.params[k] ?? "");
  const lead = err.code === "expected_term" && err.params.after ? fill(afterOperator[locale]) : "";
  return lead + fill(problems[locale][err.code]);
}

/** The params of the alert_query_invalid error: position and the problem in each language. */
export function queryErrorParams(err: QueryError): Record<string, string | number> {
  return { position: err.position, problemFr: queryProblem("fr", err), problemEn: queryProblem("en", err) };
}

// ------------------------------------------------------------------------------------------- deliveries

export type DeliveryChannelName = "email" | "webhook" | "digest";

export interface DeliveryFailure {
  channel: DeliveryChannelName;
  /** The e-mail address (e-mail and digest deliveries). */
  recipient: string | null;
  attempts: number;
  /** permanent: refused for good; exhausted: transient failures until the attempts or age ran out. */
  why: "permanent" | "exhausted" | "smtp_disabled";
  /** The server's own words (SMTP reply, HTTP status, network error), not translated. */
  reason: string;
}

const delivery: Record<
  Locale,
  { channel: Record<DeliveryChannelName, string>; to: string } & Record<DeliveryFailure["why"], string>
> = {
  fr: {
    channel: { email: "E-mail", webhook: "Webhook", digest: "Résumé par e-mail" },
    to: " à {recipient}",
    permanent: "{channel}{to} non remis : refusé définitivement ({reason})",
    exhausted: "{channel}{to} non remis après {attempts} tentatives ({reason})",
    smtp_disabled: "{channel}{to} non envoyé : aucun serveur SMTP n'est configuré (RELAIS_SMTP_URL)",
  },
  en: {
    channel: { email: "E-mail", webhook: "Webhook", digest: "E-mail digest" },
    to: " to {recipient}",
    permanent: "{channel}{to} not delivered: refused for good ({reason})",
    exhausted: "{channel}{to} not delivered after {attempts} attempts ({reason})",
    smtp_disabled: "{channel}{to} not sent: no SMTP server is configured (RELAIS_SMTP_URL)",
  },
};

/** What the alert shows (lastError) when one of its deliveries failed for good, in the workspace's language. */
export function deliveryFailureText(locale: Locale, f: DeliveryFailure): string {
  const c = delivery[locale];
  const values: Record<string, string> = {
    channel: c.channel[f.channel],
    to: f.recipient ? c.to.replace("{recipient}", () => f.recipient ?? "") : "",
    attempts: String(f.attempts),
    reason: f.reason,
  };
  return c[f.why].replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? "");
}
