/**
 * Why fetching or reading a feed failed: a stable kind (stored on the feed by the poller, shown by the
 * reader) and its message in both languages. The web UI has the same texts under veille.feedError.<kind>.
 */
export const FEED_ERROR_KINDS = [
  "dns",
  "refused",
  "reset",
  "tls",
  "timeout",
  "too_large",
  "blocked",
  "invalid_url",
  "too_many_redirects",
  "http_status",
  "not_a_feed",
  "unreadable",
  "empty",
  "network",
] as const;
export type FeedErrorKind = (typeof FEED_ERROR_KINDS)[number];

export const FEED_ERROR_MESSAGES: Record<"fr" | "en", Record<FeedErrorKind, string>> = {
  fr: {
    dns: "Nom de domaine introuvable : vérifiez l'adresse du flux.",
    refused: "Le serveur refuse la connexion.",
    reset: "La connexion a été coupée par le serveur.",
    tls: "Connexion sécurisée impossible (certificat invalide ou expiré).",
    timeout: "Le serveur met trop de temps à répondre.",
    too_large: "Le flux est trop volumineux.",
    blocked: "Cette adresse pointe vers un réseau privé : elle n'est pas autorisée.",
    invalid_url: "Adresse invalide : seules les adresses http:// et https:// sont acceptées.",
    too_many_redirects: "Trop de redirections.",
    http_status: "Le serveur a répondu par une erreur HTTP {status}.",
    not_a_feed: "Cette page n'est pas un flux RSS, Atom ou JSON Feed.",
    unreadable: "Le flux est illisible (XML ou JSON trop abîmé).",
    empty: "Le serveur a renvoyé un document vide.",
    network: "Erreur réseau lors de la récupération du flux.",
  },
  en: {
    dns: "Domain name not found: check the feed's address.",
    refused: "The server refused the connection.",
    reset: "The server closed the connection.",
    tls: "Secure connection failed (invalid or expired certificate).",
    timeout: "The server took too long to answer.",
    too_large: "The feed is too large.",
    blocked: "This address points to a private network: it is not allowed.",
    invalid_url: "Invalid address: only http:// and https:// addresses are accepted.",
    too_many_redirects: "Too many redirects.",
    http_status: "The server answered with HTTP error {status}.",
    not_a_feed: "This page is not an RSS, Atom or JSON feed.",
    unreadable: "The feed cannot be read (XML or JSON too damaged).",
    empty: "The server sent an empty document.",
    network: "Network error while fetching the feed.",
  },
};

export function feedErrorMessage(
  locale: "fr" | "en",
  kind: FeedErrorKind,
  params: { status?: number | null } = {},
): string {
  return FEED_ERROR_MESSAGES[locale][kind].replace("{status}", String(params.status ?? "?"));
}
