import type { Locale } from "../db/schema.js";
import type { ErrorCode, Resource } from "../lib/errors.js";

/** Server-side messages, French first. The web UI has its own catalogue; these are what the API says. */
const errorMessages: Record<Locale, Record<ErrorCode, string>> = {
  fr: {
    validation_failed: "Certaines valeurs sont invalides : vérifiez les champs indiqués.",
    sync_unsupported: "Relais ne sait pas encore lire les interactions ni les statistiques du compte {account}.",
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
    target_state: "Impossible pour une publication dans l'état « {status} » sur ce compte.",
    account_not_active: "Le compte {account} doit être reconnecté (ou réactivé) avant de republier.",
    name_taken: "Le nom « {name} » est déjà utilisé dans cet espace de travail (majuscules et minuscules confondues).",
    campaign_dates: "La date de fin de la campagne précède sa date de début.",
    unknown_reference: "{resource} introuvable dans cet espace de travail : vérifiez les identifiants envoyés.",
    post_stale:
      "Cette publication a été modifiée entre-temps (version {version}) : rechargez-la, puis refaites vos changements.",
    post_locked: "Cette publication est programmée ou publiée : déprogrammez-la avant de modifier son contenu.",
    post_publishing: "Cette publication est en cours d'envoi : attendez la fin avant de la supprimer.",
    post_not_submittable: "Seul un brouillon ou une publication à corriger peut être envoyé en validation.",
    post_not_in_review: "Cette publication n'est pas en attente de validation : rien à valider.",
    post_not_reviewable: "On ne peut demander des modifications que sur une publication en validation ou validée.",
    self_approval: "Vous ne pouvez pas valider votre propre publication : demandez à un relecteur ou à un responsable.",
    approval_required:
      "Cet espace de travail exige une validation : faites valider la publication avant de la programmer.",
    post_not_schedulable:
      "Cette publication ne peut pas être programmée dans son état actuel (en validation, en cours d'envoi ou déjà publiée).",
    post_not_scheduled: "Cette publication n'est pas programmée, ou son envoi a déjà commencé.",
    post_no_targets: "Choisissez au moins un compte sur lequel publier.",
    post_not_ready:
      "La publication enfreint les règles de {count} réseau(x) : corrigez les erreurs indiquées avant de programmer.",
    schedule_in_past: "Ce moment ({local}) est déjà passé : choisissez une date à venir.",
    approval_link_invalid:
      "Ce lien de validation n'est plus valable (expiré, révoqué ou déjà utilisé pour une décision).",
    internal: "Une erreur inattendue s'est produite. Elle a été enregistrée.",
    account_connect_failed: "La connexion du compte a échoué : {reason}",
    network_not_connectable: "Relais ne sait pas encore publier sur {network} : ce réseau ne peut pas être connecté.",
    account_busy: "Une publication est en cours sur ce compte : réessayez dans un instant.",
    unknown_media: "Média introuvable dans cet espace de travail : {ids}.",
    media_type_unsupported:
      "Ce fichier n'est pas une image ou une vidéo prise en charge (JPEG, PNG, GIF, WebP, AVIF, MP4, MOV, WebM ; exportez les photos HEIC en JPEG).",
    media_too_large: "Fichier trop volumineux : {limit} Mo au maximum pour ce type de fichier.",
    media_fetch_failed: "Le média « {url} » n'a pas pu être récupéré ({reason}).",
    media_in_use: "Ce média est utilisé par {count} publication(s) pas encore publiée(s) : retirez-le d'abord.",
    media_not_image: "Les recadrages ne s'appliquent qu'aux images fixes (ni vidéos ni GIF animés).",
    media_link_invalid: "Ce lien vers un média est invalide ou a expiré.",
    post_not_movable: "Cette publication ne peut plus être déplacée : elle est en cours d'envoi ou déjà publiée.",
    planned_time_nonexistent:
      "L'heure prévue {local} n'existe pas dans le fuseau {zone} (passage à l'heure d'été ce jour-là) : choisissez une autre heure.",
    planned_time_locked:
      "Cette publication est déjà programmée : déplacez-la dans le calendrier ou déprogrammez-la pour changer sa date prévue.",
    crop_outside_image:
      "Le cadre de recadrage sort de l'image ({width} × {height} pixels) : ajustez-le pour qu'il tienne dans la photo.",
    no_free_slot:
      "Aucun créneau libre dans les {days} prochains jours pour ces comptes : ajoutez des créneaux de publication.",
    recurrence_invalid:
      "Règle de récurrence invalide : attendu par exemple FREQ=WEEKLY;BYDAY=MO (quotidienne au plus, l'heure est celle de la publication).",
    csv_unreadable: "Fichier CSV illisible (ligne {line}) : vérifiez les guillemets et le séparateur.",
    csv_too_many_rows: "Trop de lignes : {max} publications au plus par import.",
    link_fetch_failed: "La page « {url} » n'a pas pu être lue ({reason}).",
    entry_exists: "Ce lien est déjà dans le sujet « {topic} ».",
    review_empty:
      "Cette revue de presse ne contient aucun article : élargissez la période ou ajoutez des liens au sujet.",
    review_sent: "Cette revue de presse a déjà été envoyée : envoyez-vous un test, ou créez-en une nouvelle.",
    mail_disabled: "L'envoi d'e-mails n'est pas configuré sur ce serveur (RELAIS_SMTP_URL).",
    oauth_state_invalid:
      "Ce retour d'autorisation n'est pas valable (lien modifié, ou commencé par un autre utilisateur) : recommencez la connexion depuis la page des comptes.",
    oauth_state_expired:
      "L'autorisation a pris trop de temps et a expiré : recommencez la connexion depuis la page des comptes.",
    feed_exists: "Vous suivez déjà ce flux (« {title} »).",
    not_a_feed:
      "Aucun flux RSS, Atom ou JSON Feed trouvé à cette adresse : collez l'adresse du flux, ou celle d'un site qui en annonce un.",
    feed_unreachable: "Le flux n'a pas pu être récupéré : {reason}",
    opml_invalid: "Ce fichier OPML est illisible : exportez-le à nouveau depuis votre lecteur de flux.",
    full_text_failed: "Le texte intégral de l'article n'a pas pu être extrait ({reason}).",
    remove_unsupported:
      "Relais ne sait pas retirer une publication de {account} : supprimez-la directement sur le réseau.",
    remove_account_not_active:
      "Le compte {account} doit être reconnecté (ou réactivé) avant de retirer cette publication.",
    remove_failed:
      "Le réseau n'a pas retiré la publication de {account} : {reason}. Rien n'a changé dans Relais ; réessayez.",
    alert_query_invalid: "Requête d'alerte invalide (caractère {position}) : {problemFr}.",
  },
  en: {
    validation_failed: "Some values are invalid: check the fields listed.",
    sync_unsupported: "Relais cannot read interactions or statistics of the account {account} yet.",
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
    target_state: "Not possible for a post in the “{status}” state on this account.",
    account_not_active: "The account {account} must be reconnected (or re-enabled) before publishing again.",
    name_taken: "The name “{name}” is already used in this workspace (regardless of case).",
    campaign_dates: "The campaign's end date is before its start date.",
    unknown_reference: "{resource} not found in this workspace: check the ids you sent.",
    post_stale: "This post was changed meanwhile (version {version}): reload it, then make your changes again.",
    post_locked: "This post is scheduled or published: unschedule it before changing its content.",
    post_publishing: "This post is being published: wait until it is done before deleting it.",
    post_not_submittable: "Only a draft or a post with changes requested can be sent for review.",
    post_not_in_review: "This post is not waiting for review: there is nothing to approve.",
    post_not_reviewable: "Changes can only be requested on a post in review or approved.",
    self_approval: "You cannot approve your own post: ask a reviewer or a manager.",
    approval_required: "This workspace requires approval: get the post approved before scheduling it.",
    post_not_schedulable:
      "This post cannot be scheduled in its current state (in review, being published or already published).",
    post_not_scheduled: "This post is not scheduled, or its publishing has already started.",
    post_no_targets: "Choose at least one account to publish to.",
    post_not_ready: "The post breaks the rules of {count} network(s): fix the errors listed before scheduling.",
    schedule_in_past: "This time ({local}) has already passed: choose a time to come.",
    approval_link_invalid: "This approval link is no longer valid (expired, revoked or already used for a decision).",
    internal: "An unexpected error occurred. It has been logged.",
    account_connect_failed: "Connecting the account failed: {reason}",
    network_not_connectable: "Relais cannot publish to {network} yet: this network cannot be connected.",
    account_busy: "A post is being published to this account: try again in a moment.",
    unknown_media: "Media not found in this workspace: {ids}.",
    media_type_unsupported:
      "This file is not a supported image or video (JPEG, PNG, GIF, WebP, AVIF, MP4, MOV, WebM; export HEIC photos as JPEG).",
    media_too_large: "File too large: {limit} MB at most for this type of file.",
    media_fetch_failed: 'The media "{url}" could not be fetched ({reason}).',
    media_in_use: "This media is used by {count} post(s) not yet published: remove it from them first.",
    media_not_image: "Crops apply to still images only (not videos or animated GIFs).",
    media_link_invalid: "This media link is invalid or has expired.",
    post_not_movable: "This post can no longer be moved: it is being published or already published.",
    no_free_slot: "No free slot in the next {days} days for these accounts: add posting slots.",
    recurrence_invalid:
      "Invalid recurrence rule: expected for example FREQ=WEEKLY;BYDAY=MO (daily at most; the time is the post's own).",
    csv_unreadable: "Unreadable CSV file (line {line}): check the quotes and the separator.",
    csv_too_many_rows: "Too many rows: {max} posts at most per import.",
    link_fetch_failed: "The page “{url}” could not be read ({reason}).",
    entry_exists: "This link is already in the topic “{topic}”.",
    review_empty: "This press review has no articles: widen the period or add links to the topic.",
    review_sent: "This press review has already been sent: send yourself a test, or create a new one.",
    mail_disabled: "Sending e-mail is not configured on this server (RELAIS_SMTP_URL).",
    oauth_state_invalid:
      "This authorization answer is not valid (altered link, or started by another user): start connecting again from the accounts page.",
    oauth_state_expired: "The authorization took too long and expired: start connecting again from the accounts page.",
    planned_time_nonexistent:
      "The planned time {local} does not exist in the {zone} time zone (clocks go forward that day): choose another time.",
    planned_time_locked:
      "This post is already scheduled: move it in the calendar or unschedule it to change its planned date.",
    crop_outside_image: "The crop box goes outside the image ({width} × {height} pixels): fit it inside the picture.",
    feed_exists: "You already follow this feed (“{title}”).",
    not_a_feed:
      "No RSS, Atom or JSON feed found at this address: paste the feed's address, or a site's address that announces one.",
    feed_unreachable: "The feed could not be fetched: {reason}",
    opml_invalid: "This OPML file cannot be read: export it again from your feed reader.",
    full_text_failed: "The article's full text could not be extracted ({reason}).",
    remove_unsupported: "Relais cannot take a post of {account} down: delete it on the network itself.",
    remove_account_not_active:
      "The account {account} must be reconnected (or re-enabled) before this post can be taken down.",
    remove_failed:
      "The network did not take the post of {account} down: {reason}. Nothing changed in Relais; try again.",
    alert_query_invalid: "Invalid alert query (character {position}): {problemEn}.",
  },
};

