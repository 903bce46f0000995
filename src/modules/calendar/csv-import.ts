import { parse } from "csv-parse/sync";
import type { Locale } from "../../db/schema.js";
import { checkDraft } from "../../shared/networks/check.js";
import { accountLimitsOf } from "../../shared/networks/limits.js";
import { issueMessage } from "../../shared/networks/messages.js";
import { NETWORK_IDS, type NetworkId, PROFILES } from "../../shared/networks/profiles.js";
import { localToInstant, parseLocal } from "../scheduler/local-time.js";
import { type ImportIssueCode, importMessage } from "./calendar.messages.js";

/** The columns of the import (and the first columns of the export), in their default order. */
export const COLUMNS = ["date", "time", "accounts", "text", "link", "media", "tags"] as const;
export type Column = (typeof COLUMNS)[number];
export const MAX_ROWS = 2000;

/** Header names recognised, French and English, without accents or case. */
const HEADER_ALIASES: Record<string, Column> = {
  date: "date",
  jour: "date",
  time: "time",
  heure: "time",
  hour: "time",
  accounts: "accounts",
  account: "accounts",
  comptes: "accounts",
  compte: "accounts",
  text: "text",
  texte: "text",
  body: "text",
  message: "text",
  link: "link",
  lien: "link",
  url: "link",
  media: "media",
  "media url": "media",
  "url du media": "media",
  "url media": "media",
  tags: "tags",
  tag: "tags",
  etiquettes: "tags",
};

/** Columns the export adds after the import's: recognised in a header (so an export re-imports), ignored. */
const EXPORT_ONLY = new Set(["status", "published_url", "planned"]);

export interface RowIssue {
  column: Column | null;
  code: ImportIssueCode;
  message: string;
}

export interface RowReport {
  /** 1-based line of the file the row starts on (the header is line 1 when present). */
  line: number;
  ok: boolean;
  errors: RowIssue[];
  warnings: RowIssue[];
}

export interface AccountRef {
  id: string;
  network: string;
  display_name: string;
  handle: string | null;
  /** The account's own limits when its network has them (a Mastodon instance's), from its settings. */
  limits?: unknown;
}

export interface ValidRow {
  line: number;
  local: string;
  instant: Date;
  accountIds: string[];
  text: string;
  link: string | null;
  tags: string[];
  /** Media addresses, fetched into the library by a real import (not by a dry run). */
  mediaUrls: string[];
}

function norm(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .trim()
    .toLowerCase();
}

/** Semicolon (French spreadsheets) or comma: whichever the first line has more of, outside quotes. */
export function detectDelimiter(text: string): ";" | "," {
  let inQuotes = false;
  let semi = 0;
  let comma = 0;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === "\n" || ch === "\r")) break;
    else if (!inQuotes && ch === ";") semi++;
    else if (!inQuotes && ch === ",") comma++;
  }
  return semi > comma ? ";" : ",";
}

/**
 * Parses CSV text (UTF-8, with or without BOM, `;` or `,`) into records with their starting line. A first
 * row whose cells are all known column names is a header and sets the order; otherwise the default order.
 * Throws csv-parse's error (with its line) on malformed CSV, e.g. an unclosed quote.
 */
