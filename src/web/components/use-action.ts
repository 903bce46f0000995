import { useMutation } from "@tanstack/react-query";
import { notifySuccess } from "./notify";
import { showServerErrors } from "./server-errors";

/** A button-driven API call (delete, revoke, change role…) with the same notifications as forms. */
export function useAction<TArg, TResult>(
  action: (arg: TArg) => Promise<TResult>,
  options: { success?: string; onSuccess?: (result: TResult, arg: TArg) => void | Promise<void> } = {},
) {
  return useMutation({
    mutationFn: action,
    onSuccess: async (result, arg) => {
      if (options.success) notifySuccess(options.success);
      await options.onSuccess?.(result, arg);
    },
    onError: (error) => showServerErrors(error),
  });
}
