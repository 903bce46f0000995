/**
 * The publishing resources as the UI uses them: aliases of the types generated from the server's OpenAPI
 * document (`npm run gen:api` → src/web/api/schema.d.ts), so a change of a route's schema shows up here
 * as a type error instead of a silent mismatch. Only what the document cannot say is written by hand.
 */

// One definition of the statuses: the database schema's (type-only import, erased from the bundle).
import type { PostStatus, TargetStatus } from "../../../db/schema";
import type { components } from "../../api/schema";
import type { ResponseBody } from "../../api/types";

export type { PostStatus, TargetStatus };

type Schemas = components["schemas"];

export type NetworkInfo = Schemas["Network"];
export type SocialAccount = Schemas["SocialAccount"];
export type Media = Schemas["Media"];
export type MediaRendition = Schemas["MediaRendition"];
export type Campaign = Schemas["Campaign"];
export type Tag = Schemas["Tag"];
export type DraftCheck = Schemas["DraftCheck"];
export type DraftCheckIssue = DraftCheck["issues"][number];
export type PostTarget = Schemas["PostTarget"];
export type Post = Schemas["Post"];
export type PostComment = Schemas["PostComment"];
export type PostEvent = Schemas["PostEvent"];
export type MoveResult = Schemas["MoveResult"];
export type CalendarEntry = Schemas["CalendarEntry"];
export type CalendarRange = Schemas["CalendarRange"];
export type ApprovalView = Schemas["ApprovalView"];
export type AppNotification = Schemas["Notification"];
export type ImportReport = Schemas["CsvImportReport"];
export type ImportIssue = ImportReport["rows"][number]["errors"][number];

/** POST …/schedule answers the post and how a DST day moved the wall-clock time. */
export type ScheduleResult = ResponseBody<"/api/workspaces/{workspaceId}/posts/{postId}/schedule", "post", 200>;
/** POST …/approval-links answers the link, shown once. */
export type ApprovalLink = ResponseBody<"/api/workspaces/{workspaceId}/posts/{postId}/approval-links", "post", 201>;
