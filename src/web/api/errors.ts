/** One field problem reported by the server: path like "body.timezone", already translated message. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * An API failure. `message` is the server's own, already in the UI language (Accept-Language);
 * `details` carries the per-field problems of a validation error.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Builds an ApiError from the server's `{"error":{code,message,details}}` body (or anything else). */
  static fromBody(status: number, body: unknown, fallbackMessage: string): ApiError {
    const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const details = Array.isArray(err?.details) ? err.details.filter(isFieldIssue) : [];
    return new ApiError(
      status,
      typeof err?.code === "string" ? err.code : `http_${status}`,
      typeof err?.message === "string" && err.message ? err.message : fallbackMessage,
      details,
    );
  }
}

function isFieldIssue(v: unknown): v is FieldIssue {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as FieldIssue).path === "string" &&
    typeof (v as FieldIssue).message === "string"
  );
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** The form field a server path points at: "body.handles.0.handle" → "handles.0.handle". */
export function fieldOf(path: string): string {
  return path.replace(/^(body|params|querystring)\.?/, "");
}
