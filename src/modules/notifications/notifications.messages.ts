import type { Locale } from "../../db/schema.js";

/** The notifications Relais sends, in-app and by e-mail. */
export const NOTIFICATION_KINDS = [
  "approval_requested",
  "changes_requested",
  "post_approved",
  "publish_failed",
  "post_unconfirmed",
  "post_missed",
  "account_reconnect",
  "alert_matches",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Data every notification may carry; templates use what they need. */
export interface NotificationData {
  workspaceName?: string;
  postId?: string;
  postExcerpt?: string;
  accountName?: string;
  network?: string;
  actorName?: string;
  reason?: string;
  /** The reason in each language, used when `reason` is absent. */
  reasons?: Partial<Record<Locale, string>>;
  url?: string;
  [key: string]: unknown;
}

const templates: Record<Locale, Record<NotificationKind, { title: string; body: string }>> = {
  fr: {
    approval_requested: {
      title: "Validation demandée — {workspaceName}",
      body: "{actorName} demande votre validation pour : « {postExcerpt} ».",
    },
    changes_requested: {
      title: "Modifications demandées — {workspaceName}",
      body: "{actorName} demande des modifications sur « {postExcerpt} » : {reason}",
    },
    post_approved: { title: "Publication validée — {workspaceName}", body: "{actorName} a validé « {postExcerpt} »." },
    publish_failed: {
      title: "Échec de publication — {workspaceName}",
      body: "La publication sur {accountName} a échoué : « {postExcerpt} ». {reason}",
    },
    post_unconfirmed: {
      title: "Publication à vérifier — {workspaceName}",
      body: "Relais ne sait pas si « {postExcerpt} » a été publié sur {accountName}. Vérifiez puis confirmez ou republiez.",
    },
    post_missed: {
      title: "Publication manquée — {workspaceName}",
      body: "« {postExcerpt} » n'a pas été publié sur {accountName} à l'heure prévue (Relais était arrêté trop longtemps).",
    },
    account_reconnect: {
      title: "Compte à reconnecter — {workspaceName}",
      body: "Le compte {accountName} ({network}) doit être reconnecté : {reason}",
    },
    alert_matches: {
      title: "Alerte « {alertName} » — {workspaceName}",
      body: "Nouveaux résultats : {count}. Le plus récent : « {firstTitle} ».",
    },
  },
  en: {
    approval_requested: {
      title: "Approval requested — {workspaceName}",
      body: "{actorName} asks you to approve: “{postExcerpt}”.",
    },
    changes_requested: {
      title: "Changes requested — {workspaceName}",
      body: "{actorName} asks for changes to “{postExcerpt}”: {reason}",
    },
    post_approved: { title: "Post approved — {workspaceName}", body: "{actorName} approved “{postExcerpt}”." },
    publish_failed: {
      title: "Publishing failed — {workspaceName}",
      body: "Publishing to {accountName} failed: “{postExcerpt}”. {reason}",
    },
    post_unconfirmed: {
      title: "Post to check — {workspaceName}",
      body: "Relais cannot tell whether “{postExcerpt}” was published to {accountName}. Check, then confirm or publish again.",
    },
    post_missed: {
      title: "Post missed — {workspaceName}",
      body: "“{postExcerpt}” was not published to {accountName} on time (Relais was stopped too long).",
    },
    account_reconnect: {
      title: "Account to reconnect — {workspaceName}",
      body: "The account {accountName} ({network}) must be reconnected: {reason}",
    },
    alert_matches: {
      title: "Alert “{alertName}” — {workspaceName}",
      body: "New matches: {count}. The latest: “{firstTitle}”.",
    },
  },
};

export function renderNotification(
  locale: Locale,
  kind: NotificationKind,
  data: NotificationData,
): { title: string; body: string } {
  // A reason given in every language (e.g. a publishing error's explanation) is read in the reader's.
  const reasons = data.reasons as Partial<Record<Locale, string>> | undefined;
  const values: NotificationData =
    data.reason === undefined && reasons?.[locale] ? { ...data, reason: reasons[locale] } : data;
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? "")).replace(/\s+$/, "");
  const t = templates[locale][kind];
  return { title: fill(t.title), body: fill(t.body) };
}
