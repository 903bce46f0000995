import type { Locale } from "../../db/schema.js";

/**
 * Why a target failed, was missed or is unconfirmed: the code stored in post_targets.error_code, and the
 * explanation shown beside the network's own words (error_message), in the reader's language.
 */
export const PUBLISH_ERROR_CODES = [
  "auth_expired",
  "content_rejected",
  "permanent",
  "retries_exhausted",
  "media_unavailable",
  "connector_unavailable",
  "interrupted",
  "unknown_outcome",
  "account_inactive",
  "downtime",
] as const;
export type PublishErrorCode = (typeof PUBLISH_ERROR_CODES)[number];

const explanations: Record<Locale, Record<PublishErrorCode, string>> = {
  fr: {
    auth_expired: "Le réseau refuse les identifiants de ce compte : reconnectez le compte, puis republiez.",
    content_rejected: "Le réseau a refusé ce contenu. Corrigez la publication selon sa réponse, puis republiez.",
    permanent: "Le réseau a refusé la publication ; réessayer à l'identique n'y changera rien.",
    retries_exhausted: "Le réseau n'a pas accepté la publication après plusieurs tentatives espacées.",
    media_unavailable: "Un média de la publication n'existe plus dans la médiathèque.",
    connector_unavailable: "Ce réseau n'est pas pris en charge par cette installation de Relais.",
    interrupted:
      "L'envoi a été interrompu (Relais s'est arrêté pendant la publication) : impossible de savoir si elle est partie. Vérifiez sur le réseau, puis confirmez ou republiez.",
    unknown_outcome:
      "Une erreur inattendue est survenue pendant l'envoi : impossible de savoir si la publication est partie. Vérifiez, puis confirmez ou republiez.",
    account_inactive: "Le compte était déconnecté ou désactivé à l'heure prévue.",
    downtime: "Relais était arrêté (ou en pause) au-delà du délai de rattrapage de l'espace de travail.",
  },
  en: {
    auth_expired: "The network refuses this account's credentials: reconnect the account, then publish again.",
    content_rejected: "The network refused this content. Fix the post as its answer says, then publish again.",
    permanent: "The network refused the post; retrying it unchanged will not help.",
    retries_exhausted: "The network did not accept the post after several spaced-out attempts.",
    media_unavailable: "A media item of the post is no longer in the library.",
    connector_unavailable: "This network is not supported by this Relais installation.",
    interrupted:
      "Sending was interrupted (Relais stopped while publishing): there is no telling whether it went out. Check on the network, then confirm or publish again.",
    unknown_outcome:
      "An unexpected error occurred while sending: there is no telling whether the post went out. Check, then confirm or publish again.",
    account_inactive: "The account was disconnected or disabled at the scheduled time.",
    downtime: "Relais was stopped (or paused) for longer than the workspace's grace period.",
  },
};

/** Our explanation of an error code in `locale`; null for codes we do not know (kept as the network said). */
export function explainPublishError(locale: Locale, code: string | null | undefined): string | null {
  if (!code) return null;
  return (explanations[locale] as Record<string, string>)[code] ?? null;
}

/** Claims a target may use before it is failed for good (transient errors and rate limits). */
export const MAX_ATTEMPTS = 5;
const BASE_DELAY_S = 30;
const MAX_DELAY_S = 30 * 60;
const MAX_RETRY_AFTER_S = 6 * 60 * 60;

/**
 * Seconds to wait before the next attempt: the network's Retry-After when it gave one (bounded), else
 * 30 s × 2^(attempt−1) up to 30 min.
 */
export function retryDelaySeconds(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(Math.max(Math.ceil(retryAfterSeconds), 1), MAX_RETRY_AFTER_S);
  }
  return Math.min(BASE_DELAY_S * 2 ** Math.max(attempts - 1, 0), MAX_DELAY_S);
}
