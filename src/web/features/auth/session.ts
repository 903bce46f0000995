import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, setCsrfToken, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import type { Session } from "../../api/types";
import { applyLanguage, hasStoredLanguage } from "../../i18n";

export const sessionKey = ["session"] as const;
export const setupKey = ["auth", "setup"] as const;

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await unwrap(api.GET("/api/auth/session"));
    setCsrfToken(session.csrfToken);
    if (!hasStoredLanguage()) await applyLanguage(session.user.locale, false);
    return session;
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      setCsrfToken("");
      return null;
    }
    throw e;
  }
}

/** The signed-in user and CSRF token, or null when signed out. */
export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: Number.POSITIVE_INFINITY, retry: 1 });
}

/** Whether the owner account still has to be created (first run). */
export function useSetupStatus() {
  return useQuery({
    queryKey: setupKey,
    queryFn: () => unwrap(api.GET("/api/auth/setup")),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** After setup, login or accepting an invitation: keep the CSRF token, adopt the account's language. */
export async function startSession(queryClient: QueryClient, session: Session): Promise<void> {
  setCsrfToken(session.csrfToken);
  await applyLanguage(session.user.locale);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
  queryClient.setQueryData(sessionKey, session);
  queryClient.setQueryData(setupKey, { needsSetup: false });
}

/** Signs out of this session and forgets everything cached. */
export function useLogout() {
  const queryClient = useQueryClient();
  return async () => {
    try {
      await unwrap(api.POST("/api/auth/logout"));
    } finally {
      setCsrfToken("");
      queryClient.clear();
      queryClient.setQueryData(sessionKey, null);
    }
  };
}
