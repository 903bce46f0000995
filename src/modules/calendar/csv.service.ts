import { stringify } from "csv-stringify/sync";
import { sql } from "kysely";
import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { importFailureText, importFromUrl } from "../media/media-import.service.js";
import { recordPostEvent } from "../publishing/post-events.repo.js";
import { isPlanned } from "../publishing/post-status.js";
import { instantToLocal } from "../scheduler/local-time.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { importMessage } from "./calendar.messages.js";
import { findInRange, lookups, orderByName } from "./calendar.repo.js";
import { COLUMNS, MAX_ROWS, parseCsv, type RowReport, type ValidRow, validateRow } from "./csv-import.js";
import { sendJobs } from "./reschedule.service.js";

export interface ImportResult {
  dryRun: boolean;
  valid: boolean;
  rows: RowReport[];
  created: number;
  postIds: string[];
  /** The status the posts get (or got): scheduled, or draft with a planned time when approval is required. */
  status: "scheduled" | "draft";
}

/**
 * CSV bulk import. Every row is validated first and reported (ok, or its errors and warnings with the
 * column and a message in the caller's language). Nothing is created unless every row is valid and
 * `dryRun` is false; then all posts are created in one transaction — as `scheduled` when the workspace
 * does not require approval, else as drafts with their planned time — and their jobs sent after commit.
 */
