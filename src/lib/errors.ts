/**
 * The error family services throw. The HTTP layer turns them into {"error":{code,message,details}} with
 * the status below; the message is looked up by code in the caller's language (src/http/messages.ts).
 */
export type ErrorCode =
  | "validation_failed"
  | "sync_unsupported"
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
  | "target_state"
  | "account_not_active"
  | "name_taken"
  | "campaign_dates"
  | "unknown_reference"
  | "post_stale"
  | "post_locked"
  | "post_publishing"
  | "post_not_submittable"
  | "post_not_in_review"
  | "post_not_reviewable"
  | "self_approval"
  | "approval_required"
  | "post_not_schedulable"
  | "post_not_scheduled"
  | "post_no_targets"
  | "post_not_ready"
  | "schedule_in_past"
  | "approval_link_invalid"
  | "internal"
  | "account_connect_failed"
  | "network_not_connectable"
  | "account_busy"
  | "unknown_media"
  | "media_type_unsupported"
  | "media_too_large"
  | "media_in_use"
  | "media_not_image"
  | "media_link_invalid"
  | "media_fetch_failed"
  | "post_not_movable"
  | "no_free_slot"
  | "planned_time_nonexistent"
  | "planned_time_locked"
  | "crop_outside_image"
  | "recurrence_invalid"
  | "csv_unreadable"
  | "csv_too_many_rows"
  | "link_fetch_failed"
  | "entry_exists"
  | "review_empty"
  | "review_sent"
  | "mail_disabled"
  | "oauth_state_invalid"
  | "oauth_state_expired"
  | "alert_query_invalid"
  | "feed_exists"
  | "not_a_feed"
  | "feed_unreachable"
  | "opml_invalid"
  | "full_text_failed"
  | "remove_unsupported"
  | "remove_account_not_active"
  | "remove_failed";

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  sync_unsupported: 409,
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
  target_state: 409,
  account_not_active: 409,
  name_taken: 409,
  campaign_dates: 400,
  unknown_reference: 400,
  post_stale: 409,
  post_locked: 409,
  post_publishing: 409,
  post_not_submittable: 409,
  post_not_in_review: 409,
  post_not_reviewable: 409,
  self_approval: 403,
  approval_required: 409,
  post_not_schedulable: 409,
  post_not_scheduled: 409,
  post_no_targets: 400,
  post_not_ready: 400,
  schedule_in_past: 400,
  approval_link_invalid: 410,
  internal: 500,
  account_connect_failed: 422,
  network_not_connectable: 400,
  account_busy: 409,
  unknown_media: 400,
  media_type_unsupported: 415,
  media_too_large: 413,
  media_in_use: 409,
  media_not_image: 400,
  media_link_invalid: 403,
  media_fetch_failed: 422,
  post_not_movable: 409,
  no_free_slot: 409,
  planned_time_nonexistent: 400,
  planned_time_locked: 409,
  crop_outside_image: 400,
  recurrence_invalid: 400,
  csv_unreadable: 400,
  csv_too_many_rows: 400,
  link_fetch_failed: 422,
  entry_exists: 409,
  review_empty: 400,
  review_sent: 409,
  mail_disabled: 409,
  oauth_state_invalid: 400,
  oauth_state_expired: 400,
  alert_query_invalid: 400,
  feed_exists: 409,
  not_a_feed: 422,
  feed_unreachable: 422,
  opml_invalid: 400,
  full_text_failed: 422,
  remove_unsupported: 409,
  remove_account_not_active: 409,
  remove_failed: 502,
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
export type Resource =
  | "account"
  | "calendar"
  | "workspace"
  | "member"
  | "invitation"
  | "competitor"
  | "user"
  | "token"
  | "media"
  | "rendition"
  | "target"
  | "campaign"
  | "tag"
  | "post"
  | "approval_link"
  | "topic"
  | "entry"
  | "review"
  | "feed_item"
  | "alert"
  | "alert_match"
  | "feed"
  | "folder";

export const notFound = (resource: Resource) => new AppError("not_found", { resource });
export const forbidden = () => new AppError("forbidden");

/** PostgreSQL SQLSTATE for unique_violation: errors are recognised by code, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}
