import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Locale } from "../db/schema.js";
import { AppError, type ErrorCode } from "../lib/errors.js";
import { errorMessage } from "./messages.js";

/** Messages for our own refinements (z.refine(..., { params: { i18n: key } })). */
const customIssues: Record<Locale, Record<string, string>> = {
  fr: {
    invalid_timezone: "Fuseau horaire IANA inconnu (exemple : Europe/Paris).",
    empty_patch: "Indiquez au moins un champ à modifier.",
    name_and_password: "Indiquez votre nom et un mot de passe pour créer votre compte.",
    campaign_dates: "La date de fin précède la date de début.",
    options_too_large: "Options trop volumineuses (10 ko au maximum).",
    duplicate_account: "Un même compte apparaît deux fois : une seule déclinaison par compte.",
    local_or_at: "Indiquez soit l'heure locale (local), soit l'instant (at), pas les deux.",
    private_address:
      "Cette adresse mène à un réseau privé ou local : Relais la refuse (voir RELAIS_ALLOW_PRIVATE_NETWORK).",
    invalid_url: "Adresse invalide : indiquez une URL complète en https://, sans identifiants.",
    range_order: "La fin de la période doit être après son début.",
    range_too_long: "Période trop longue pour une seule requête.",
    local_datetime: "Date et heure invalides : attendu AAAA-MM-JJTHH:MM (par exemple 2026-03-29T09:00).",
    url_or_item: "Indiquez soit une adresse (url), soit un article de veille (feedItemId).",
    not_mastodon:
      "Cette adresse ne répond pas comme une instance Mastodon : vérifiez-la (exemple : https://mastodon.social).",
    bluesky_handle: "Identifiant Bluesky invalide : attendu nom.bsky.social, votre domaine (exemple.fr) ou un DID.",
    hh_mm: "Heure invalide : attendu HH:MM (par exemple 08:00).",
    ids_or_all: "Indiquez soit des identifiants (ids), soit all: true.",
  },
  en: {
    invalid_timezone: "Unknown IANA time zone (for example Europe/Paris).",
    empty_patch: "Give at least one field to change.",
    name_and_password: "Give your name and a password to create your account.",
    campaign_dates: "The end date is before the start date.",
    options_too_large: "Options too large (10 kB at most).",
    duplicate_account: "The same account appears twice: one variant per account.",
    local_or_at: "Give either the local time (local) or the instant (at), not both.",
    private_address:
      "This address leads to a private or local network: Relais refuses it (see RELAIS_ALLOW_PRIVATE_NETWORK).",
    invalid_url: "Invalid address: give a full https:// URL, without credentials.",
    range_order: "The end of the period must be after its start.",
    range_too_long: "Period too long for one request.",
    local_datetime: "Invalid date and time: expected YYYY-MM-DDTHH:MM (for example 2026-03-29T09:00).",
    url_or_item: "Give either an address (url) or a feed item (feedItemId).",
    not_mastodon:
      "This address does not answer like a Mastodon instance: check it (for example https://mastodon.social).",
    bluesky_handle: "Invalid Bluesky handle: expected name.bsky.social, your domain (example.com) or a DID.",
    hh_mm: "Invalid time: expected HH:MM (for example 08:00).",
    ids_or_all: "Give either ids or all: true.",
  },
};

const zodLocales = { fr: z.locales.fr(), en: z.locales.en() };

/**
 * Like fastify-type-provider-zod's compiler, but keeps each issue's input so the handler can say in
 * French or English what was received ("nombre reçu"), not just what was expected.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    // Same shape as the library's own errors (it recognises them by this symbol).
    const validation = result.error.issues.map((issue) => {
      const { path, code, message, ...params } = issue;
      return {
        [Symbol.for("ZodFastifySchemaValidationError")]: true,
        keyword: code,
        instancePath: `/${path.join("/")}`,
        schemaPath: `#/${path.join("/")}/${code}`,
        message,
        params,
      };
    });
    return { error: validation as never };
  };

export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

function localizeIssue(locale: Locale, raw: Record<string, unknown>): string {
  const nested = raw.params as { i18n?: string } | undefined;
  const custom = nested?.i18n ? customIssues[locale][nested.i18n] : undefined;
  if (raw.code === "custom" && custom) return custom;
  try {
    const msg = zodLocales[locale].localeError?.(raw as never);
    if (typeof msg === "string") return msg;
    if (msg && typeof msg === "object" && "message" in msg) return String(msg.message);
  } catch {
    // Fall through to zod's own message.
  }
  return String(raw.message ?? raw.code);
}

type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function errorBody(
  locale: Locale,
  code: ErrorCode,
  params: Record<string, string | number> = {},
  details?: unknown,
): ErrorBody {
  return {
    error: { code, message: errorMessage(locale, code, params), ...(details === undefined ? {} : { details }) },
  };
}

/**
 * The one error handler: every failure becomes {"error":{code,message,details}} in the caller's language.
 * Bad input is always a 4xx; only a bug is a 500, logged with its stack and never shown.
 */
export function handleError(err: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  const locale = request.locale ?? "fr";
  if (err instanceof AppError) {
    if (err.code === "rate_limited") reply.header("retry-after", String(err.params.retry ?? 60));
    return reply.status(err.status).send(errorBody(locale, err.code, err.params, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? "body";
    const details: FieldIssue[] = err.validation.map((v) => {
      const { params, instancePath, keyword } = v;
      const raw = { ...(params as Record<string, unknown>), code: keyword, message: v.message };
      return {
        path: `${where}${instancePath === "/" ? "" : instancePath.replaceAll("/", ".")}`,
        code: keyword,
        message: localizeIssue(locale, raw),
      };
    });
    return reply.status(400).send(errorBody(locale, "validation_failed", {}, details));
  }
  const fe = err as FastifyError;
  if (isResponseSerializationError(fe as never)) {
    request.log.error({ err }, "response did not match its schema");
    return reply.status(500).send(errorBody(locale, "internal"));
  }
  switch (fe.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return reply.status(400).send(errorBody(locale, "invalid_json"));
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return reply.status(413).send(errorBody(locale, "payload_too_large"));
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return reply.status(415).send(errorBody(locale, "unsupported_media_type"));
  }
  if (fe.statusCode === 429) {
    return reply
      .status(429)
      .send(errorBody(locale, "rate_limited", { retry: Number(reply.getHeader("retry-after") ?? 60) }));
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply
      .status(fe.statusCode)
      .send(errorBody(locale, "validation_failed", {}, [{ path: "", code: fe.code, message: fe.message }]));
  }
  request.log.error({ err }, "unhandled error");
  return reply.status(500).send(errorBody(locale, "internal"));
}