export async function importCsv(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  csv: string,
  dryRun: boolean,
  locale: Locale,
): Promise<ImportResult> {
  await authorize(ctx, user, workspaceId, "posts.write");
  const ws = await ctx.db
    .selectFrom("workspaces")
    .select(["timezone", "approval_required"])
    .where("id", "=", workspaceId)
    .executeTakeFirstOrThrow();
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(csv);
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    throw new AppError("csv_unreadable", { line });
  }
  if (parsed.records.length === 0) throw new AppError("csv_unreadable", { line: 1 });
  if (parsed.records.length > MAX_ROWS) throw new AppError("csv_too_many_rows", { max: MAX_ROWS });
  const accounts = await ctx.db
    .selectFrom("social_accounts")
    .select(["id", "network", "display_name", "handle", sql<unknown>`settings -> 'limits'`.as("limits")])
    .where("workspace_id", "=", workspaceId)
    .where("status", "<>", "disabled")
    .execute();
  const now = new Date();
  const checked = parsed.records.map((r) => validateRow(r, { tz: ws.timezone, locale, accounts, now, dryRun }));
  const rows = checked.map((c) => c.report);
  const valid = rows.every((r) => r.ok);
  const status = ws.approval_required ? "draft" : "scheduled";
  const result: ImportResult = { dryRun, valid, rows, created: 0, postIds: [], status };
  if (!valid || dryRun) return result;

  const good = checked.map((c) => c.row as ValidRow);
  // Media before the transaction: a download must not hold a transaction open, and a failed one must stop
  // the import before any post exists. Files fetched before the failure stay in the library (deduplicated
  // by content, so a second attempt reuses them): the only thing a failed import may leave behind.
  const mediaByUrl = await fetchMedia(ctx, user, workspaceId, good, rows, locale);
  if (!mediaByUrl) return { ...result, valid: false };
  const created = await ctx.db.transaction().execute(async (trx) => {
    const tagNames = [...new Set(good.flatMap((r) => r.tags))];
    const tagIds = new Map<string, string>();
    if (tagNames.length) {
      await trx
        .insertInto("tags")
        .values(tagNames.map((name) => ({ workspace_id: workspaceId, name })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      const tags = await trx
        .selectFrom("tags")
        .select(["id", "name"])
        .where("workspace_id", "=", workspaceId)
        .where(
          sql<string>`lower(name)`,
          "in",
          tagNames.map((t) => t.toLowerCase()),
        )
        .execute();
      for (const t of tags) tagIds.set(t.name.toLowerCase(), t.id);
    }
    const out: { postId: string; targetIds: string[]; at: Date }[] = [];
    for (const r of good) {
      const post = await trx
        .insertInto("posts")
        .values({
          workspace_id: workspaceId,
          status,
          body: r.text,
          link_url: r.link,
          media_ids: JSON.stringify(r.mediaUrls.map((u) => mediaByUrl.get(u) as string)),
          options: JSON.stringify({}),
          scheduled_at: r.instant,
          scheduled_local: r.local,
          scheduled_tz: ws.timezone,
          created_by: user.id,
          updated_by: user.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const targets = await trx
        .insertInto("post_targets")
        .values(
          r.accountIds.map((accountId) => ({
            workspace_id: workspaceId,
            post_id: post.id,
            account_id: accountId,
            options: JSON.stringify({}),
            status: status === "scheduled" ? ("scheduled" as const) : ("pending" as const),
            next_attempt_at: status === "scheduled" ? r.instant : null,
          })),
        )
        .returning("id")
        .execute();
      const ids = [...new Set(r.tags.map((t) => tagIds.get(t.toLowerCase())).filter((x): x is string => !!x))];
      if (ids.length) {
        await trx
          .insertInto("post_tags")
          .values(ids.map((tagId) => ({ workspace_id: workspaceId, post_id: post.id, tag_id: tagId })))
          .execute();
      }
      await recordPostEvent(trx, {
        workspaceId,
        postId: post.id,
        actorUserId: user.id,
        actorLabel: user.name || user.email,
        fromStatus: null,
        toStatus: status,
        detail: { reason: "csv_import", line: r.line },
      });
      out.push({ postId: post.id, targetIds: targets.map((t) => t.id), at: r.instant });
    }
    return out;
  });
  if (status === "scheduled") for (const c of created) await sendJobs(ctx, c.targetIds, c.at);
  return { ...result, created: created.length, postIds: created.map((c) => c.postId) };
}

/** Parallel downloads of the import's media: enough to overlap latency, few enough to be polite. */
const MEDIA_FETCHES = 4;

/**
 * Fetches every distinct media URL of the rows into the library (importFromUrl: SSRF guard, limits,
 * same ingestion as an upload). Returns url → media id, or null after adding a row error (column
 * "media", translated) to each row whose URL failed.
 */
async function fetchMedia(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  good: ValidRow[],
  reports: RowReport[],
  locale: Locale,
): Promise<Map<string, string> | null> {
  const urls = [...new Set(good.flatMap((r) => r.mediaUrls))];
  const ids = new Map<string, string>();
  const failures = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      try {
        ids.set(url, (await importFromUrl(ctx, user, workspaceId, url)).media.id);
      } catch (err) {
        failures.set(url, importFailureText(locale, err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MEDIA_FETCHES, urls.length) }, worker));
  if (failures.size === 0) return ids;
  good.forEach((row, i) => {
    const report = reports[i] as RowReport;
    for (const url of row.mediaUrls) {
      const reason = failures.get(url);
      if (reason === undefined) continue;
      report.ok = false;
      report.errors.push({
        column: "media",
        code: "media_fetch_failed",
        message: importMessage(locale, "media_fetch_failed", { value: url, reason }),
      });
    }
  });
  return null;
}

/**
 * A spreadsheet cell that starts with = + - @ (or a tab / carriage return) is run as a formula by Excel,
 * LibreOffice and Sheets: prefixing a quote makes it text (OWASP "CSV injection").
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The posts of [from, to) as CSV: the import's columns (so an export can be edited and re-imported)
 * plus status, published URLs and whether the post is only planned (not scheduled yet); times in the workspace zone; UTF-8 with a BOM so spreadsheets read
 * accents and emoji right; `;` for French spreadsheets or `,`.
 */
export async function exportCsv(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  q: { from: string; to: string; separator: "comma" | "semicolon" },
): Promise<string> {
  await authorize(ctx, user, workspaceId, "posts.read");
  const [look, found] = await Promise.all([
    lookups(ctx.db, workspaceId),
    findInRange(ctx.db, workspaceId, new Date(q.from), new Date(q.to), {}),
  ]);
  const ws = { timezone: look.timezone };
  const rows = orderByName(found, look);
  const records = rows.map((p) => {
    const local = instantToLocal(p.scheduled_at, ws.timezone);
    const live = p.targets.filter((t) => t.status !== "cancelled");
    return [
      local.slice(0, 10),
      local.slice(11),
      live
        .map((t) => {
          const a = look.accounts.get(t.account_id);
          return a?.handle || a?.name || "";
        })
        .join("|"),
      p.body,
      p.link_url ?? "",
      "",
      p.tag_ids.map((id) => look.tags.get(id)?.name ?? "").join("|"),
      p.status,
      live
        .map((t) => t.external_url)
        .filter(Boolean)
        .join("|"),
      isPlanned(p.status) ? "yes" : "no",
    ].map(guardCell);
  });
  const body = stringify([[...COLUMNS, "status", "published_url", "planned"], ...records], {
    delimiter: q.separator === "semicolon" ? ";" : ",",
    record_delimiter: "\r\n",
  });
  return `\uFEFF${body}`;
}
