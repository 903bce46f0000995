import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { setCsrfToken } from "../api/client";
import { isApiError } from "../api/errors";
import { sessionKey } from "../features/auth/session";

/** A session that expired while the page was open sends the user back to the sign-in page. */
function onApiError(error: unknown): void {
  if (isApiError(error) && error.status === 401 && queryClient.getQueryData(sessionKey)) {
    setCsrfToken("");
    queryClient.setQueryData(sessionKey, null);
  }
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});