export function parseCsv(text: string): {
  records: { line: number; cells: Record<Column, string> }[];
  columns: Column[];
} {
  const raw = parse(text.replace(/^\uFEFF/, ""), {
    delimiter: detectDelimiter(text.replace(/^\uFEFF/, "")),
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    trim: false,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  let columns: Column[] = [...COLUMNS];
  let start = 0;
  const first = raw[0]?.record.map(norm) ?? [];
  if (
    first.length &&
    first.every((c) => c === "" || c in HEADER_ALIASES || EXPORT_ONLY.has(c)) &&
    first.some((c) => c === "date")
  ) {
    columns = first.map((c) => HEADER_ALIASES[c] as Column);
    start = 1;
  }
  const records = raw.slice(start).map(({ record, info }) => {
    const cells = Object.fromEntries(COLUMNS.map((c) => [c, ""])) as Record<Column, string>;
    record.forEach((v, i) => {
      const col = columns[i];
      // Undo the export's formula guard, so an exported file imports back as it was.
      if (col) cells[col] = /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
    });
    // info.lines is the line the record ENDS on; a quoted cell may span lines.
    const spanned = record.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    return { line: info.lines - spanned, cells, extra: record.length - columns.length };
  });
  return { records: records.map(({ line, cells }) => ({ line, cells })), columns };
}

/** "2026-03-29", "29/03/2026" or "29/03/26" → "2026-03-29"; null when it is not a real date. */
export function parseDate(value: string): string | null {
  const v = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const fr = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$/.exec(v);
  let y: string | undefined;
  let mo: string | undefined;
  let d: string | undefined;
  if (iso) [, y, mo, d] = iso;
  else if (fr) {
    [, d, mo, y] = fr;
    if (y && y.length === 2) y = `20${y}`;
  }
  if (!y || !mo || !d) return null;
  const date = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return parseLocal(`${date}T00:00`) ? date : null;
}

/** "09:30", "9:30", "9h30", "9h" → "09:30"; null otherwise. */
export function parseTime(value: string): string | null {
  const m = /^(\d{1,2})\s*[:hH]\s*(\d{2})?$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2] ?? "0");
  if (h > 23 || mi > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}`;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && v.length <= 2000;
  } catch {
    return false;
  }
}

function splitList(v: string): string[] {
  return v
    .split("|")
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * Validates one row against the workspace: date and time in its zone (a time inside a DST gap or
 * repeated at fall-back is an error, not silently moved), accounts by name or handle, the text against
 * each network's rules (checkDraft), link, tags; media URLs by syntax only (a dry run warns that they will
 * be fetched; the real import fetches them before creating anything, see csv.service).
 */
export function validateRow(
  rec: { line: number; cells: Record<Column, string> },
  ctx: { tz: string; locale: Locale; accounts: AccountRef[]; now: Date; dryRun?: boolean },
): { report: RowReport; row: ValidRow | null } {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const { locale } = ctx;
  const err = (column: Column | null, code: ImportIssueCode, params: Record<string, string | number> = {}) =>
    errors.push({ column, code, message: importMessage(locale, code, params) });
  const c = rec.cells;

  const date = parseDate(c.date);
  if (!date) err("date", "date_invalid", { value: c.date });
  const time = parseTime(c.time);
  if (!time) err("time", "time_invalid", { value: c.time });
  let instant: Date | null = null;
  let local = "";
  if (date && time) {
    local = `${date}T${time}`;
    const r = localToInstant(local, ctx.tz);
    if (r.adjusted === "gap") err("time", "time_nonexistent", { value: `${date} ${time}`, tz: ctx.tz });
    else if (r.adjusted === "overlap") err("time", "time_ambiguous", { value: `${date} ${time}`, tz: ctx.tz });
    else if (r.instant.getTime() <= ctx.now.getTime()) err("date", "in_past", { value: `${date} ${time}` });
    else instant = r.instant;
  }

  const accountIds: string[] = [];
  const names = splitList(c.accounts);
  if (!names.length) err("accounts", "accounts_missing");
  for (const name of names) {
    const n = norm(name.replace(/^@/, ""));
    const byHandle = ctx.accounts.filter((a) => a.handle && norm(a.handle.replace(/^@/, "")) === n);
    const matches = byHandle.length ? byHandle : ctx.accounts.filter((a) => norm(a.display_name) === n);
    if (matches.length === 0) err("accounts", "account_unknown", { value: name });
    else if (matches.length > 1) err("accounts", "account_ambiguous", { value: name });
    else if (!accountIds.includes((matches[0] as AccountRef).id)) accountIds.push((matches[0] as AccountRef).id);
  }

  const text = c.text.replace(/\r\n?/g, "\n").trim();
  if (!text) err("text", "text_missing");
  else {
    for (const id of accountIds) {
      const a = ctx.accounts.find((x) => x.id === id) as AccountRef;
      const network = (NETWORK_IDS as readonly string[]).includes(a.network) ? (a.network as NetworkId) : "webhook";
      const check = checkDraft(network, { text, media: [] }, accountLimitsOf(a.network, a.limits));
      for (const issue of check.issues) {
        if (issue.code === "text_empty") continue;
        const params = {
          account: a.display_name,
          network: PROFILES[network].label,
          message: issueMessage(locale, issue),
        };
        const entry = {
          column: "text" as Column,
          code: "network_check" as const,
          message: importMessage(locale, "network_check", params),
        };
        (issue.severity === "error" ? errors : warnings).push(entry);
      }
    }
  }

  const link = c.link.trim();
  if (link && !isHttpUrl(link)) err("link", "link_invalid", { value: link });
  const media = c.media.trim();
  if (media) {
    if (!splitList(media).every(isHttpUrl)) err("media", "media_url_invalid", { value: media });
    else if (ctx.dryRun)
      warnings.push({
        column: "media",
        code: "media_will_be_fetched",
        message: importMessage(locale, "media_will_be_fetched"),
      });
  }
  const tags = splitList(c.tags);
  for (const t of tags) if (Array.from(t).length > 60) err("tags", "tag_invalid", { value: t });

  const ok = errors.length === 0;
  return {
    report: { line: rec.line, ok, errors, warnings },
    row:
      ok && instant
        ? {
            line: rec.line,
            local,
            instant,
            accountIds,
            text,
            link: link || null,
            tags: [...new Set(tags)],
            mediaUrls: [...new Set(splitList(media))],
          }
        : null,
  };
}
