import type { Locale, Role } from "../../db/schema.js";
import type { MailMessage } from "../../lib/mailer.js";

const roleNames: Record<Locale, Record<Role, string>> = {
  fr: { owner: "propriétaire", manager: "responsable", editor: "rédacteur", reviewer: "validateur", viewer: "lecteur" },
  en: { owner: "owner", manager: "manager", editor: "editor", reviewer: "reviewer", viewer: "viewer" },
};

/** The invitation e-mail, in the workspace's language. */
export function invitationMail(
  locale: Locale,
  m: { to: string; inviter: string; workspace: string; role: Role; url: string; expiresAt: Date },
): MailMessage {
  const role = roleNames[locale][m.role];
  const date = m.expiresAt.toLocaleDateString(locale === "fr" ? "fr-FR" : "en-GB", { dateStyle: "long" });
  if (locale === "fr") {
    return {
      to: m.to,
      subject: `${m.inviter} vous invite sur Relais : ${m.workspace}`,
      text: `Bonjour,\n\n${m.inviter} vous invite à rejoindre l'espace « ${m.workspace} » sur Relais en tant que ${role}.\n\nAcceptez l'invitation ici :\n${m.url}\n\nCe lien est valable jusqu'au ${date}.\n`,
    };
  }
  return {
    to: m.to,
    subject: `${m.inviter} invited you to Relais: ${m.workspace}`,
    text: `Hello,\n\n${m.inviter} invited you to join the "${m.workspace}" workspace on Relais as ${role}.\n\nAccept the invitation here:\n${m.url}\n\nThis link is valid until ${date}.\n`,
  };
}
