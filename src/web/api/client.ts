import createClient, { type Middleware } from "openapi-fetch";
import i18n from "../i18n";
import { ApiError } from "./errors";
import type { paths } from "./schema";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
let csrfToken = "";

/** Remembers the session's CSRF token (from GET /api/auth/session, login, setup or invitation accept). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** The session's CSRF token, for the few calls made without openapi-fetch (multipart uploads). */
export function currentCsrfToken(): string {
  return csrfToken;
}

const headersMiddleware: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept-Language", i18n.language || "fr");
    if (!SAFE_METHODS.has(request.method.toUpperCase()) && csrfToken) request.headers.set("X-CSRF-Token", csrfToken);
    return request;
  },
};

/** The typed API client: same-origin cookies, CSRF on writes, the UI language for server messages. */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(headersMiddleware);

/** The path parameter of a workspace route: `api.GET("/api/workspaces/{workspaceId}/…", inWorkspace(w))`. */
export const inWorkspace = (workspaceId: string) => ({ params: { path: { workspaceId } } });

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the server's
 * translated message and field details. Network failures become an ApiError with code "network".
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "network", i18n.t("errors.network"));
  }
  if (result.error !== undefined || !result.response.ok) {
    throw ApiError.fromBody(result.response.status, result.error, i18n.t("errors.unexpected"));
  }
  return result.data as T;
}
