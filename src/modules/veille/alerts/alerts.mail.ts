import type { Locale } from "../../../db/schema.js";

/**
 * The alert e-mail (immediate, daily or weekly digest): one message listing matches, as HTML and as a
 * plain-text part that reads well on its own (no tags, entities decoded, links spelled out).
 */

export interface MailMatch {
  title: string;
  excerpt: string;
  url: string | null;
  sourceName: string;
  publishedAt: Date;
}

export interface AlertMailInput {
  locale: Locale;
  timezone: string;
  workspaceName: string;
  alertName: string;
  query: string;
  mode: "immediate" | "daily" | "weekly";
  matches: MailMatch[];
  /** Link to the alerts view. */
  viewUrl: string;
}

const copy = {
  fr: {
    subject: {
      immediate: "Alerte « {alert} » : {count} nouveau résultat|Alerte « {alert} » : {count} nouveaux résultats",
      daily:
        "Résumé du jour — alerte « {alert} » ({count} résultat)|Résumé du jour — alerte « {alert} » ({count} résultats)",
      weekly:
        "Résumé de la semaine — alerte « {alert} » ({count} résultat)|Résumé de la semaine — alerte « {alert} » ({count} résultats)",
    },
    intro: "Requête : {query}",
    open: "Voir toutes les alertes dans Relais",
    footer:
      "Vous recevez cet e-mail parce que cette adresse figure parmi les destinataires de l'alerte dans {workspace}.",
    untitled: "(sans titre)",
  },
  en: {
    subject: {
      immediate: "Alert “{alert}”: {count} new match|Alert “{alert}”: {count} new matches",
      daily: "Daily digest — alert “{alert}” ({count} match)|Daily digest — alert “{alert}” ({count} matches)",
      weekly: "Weekly digest — alert “{alert}” ({count} match)|Weekly digest — alert “{alert}” ({count} matches)",
    },
    intro: "Query: {query}",
    open: "See all alerts in Relais",
    footer: "You receive this e-mail because this address is one of the alert's recipients in {workspace}.",
    untitled: "(untitled)",
  },
} as const;

function fill(s: string, values: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ""));
}

function plural(s: string, n: number): string {
  const [one, many] = s.split("|");
  return (n === 1 ? one : many) ?? s;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function formatDate(d: Date, locale: Locale, timezone: string): string {
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: timezone,
  }).format(d);
}

function safeHref(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

export function renderAlertMail(input: AlertMailInput): { subject: string; text: string; html: string } {
  const c = copy[input.locale];
  const n = input.matches.length;
  const subject = fill(plural(c.subject[input.mode], n), { alert: input.alertName, count: n });
  const intro = fill(c.intro, { query: input.query });
  const footer = fill(c.footer, { workspace: input.workspaceName });

  const textItems = input.matches.map((m, i) => {
    const lines = [`${i + 1}. ${m.title || c.untitled}`];
    lines.push(
      `   ${[m.sourceName, formatDate(m.publishedAt, input.locale, input.timezone)].filter(Boolean).join(" · ")}`,
    );
    if (m.excerpt) lines.push(`   ${m.excerpt}`);
    if (safeHref(m.url)) lines.push(`   ${m.url}`);
    return lines.join("\n");
  });
  const colon = input.locale === "fr" ? " : " : ": ";
  const text = [
    subject,
    "",
    intro,
    "",
    ...textItems.flatMap((t) => [t, ""]),
    `${c.open}${colon}${input.viewUrl}`,
    "",
    "—",
    footer,
    "",
  ].join("\n");

  const htmlItems = input.matches
    .map((m) => {
      const href = safeHref(m.url);
      const title = escapeHtml(m.title || c.untitled);
      const meta = escapeHtml(
        [m.sourceName, formatDate(m.publishedAt, input.locale, input.timezone)].filter(Boolean).join(" · "),
      );
      return `<li style="margin:0 0 16px">
  <div style="font-weight:600">${href ? `<a href="${escapeHtml(href)}" style="color:#1c7ed6">${title}</a>` : title}</div>
  <div style="color:#868e96;font-size:13px">${meta}</div>
  ${m.excerpt ? `<div style="margin-top:4px">${escapeHtml(m.excerpt)}</div>` : ""}
</li>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#212529;max-width:640px;margin:0 auto;padding:16px">
<h1 style="font-size:20px">${escapeHtml(subject)}</h1>
<p style="color:#495057">${escapeHtml(intro)}</p>
<ol style="padding-left:20px">
${htmlItems}
</ol>
<p><a href="${escapeHtml(input.viewUrl)}" style="color:#1c7ed6">${escapeHtml(c.open)}</a></p>
<p style="color:#868e96;font-size:12px">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject, text, html };
}
