import { lazy, type ReactNode, Suspense } from "react";
import { createBrowserRouter, Navigate, Outlet } from "react-router";
import { PageLoader } from "../components/PageState";
import { AccountPage } from "../features/account/AccountPage";
import { PasswordPage } from "../features/account/PasswordPage";
import { ApprovalPage } from "../features/approvals/ApprovalPage";
import { LoginPage } from "../features/auth/LoginPage";
import { RequireAuth } from "../features/auth/RequireAuth";
import { SetupPage } from "../features/auth/SetupPage";
import { InvitationPage } from "../features/invitations/InvitationPage";
import { ComingSoonPage } from "../features/modules/ComingSoonPage";
import { DEFAULT_MODULE } from "../features/modules/modules";
import { AuditTab } from "../features/settings/AuditTab";
import { BrandBookTab } from "../features/settings/BrandBookTab";
import { CompetitorsTab } from "../features/settings/CompetitorsTab";
import { DangerZoneTab } from "../features/settings/DangerZoneTab";
import { MembersTab } from "../features/settings/MembersTab";
import { ProfileTab } from "../features/settings/ProfileTab";
import { SettingsLayout } from "../features/settings/SettingsLayout";
import { AppLayout } from "../features/shell/AppLayout";
import { HomeRedirect } from "../features/workspaces/HomeRedirect";
import { WelcomePage } from "../features/workspaces/WelcomePage";
import { WorkspaceLayout } from "../features/workspaces/WorkspaceLayout";
import { NotFoundPage } from "./NotFoundPage";

// The heavy pages (FullCalendar, the composer) load on first use: the first load stays light.
const CalendarPage = lazy(() => import("../features/calendar/CalendarPage"));
const ComposerPage = lazy(() => import("../features/composer/ComposerPage"));
const AccountsPage = lazy(() => import("../features/accounts/AccountsPage"));
const AccountDetailPage = lazy(() => import("../features/accounts/AccountDetailPage"));
const CurationPage = lazy(() => import("../features/curation/CurationPage"));
const TopicPage = lazy(() => import("../features/curation/TopicPage"));
const SaveLinkPage = lazy(() => import("../features/curation/SaveLinkPage"));
const ReviewsPage = lazy(() => import("../features/curation/ReviewsPage"));
const ReviewPage = lazy(() => import("../features/curation/ReviewPage"));
const AlertsPage = lazy(() => import("../features/veille/alerts/AlertsPage"));
const VeillePage = lazy(() => import("../features/veille/reader/VeillePage"));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoader />}>{children}</Suspense>;
}

/** Every page of the web UI. Workspace pages live under /w/:workspaceId/. */
export const router = createBrowserRouter([
  { path: "/setup", element: <SetupPage /> },
  { path: "/login", element: <LoginPage /> },
  { path: "/invite/:token", element: <InvitationPage /> },
  { path: "/approve/:token", element: <ApprovalPage /> },
  {
    element: (
      <RequireAuth>
        <Outlet />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <HomeRedirect /> },
      {
        element: <AppLayout />,
        children: [
          { path: "welcome", element: <WelcomePage /> },
          { path: "account", element: <AccountPage /> },
          { path: "account/password", element: <PasswordPage /> },
          {
            path: "w/:workspaceId",
            element: <WorkspaceLayout />,
            children: [
              { index: true, element: <Navigate to={DEFAULT_MODULE} replace /> },
              {
                path: "settings",
                element: <SettingsLayout />,
                children: [
                  { index: true, element: <Navigate to="profile" replace /> },
                  { path: "profile", element: <ProfileTab /> },
                  { path: "brand", element: <BrandBookTab /> },
                  { path: "competitors", element: <CompetitorsTab /> },
                  { path: "members", element: <MembersTab /> },
                  { path: "audit", element: <AuditTab /> },
                  { path: "danger", element: <DangerZoneTab /> },
                ],
              },
              {
                path: "calendar",
                element: (
                  <Lazy>
                    <CalendarPage />
                  </Lazy>
                ),
              },
              {
                path: "calendar/new",
                element: (
                  <Lazy>
                    <ComposerPage />
                  </Lazy>
                ),
              },
              {
                path: "calendar/posts/:postId",
                element: (
                  <Lazy>
                    <ComposerPage />
                  </Lazy>
                ),
              },
              {
                path: "connectors",
                element: (
                  <Lazy>
                    <AccountsPage />
                  </Lazy>
                ),
              },
              {
                path: "connectors/:accountId",
                element: (
                  <Lazy>
                    <AccountDetailPage />
                  </Lazy>
                ),
              },
              {
                path: "curation",
                element: (
                  <Lazy>
                    <CurationPage />
                  </Lazy>
                ),
              },
              {
                path: "curation/topics/:topicId",
                element: (
                  <Lazy>
                    <TopicPage />
                  </Lazy>
                ),
              },
              {
                path: "curation/save",
                element: (
                  <Lazy>
                    <SaveLinkPage />
                  </Lazy>
                ),
              },
              {
                path: "curation/reviews",
                element: (
                  <Lazy>
                    <ReviewsPage />
                  </Lazy>
                ),
              },
              {
                path: "curation/reviews/:reviewId",
                element: (
                  <Lazy>
                    <ReviewPage />
                  </Lazy>
                ),
              },
              {
                path: "veille",
                element: (
                  <Lazy>
                    <VeillePage />
                  </Lazy>
                ),
              },
              {
                path: "veille/alerts",
                element: (
                  <Lazy>
                    <AlertsPage />
                  </Lazy>
                ),
              },
              { path: ":module", element: <ComingSoonPage /> },
            ],
          },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
