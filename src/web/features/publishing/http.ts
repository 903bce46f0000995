import { currentCsrfToken as csrfToken } from "../../api/client";
import { ApiError } from "../../api/errors";
import i18n from "../../i18n";

type Query = Record<string, string | number | boolean | undefined | null | string[]>;

/**
 * An untyped call with the same headers, CSRF and error shape as `unwrap(api.…)`, for multipart uploads
 * only (openapi-fetch sends JSON): every JSON call of the UI goes through the typed client (openapi-fetch
 * on `schema.d.ts`, generated from the server's OpenAPI document). Use `api` for JSON calls.
 */
export async function call<T>(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  options: { query?: Query; body?: unknown; form?: FormData } = {},
): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item);
    else url.searchParams.set(k, String(v));
  }
  const headers = new Headers({ "Accept-Language": i18n.language || "fr" });
  if (method !== "GET" && csrfToken()) headers.set("X-CSRF-Token", csrfToken());
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", i18n.t("errors.network"));
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) throw ApiError.fromBody(res.status, data, i18n.t("errors.unexpected"));
  return data as T;
}
