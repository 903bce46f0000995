import { fieldOf } from "../api/errors";

/**
 * The form field that shows a server problem at `path` ("body.x.y"): the path itself when the form has it,
 * its parent array when the array holds plain values (a tags input shows "values", not "values.0"), or
 * null when no field of the form matches (the message then goes in the notification).
 */
export function displayedField(values: unknown, path: string): string | null {
  const field = fieldOf(path);
  if (!field) return null;
  let cur: unknown = values;
  const keys = field.split(".");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (Array.isArray(cur) && cur.every((v) => v === null || typeof v !== "object")) return keys.slice(0, i).join(".");
    if (cur === null || typeof cur !== "object" || !(key in (cur as Record<string, unknown>))) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return field;
}
