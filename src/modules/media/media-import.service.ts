import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import { HttpError, type HttpErrorKind, httpClientFor } from "../../lib/http-client.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import type { MediaView } from "./media.present.js";
import { ingest, uploadLimits } from "./media.service.js";
import { fileFromBytes } from "./media-upload.js";

/**
 * Media added by address (CSV import): fetched through the one outbound HTTP client (SSRF guard, redirects
 * checked hop by hop, timeouts, body cap), then the same ingestion as an upload (type sniffed from the
 * bytes, limit of its kind, EXIF stripped, thumbnail, dedupe).
 */

/** Why a fetch failed, for messages: the client's error kind, or the HTTP status of a non-2xx answer. */
export type FetchFailure = HttpErrorKind | `http_${number}`;

/**
 * Fetches `url` and adds it to the workspace's library (media.write). The same file twice gives the
 * existing item (`created: false`). Errors: media_fetch_failed (422, params url and reason: the
 * FetchFailure), media_too_large (413), media_type_unsupported (415, e.g. an HTML page).
 */
export async function importFromUrl(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  url: string,
  options: { altText?: string } = {},
): Promise<{ media: MediaView; created: boolean }> {
  await workspaces.authorize(ctx, user, workspaceId, "media.write");
  const limits = uploadLimits(ctx);
  const maxBytes = Math.max(limits.imageBytes, limits.videoBytes);
  let body: Buffer;
  let finalUrl: string;
  try {
    const res = await httpClientFor(ctx.config).request(url, {
      headers: { accept: "image/*, video/*;q=0.9, */*;q=0.1" },
      maxBytes,
      // A large video on a slow CDN: more room than the client's 30 s default, still bounded.
      totalTimeoutMs: 120_000,
      throwOnHttpError: true,
    });
    body = res.body;
    finalUrl = res.url;
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    if (err.kind === "too_large") throw new AppError("media_too_large", { limit: toMb(maxBytes) });
    const reason: FetchFailure = err.kind === "http_status" ? `http_${err.details.status ?? 0}` : err.kind;
    throw new AppError("media_fetch_failed", { url: url.slice(0, 300), reason });
  }
  const file = fileFromBytes(body, nameFromUrl(finalUrl), limits);
  return ingest(ctx, user, workspaceId, file, options.altText ?? "");
}

const toMb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** The last path segment, decoded, as the display name ("photo été.jpg"); the host when there is none. */
function nameFromUrl(url: string): string {
  try {
    const u = new URL(url);
    const last = u.pathname.split("/").filter(Boolean).pop();
    return last ? decodeURIComponent(last) : u.hostname;
  } catch {
    return "";
  }
}

const reasons: Record<Locale, Record<HttpErrorKind | "not_media", string>> = {
  fr: {
    timeout: "délai dépassé",
    too_large: "fichier trop volumineux",
    blocked_address: "adresse interne refusée",
    invalid_url: "adresse invalide",
    too_many_redirects: "trop de redirections",
    network: "serveur injoignable",
    http_status: "réponse HTTP",
    not_media: "ce n'est pas une image ou une vidéo prise en charge",
  },
  en: {
    timeout: "timed out",
    too_large: "file too large",
    blocked_address: "internal address refused",
    invalid_url: "invalid address",
    too_many_redirects: "too many redirects",
    network: "server unreachable",
    http_status: "HTTP answer",
    not_media: "not a supported image or video",
  },
};

/**
 * Why importFromUrl failed, in words, for reports that list several problems (CSV rows): "réponse HTTP
 * 404", "serveur injoignable", "fichier trop volumineux (50 Mo max.)"… Other errors are rethrown.
 */
export function importFailureText(locale: Locale, err: unknown): string {
  if (!(err instanceof AppError)) throw err;
  const words = reasons[locale];
  if (err.code === "media_type_unsupported") return words.not_media;
  if (err.code === "media_too_large")
    return `${words.too_large} (${err.params.limit} ${locale === "fr" ? "Mo" : "MB"} max.)`;
  if (err.code !== "media_fetch_failed") throw err;
  const reason = String(err.params.reason);
  const status = /^http_(\d+)$/.exec(reason);
  if (status) return `${words.http_status} ${status[1]}`;
  return words[reason as HttpErrorKind] ?? reason;
}

/**
 * The HTTP route's import by address: importFromUrl with its failure translated for the caller — the
 * reason in words in the message ("adresse interne refusée", "serveur injoignable", "réponse HTTP 404"),
 * its code in `details.reason` for API clients. Too large (413) and not an image or video (415) keep their
 * own errors.
 */
export async function importUrlForCaller(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { url: string; altText?: string },
  locale: Locale,
): Promise<{ media: MediaView; created: boolean }> {
  try {
    return await importFromUrl(ctx, user, workspaceId, input.url, { altText: input.altText });
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "media_fetch_failed") throw err;
    throw new AppError(
      "media_fetch_failed",
      { url: String(err.params.url), reason: importFailureText(locale, err) },
      { reason: String(err.params.reason) },
    );
  }
}
