import type { UseFormReturnType } from "@mantine/form";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { notifySuccess } from "./notify";
import { showServerErrors } from "./server-errors";

interface SubmitOptions<TValues, TResult> {
  /** Notification shown on success (none when omitted). */
  success?: string | ((result: TResult) => string);
  onSuccess?: (result: TResult, values: TValues) => void | Promise<void>;
}

/**
 * Wires a Mantine form to an API call: client validation, pending state, server field errors next to
 * their fields, and success/failure notifications. Every form in the UI submits through this hook.
 */
export function useSubmit<TValues, TResult>(
  form: UseFormReturnType<TValues>,
  action: (values: TValues) => Promise<TResult>,
  options: SubmitOptions<TValues, TResult> = {},
) {
  const mutation = useMutation({
    mutationFn: action,
    onSuccess: async (result, values) => {
      if (options.success) {
        notifySuccess(typeof options.success === "function" ? options.success(result) : options.success);
      }
      await options.onSuccess?.(result, values);
    },
    onError: (error) => showServerErrors(error, form),
  });
  const onSubmit = (event?: FormEvent<HTMLFormElement>) => {
    form.onSubmit((values) => {
      form.clearErrors();
      mutation.mutate(values);
    })(event);
  };
  return { onSubmit, submitting: mutation.isPending, result: mutation.data, reset: mutation.reset };
}
