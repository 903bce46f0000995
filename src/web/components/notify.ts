import { notifications } from "@mantine/notifications";
import { ApiError } from "../api/errors";
import i18n from "../i18n";

export function notifySuccess(message: string): void {
  notifications.show({ color: "teal", title: i18n.t("common.done"), message });
}

/** Shows a failure: the server's translated message, plus any field problems no form field displays. */
export function notifyError(error: unknown, extra: string[] = []): void {
  const message = error instanceof ApiError ? error.message : i18n.t("errors.unexpected");
  notifications.show({
    color: "red",
    title: i18n.t("common.failed"),
    message: [message, ...extra].join(" "),
    autoClose: 8000,
  });
}
