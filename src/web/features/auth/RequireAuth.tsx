import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorState, PageLoader } from "../../components/PageState";
import { useSession, useSetupStatus } from "./session";

/** Renders its children for a signed-in user; otherwise sends to first-run setup or the sign-in page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const setup = useSetupStatus();
  const location = useLocation();
  if (session.isPending || setup.isPending) return <PageLoader />;
  if (setup.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** The signed-in session; only call below RequireAuth. */
export function useCurrentSession() {
  const { data } = useSession();
  if (!data) throw new Error("useCurrentSession outside RequireAuth");
  return data;
}
