import type { UseFormReturnType } from "@mantine/form";
import { ApiError, fieldOf } from "../api/errors";
import { notifyError } from "./notify";

/**
 * The form field that shows a server path: the path itself when the form has it, its parent array when
 * the array holds plain values (a tags input shows "values", not "values.0"), or null.
 */
function displayedField(values: unknown, path: string): string | null {
  let cur: unknown = values;
  const keys = path.split(".");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (Array.isArray(cur) && cur.every((v) => v === null || typeof v !== "object")) return keys.slice(0, i).join(".");
    if (cur === null || typeof cur !== "object" || !(key in (cur as Record<string, unknown>))) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return path;
}

/**
 * The one place a failed submit is shown: each server field problem (path "body.x") goes next to the form
 * field "x"; the server's message, with the problems no field can show, goes in a notification.
 */
export function showServerErrors<T>(error: unknown, form?: UseFormReturnType<T>): void {
  if (!(error instanceof ApiError) || !form) {
    notifyError(error);
    return;
  }
  const fieldErrors: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const issue of error.details) {
    const field = displayedField(form.getValues(), fieldOf(issue.path));
    if (field) fieldErrors[field] = issue.message;
    else unplaced.push(issue.message);
  }
  form.setErrors(fieldErrors);
  notifyError(error, unplaced);
}
