import type { Locale } from "../db/schema.js";
import type { ErrorCode, Resource } from "../lib/errors.js";

/** Server-side messages, French first. The web UI has its own catalogue; these are what the API says. */
const errorMessages: Record<Locale, Record<ErrorCode, string>> = {
  fr: {
    validation_failed: "Certaines valeurs sont invalides : vérifiez les champs indiqués.",
    invalid_json: "Le corps de la requête n'est pas du JSON valide.",
    unsupported_media_type: "Type de contenu non pris en charge : envoyez du JSON (application/json).",
    payload_too_large: "La requête est trop volumineuse.",
    unauthenticated: "Vous devez être connecté.",
    invalid_credentials: "Adresse e-mail ou mot de passe incorrect.",
    csrf_failed: "Jeton de sécurité (CSRF) manquant ou invalide : rechargez la page.",
    forbidden: "Votre rôle ne permet pas cette action.",
    not_found: "{resource} introuvable.",
    route_not_found: "Cette adresse d'API n'existe pas.",
    conflict: "Cette action entre en conflit avec l'état actuel.",
    email_taken: "Un compte existe déjà avec cette adresse e-mail.",
    setup_done: "Relais est déjà configuré : connectez-vous.",
    rate_limited: "Trop de tentatives. Réessayez dans {retry} secondes.",
    last_owner: "Un espace de travail doit garder au moins un propriétaire.",
    invitation_invalid: "Cette invitation n'est plus valable (expirée, révoquée ou déjà utilisée).",
    invitation_email_mismatch: "Cette invitation a été envoyée à une autre adresse e-mail.",
    wrong_password: "Le mot de passe actuel est incorrect.",
    internal: "Une erreur inattendue s'est produite. Elle a été enregistrée.",
    unknown_media: "Média introuvable dans cet espace de travail : {ids}.",
    media_type_unsupported:
      "Ce fichier n'est pas une image ou une vidéo prise en charge (JPEG, PNG, GIF, WebP, HEIC/AVIF, MP4, MOV, WebM).",
    media_too_large: "Fichier trop volumineux : {limit} Mo au maximum pour ce type de fichier.",
    media_in_use: "Ce média est utilisé par {count} publication(s) pas encore publiée(s) : retirez-le d'abord.",
    media_not_image: "Les recadrages ne s'appliquent qu'aux images fixes (ni vidéos ni GIF animés).",
    media_link_invalid: "Ce lien vers un média est invalide ou a expiré.",
  },
  en: {
    validation_failed: "Some values are invalid: check the fields listed.",
    invalid_json: "The request body is not valid JSON.",
    unsupported_media_type: "Unsupported content type: send JSON (application/json).",
    payload_too_large: "The request is too large.",
    unauthenticated: "You must be signed in.",
    invalid_credentials: "Wrong e-mail address or password.",
    csrf_failed: "Missing or invalid security (CSRF) token: reload the page.",
    forbidden: "Your role does not allow this action.",
    not_found: "{resource} not found.",
    route_not_found: "This API address does not exist.",
    conflict: "This action conflicts with the current state.",
    email_taken: "An account already exists with this e-mail address.",
    setup_done: "Relais is already set up: sign in.",
    rate_limited: "Too many attempts. Try again in {retry} seconds.",
    last_owner: "A workspace must keep at least one owner.",
    invitation_invalid: "This invitation is no longer valid (expired, revoked or already used).",
    invitation_email_mismatch: "This invitation was sent to another e-mail address.",
    wrong_password: "The current password is wrong.",
    internal: "An unexpected error occurred. It has been logged.",
    unknown_media: "Media not found in this workspace: {ids}.",
    media_type_unsupported:
      "This file is not a supported image or video (JPEG, PNG, GIF, WebP, HEIC/AVIF, MP4, MOV, WebM).",
    media_too_large: "File too large: {limit} MB at most for this type of file.",
    media_in_use: "This media is used by {count} post(s) not yet published: remove it from them first.",
    media_not_image: "Crops apply to still images only (not videos or animated GIFs).",
    media_link_invalid: "This media link is invalid or has expired.",
  },
};

const resourceNames: Record<Locale, Record<Resource, string>> = {
  fr: {
    workspace: "Espace de travail",
    member: "Membre",
    invitation: "Invitation",
    competitor: "Concurrent",
    user: "Utilisateur",
    token: "Jeton d'API",
    media: "Média",
    rendition: "Déclinaison",
  },
  en: {
    workspace: "Workspace",
    member: "Member",
    invitation: "Invitation",
    competitor: "Competitor",
    user: "User",
    token: "API token",
    media: "Media",
    rendition: "Rendition",
  },
};

/** The translated message for an error code, with {params} filled in. */
export function errorMessage(locale: Locale, code: ErrorCode, params: Record<string, string | number> = {}): string {
  const filled: Record<string, string | number> = { ...params };
  if (typeof params.resource === "string" && params.resource in resourceNames[locale]) {
    filled.resource = resourceNames[locale][params.resource as Resource];
  }
  return errorMessages[locale][code].replace(/\{(\w+)\}/g, (_, k: string) => String(filled[k] ?? ""));
}

/** Picks fr or en from an Accept-Language header; French by default. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return "fr";
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.find((p) => p.trim().startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("fr")) return "fr";
    if (tag.startsWith("en")) return "en";
  }
  return "fr";
}
