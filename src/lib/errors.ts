/**
 * The error family services throw. The HTTP layer turns them into {"error":{code,message,details}} with
 * the status below; the message is looked up by code in the caller's language (src/http/messages.ts).
 */
export type ErrorCode =
  | "validation_failed"
  | "invalid_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unauthenticated"
  | "invalid_credentials"
  | "csrf_failed"
  | "forbidden"
  | "not_found"
  | "route_not_found"
  | "conflict"
  | "email_taken"
  | "setup_done"
  | "rate_limited"
  | "last_owner"
  | "invitation_invalid"
  | "invitation_email_mismatch"
  | "wrong_password"
  | "internal"
  | "unknown_media"
  | "media_type_unsupported"
  | "media_too_large"
  | "media_in_use"
  | "media_not_image"
  | "media_link_invalid";

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  email_taken: 409,
  setup_done: 409,
  rate_limited: 429,
  last_owner: 409,
  invitation_invalid: 410,
  invitation_email_mismatch: 403,
  wrong_password: 400,
  internal: 500,
  unknown_media: 400,
  media_type_unsupported: 415,
  media_too_large: 413,
  media_in_use: 409,
  media_not_image: 400,
  media_link_invalid: 403,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    /** Values interpolated into the translated message, e.g. {resource: "workspace"}. */
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = "AppError";
    this.status = statusByCode[code];
  }
}

/** Resources named in not_found messages; each has a translation. */
export type Resource = "workspace" | "member" | "invitation" | "competitor" | "user" | "token" | "media" | "rendition";

export const notFound = (resource: Resource) => new AppError("not_found", { resource });
export const forbidden = () => new AppError("forbidden");

/** PostgreSQL SQLSTATE for unique_violation: errors are recognised by code, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}
