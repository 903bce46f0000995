import i18n from "../../i18n";

/** Client-side hint matching the server's rule (10 characters at least); the server stays the judge. */
export function minPassword(value: string): string | null {
  return value.length >= 10 ? null : i18n.t("fields.passwordTooShort");
}

export function required(value: string): string | null {
  return value.trim() ? null : i18n.t("fields.required");
}