const resourceNames: Record<Locale, Record<Resource, string>> = {
  fr: {
    workspace: "Espace de travail",
    account: "Compte",
    calendar: "Calendrier",
    member: "Membre",
    invitation: "Invitation",
    competitor: "Concurrent",
    user: "Utilisateur",
    token: "Jeton d'API",
    campaign: "Campagne",
    tag: "Étiquette",
    post: "Publication",
    approval_link: "Lien de validation",
    media: "Média",
    rendition: "Déclinaison",
    target: "Publication sur ce compte",
    topic: "Sujet",
    entry: "Lien enregistré",
    review: "Revue de presse",
    feed_item: "Article de veille",
    feed: "Flux",
    folder: "Dossier",
    alert: "Alerte",
    alert_match: "Résultat d'alerte",
  },
  en: {
    workspace: "Workspace",
    account: "Account",
    calendar: "Calendar",
    member: "Member",
    invitation: "Invitation",
    competitor: "Competitor",
    user: "User",
    token: "API token",
    campaign: "Campaign",
    tag: "Tag",
    post: "Post",
    approval_link: "Approval link",
    media: "Media",
    rendition: "Rendition",
    target: "Post on this account",
    topic: "Topic",
    entry: "Saved link",
    review: "Press review",
    feed_item: "Feed item",
    feed: "Feed",
    folder: "Folder",
    alert: "Alert",
    alert_match: "Alert match",
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
