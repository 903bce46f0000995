import type { UseFormReturnType } from "@mantine/form";
import { ApiError } from "../api/errors";
import { displayedField } from "./field-path";
import { notifyError } from "./notify";

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
    const field = displayedField(form.getValues(), issue.path);
    if (field) fieldErrors[field] = issue.message;
    else unplaced.push(issue.message);
  }
  form.setErrors(fieldErrors);
  notifyError(error, unplaced);
}
