import type { Locale, PressReviewItem } from "../../db/schema.js";
import { longDate, word } from "./curation.messages.js";
import { escapeHtml, paragraphs, safeUrl } from "./public-render.js";

/**
 * The press review in its three forms: an HTML e-mail (tables and inline styles only — what Outlook,
 * Gmail and Apple Mail all render; no <style>, no script, images with explicit width), its plain-text part
 * (readable on its own: numbered items with their address), and Markdown. The public page is the e-mail's
 * HTML served as a page. All values are plain text escaped here.
 */
export interface ReviewDoc {
  title: string;
  intro: string;
  periodStart: Date;
  periodEnd: Date;
  items: PressReviewItem[];
  workspaceName: string;
  locale: Locale;
  timezone: string;
}

/** "Du 16 novembre 2026 au 22 novembre 2026": the period's end is exclusive, the last day shown is the day before. */
export function periodLabel(d: Pick<ReviewDoc, "periodStart" | "periodEnd" | "locale" | "timezone">): string {
  const lastDay = new Date(d.periodEnd.getTime() - 1);
  return word(d.locale, "period", {
    from: longDate(d.locale, d.periodStart, d.timezone),
    to: longDate(d.locale, lastDay, d.timezone),
  });
}

const FONT = "font-family:Arial,Helvetica,sans-serif";

export function renderReviewHtml(d: ReviewDoc): string {
  const l = d.locale;
  const items = d.items
    .map((it, i) => {
      const url = safeUrl(it.url);
      const img = safeUrl(it.imageUrl);
      const title = escapeHtml(it.title);
      return `<tr><td style="padding:0 0 28px 0;${FONT}">
${img ? `<a href="${escapeHtml(url ?? img)}"><img src="${escapeHtml(img)}" width="560" alt="" style="display:block;width:100%;max-width:560px;height:auto;border:0;border-radius:6px;margin:0 0 12px 0"></a>` : ""}
<p style="margin:0 0 4px 0;font-size:12px;color:#868e96;text-transform:uppercase;letter-spacing:.5px;${FONT}">${i + 1}. ${escapeHtml(it.source)}</p>
<h2 style="margin:0 0 8px 0;font-size:19px;line-height:1.3;${FONT}">${url ? `<a href="${escapeHtml(url)}" style="color:#1c7ed6;text-decoration:none">${title}</a>` : title}</h2>
${it.comment ? paragraphs(it.comment, `margin:0 0 8px 0;font-size:15px;line-height:1.5;color:#1a1b1e;border-left:3px solid #1c7ed6;padding-left:10px;${FONT}`) : ""}
${it.description ? paragraphs(it.description, `margin:0 0 8px 0;font-size:14px;line-height:1.5;color:#495057;${FONT}`) : ""}
${url ? `<p style="margin:0;font-size:14px;${FONT}"><a href="${escapeHtml(url)}" style="color:#1c7ed6">${escapeHtml(word(l, "read"))} →</a></p>` : ""}
</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(d.title)}</title>
</head>
<body style="margin:0;padding:0;background:#f1f3f5">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(d.intro.slice(0, 140))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f1f3f5">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border-radius:8px">
<tr><td style="padding:28px 20px 8px 20px;${FONT}">
<p style="margin:0 0 4px 0;font-size:13px;color:#868e96;${FONT}">${escapeHtml(d.workspaceName)} · ${escapeHtml(periodLabel(d))}</p>
<h1 style="margin:0 0 16px 0;font-size:26px;line-height:1.25;color:#1a1b1e;${FONT}">${escapeHtml(d.title)}</h1>
${d.intro ? paragraphs(d.intro, `margin:0 0 12px 0;font-size:16px;line-height:1.55;color:#1a1b1e;${FONT}`) : ""}
</td></tr>
<tr><td style="padding:8px 20px 0 20px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${items}
</table>
</td></tr>
<tr><td style="padding:12px 20px 24px 20px;border-top:1px solid #e9ecef;font-size:12px;color:#868e96;${FONT}">${escapeHtml(word(l, "footer"))}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** Hard-wraps nothing (mail clients reflow); indents continuation lines under their item. */
export function renderReviewText(d: ReviewDoc): string {
  const lines: string[] = [d.title, "=".repeat(Math.min(Array.from(d.title).length, 72)), ""];
  lines.push(`${d.workspaceName} · ${periodLabel(d)}`, "");
  if (d.intro.trim()) lines.push(d.intro.trim(), "");
  d.items.forEach((it, i) => {
    lines.push(`${i + 1}. ${it.title}`);
    if (it.source) lines.push(`   ${it.source}`);
    if (it.comment.trim())
      lines.push(
        ...it.comment
          .trim()
          .split("\n")
          .map((s) => `   ${s}`),
      );
    const fr = d.locale === "fr";
    const [open, close] = fr ? ["« ", " »"] : ["“", "”"];
    if (it.description.trim()) lines.push(`   ${open}${it.description.trim().replace(/\s*\n\s*/g, " ")}${close}`);
    const url = safeUrl(it.url);
    if (url) lines.push(`   ${word(d.locale, "read")}${fr ? "\u00a0:" : ":"} ${url}`);
    lines.push("");
  });
  lines.push("-- ", word(d.locale, "footer"), "");
  return lines.join("\n");
}

/** Backslash-escapes what Markdown would read as markup in plain text. */
export function mdEscape(s: string): string {
  return s
    .replace(/([\\`*_[\]<>|~])/g, "\\$1")
    .replace(/^(\s*)(\d+)\.(\s)/gm, "$1$2\\.$3")
    .replace(/^(\s*)([#+-])(\s)/gm, "$1\\$2$3");
}

function mdUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
}

export function renderReviewMarkdown(d: ReviewDoc): string {
  const out: string[] = [`# ${mdEscape(d.title)}`, "", `*${mdEscape(`${d.workspaceName} · ${periodLabel(d)}`)}*`, ""];
  if (d.intro.trim()) out.push(mdEscape(d.intro.trim()), "");
  d.items.forEach((it, i) => {
    const url = safeUrl(it.url);
    out.push(`## ${i + 1}. ${url ? `[${mdEscape(it.title)}](${mdUrl(url)})` : mdEscape(it.title)}`, "");
    const img = safeUrl(it.imageUrl);
    if (img) out.push(`![](${mdUrl(img)})`, "");
    if (it.source) out.push(`*${mdEscape(it.source)}*`, "");
    if (it.comment.trim()) out.push(mdEscape(it.comment.trim()), "");
    if (it.description.trim())
      out.push(
        ...mdEscape(it.description.trim())
          .split("\n")
          .map((s) => `> ${s}`),
        "",
      );
  });
  return `${out.join("\n").trimEnd()}\n`;
}

export function reviewSubject(d: Pick<ReviewDoc, "title">, test: boolean, locale: Locale): string {
  return `${test ? word(locale, "testPrefix") : ""}${d.title}`;
}
