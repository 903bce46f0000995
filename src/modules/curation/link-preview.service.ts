import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import { HttpError, type HttpErrorKind, httpClientFor } from "../../lib/http-client.js";
import { decodeHtml, extractMetadata, hostLabel, type PageMetadata } from "./page-metadata.js";

/** Pages above this are cut: the <head> (where the metadata is) comes first anyway. */
const MAX_PAGE_BYTES = 3 * 1024 * 1024;

export type PreviewFailure = HttpErrorKind | `http_${number}` | "not_html";

export class PreviewError extends Error {
  constructor(readonly reason: PreviewFailure) {
    super(reason);
  }
}

/**
 * Fetches a page through the safe HTTP client and reads its metadata. A non-HTML answer still gives a
 * preview: an image is its own picture, anything else (PDF...) is named after its file.
 */
export async function fetchMetadata(ctx: AppContext, url: string): Promise<PageMetadata> {
  let res: Awaited<ReturnType<ReturnType<typeof httpClientFor>["request"]>>;
  try {
    res = await httpClientFor(ctx.config).request(url, {
      headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "accept-language": "fr,en;q=0.8" },
      maxBytes: MAX_PAGE_BYTES,
      totalTimeoutMs: 15_000,
      throwOnHttpError: true,
    });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    // A page larger than the cap: its head was in the part we could not keep; say so rather than guess.
    throw new PreviewError(err.kind === "http_status" ? `http_${err.details.status ?? 0}` : err.kind);
  }
  const type = (res.headers["content-type"] ?? "").toLowerCase();
  const looksHtml = /html|xml/.test(type) || (!type && /^\s*</.test(res.body.subarray(0, 512).toString("latin1")));
  if (!looksHtml) {
    const file = decodeURIComponent(new URL(res.url).pathname.split("/").filter(Boolean).pop() ?? "") || null;
    return {
      url: res.url,
      title: file,
      description: null,
      imageUrl: type.startsWith("image/") ? res.url : null,
      siteName: hostLabel(res.url),
      publishedAt: null,
    };
  }
  return extractMetadata(decodeHtml(res.body, res.headers["content-type"]), res.url);
}

const reasons: Record<Locale, Record<string, string>> = {
  fr: {
    timeout: "délai dépassé",
    too_large: "page trop volumineuse",
    blocked_address: "adresse interne refusée",
    invalid_url: "adresse invalide",
    too_many_redirects: "trop de redirections",
    network: "serveur injoignable",
    not_html: "ce n'est pas une page web",
    http: "réponse HTTP {status}",
  },
  en: {
    timeout: "timed out",
    too_large: "page too large",
    blocked_address: "internal address refused",
    invalid_url: "invalid address",
    too_many_redirects: "too many redirects",
    network: "server unreachable",
    not_html: "not a web page",
    http: "HTTP answer {status}",
  },
};

/** The translated reason of a failed fetch, for the link_fetch_failed message. */
export function previewReason(locale: Locale, reason: PreviewFailure): string {
  if (reason.startsWith("http_")) return (reasons[locale].http ?? "").replace("{status}", reason.slice(5));
  return reasons[locale][reason] ?? reason;
}

/** A fetch failure as the API error (422) with the reason in the caller's language. */
export function previewFailed(locale: Locale, url: string, reason: PreviewFailure): AppError {
  return new AppError(
    "link_fetch_failed",
    { url: url.slice(0, 200), reason: previewReason(locale, reason) },
    { reason },
  );
}
