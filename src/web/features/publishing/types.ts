/**
 * The publishing resources as the UI uses them (camelCase, as every Relais API answers). Kept beside
 * `paths.ts`; when `schema.d.ts` has the publishing schemas these become aliases of them.
 */

// One definition of the statuses: the database schema's (type-only import, erased from the bundle).
import type { PostStatus, TargetStatus } from "../../../db/schema";
import type { NetworkId } from "../../../shared/networks/profiles";

export type { PostStatus, TargetStatus };

export interface NetworkInfo {
  id: NetworkId | string;
  label: string;
  /** A connector exists: accounts can be connected and published to. */
  connectable: boolean;
  publishable: boolean;
  /** The connect form: one field per entry; labelKey is an i18n key under accounts.fields. */
  connectFields: {
    name: string;
    type: "url" | "text" | "password" | "boolean";
    required: boolean;
    labelKey: string;
    placeholder?: string;
  }[];
}

export interface SocialAccount {
  id: string;
  network: NetworkId | string;
  displayName: string;
  handle: string | null;
  avatarUrl?: string | null;
  settings?: Record<string, unknown>;
  status: "active" | "reconnect_needed" | "disabled";
  statusReason: string | null;
  statusChangedAt?: string | null;
  lastCheckedAt: string | null;
  createdAt: string;
}

export interface Media {
  id: string;
  kind: "image" | "video" | "gif";
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  name: string;
  altText: string;
  fileUrl: string;
  thumbnailUrl: string | null;
  createdAt?: string;
}

export interface DraftCheckIssue {
  severity: "error" | "warning";
  code: string;
  params: Record<string, string | number>;
  mediaIndex?: number;
  message: string;
}

export interface PostTarget {
  id: string;
  accountId: string;
  accountName: string;
  network: string;
  /** Null: the base text/media apply. */
  body: string | null;
  mediaIds: string[] | null;
  options?: Record<string, unknown>;
  status: TargetStatus | string;
  attempts?: number;
  externalUrl: string | null;
  publishedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  check?: { network: string; length: number; max: number; ok: boolean; issues: DraftCheckIssue[] };
}

export interface Campaign {
  id: string;
  name: string;
  color: string;
}

export interface Tag {
  id: string;
  name: string;
  color: string;
}

export interface Post {
  id: string;
  status: PostStatus;
  body: string;
  linkUrl: string | null;
  mediaIds: string[];
  options?: Record<string, unknown>;
  campaign: Campaign | null;
  tags: Tag[];
  scheduledAt: string | null;
  scheduledLocal: string | null;
  scheduledTz: string | null;
  /** The planned time of a post not scheduled yet (draft … approved), in the workspace zone. */
  planned?: { at: string; local: string } | null;
  version: number;
  createdBy?: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
  commentsCount?: number;
  targets: PostTarget[];
}

/** POST …/schedule answers the post and how a DST day moved the wall-clock time. */
export interface ScheduleResult {
  post: Post;
  adjusted: "none" | "gap" | "overlap";
  warning: string | null;
}

export interface MoveResult {
  postId: string;
  version: number;
  previous: { scheduledAt: string | null; local: string | null };
  current: { scheduledAt: string; local: string };
  adjusted: "none" | "gap" | "overlap";
}

/** One post (or future occurrence of a series) in the calendar range. */
export interface CalendarEntry {
  postId: string;
  key: string;
  status: PostStatus;
  /** Not scheduled yet: shown at its planned time. */
  planned: boolean;
  excerpt: string;
  linkUrl: string | null;
  scheduledAt: string;
  scheduledLocal: string;
  timezone: string;
  campaign: Campaign | null;
  tags: Tag[];
  targets: {
    id: string;
    accountId: string;
    accountName: string;
    handle: string | null;
    network: string;
    status: string;
    externalUrl: string | null;
    publishedAt: string | null;
    /** A failed, missed or unconfirmed target: our explanation and the network's words. */
    error?: { code: string | null; explanation: string | null; message: string | null } | null;
  }[];
  recurrence: string | null;
  evergreen: boolean;
  version: number;
  occurrence: { seriesId: string } | null;
  parentId: string | null;
}

export interface PostEvent {
  id: string;
  actorLabel: string;
  fromStatus: string | null;
  toStatus: string;
  targetId?: string | null;
  detail?: Record<string, unknown>;
  createdAt: string;
}

export interface PostComment {
  id: string;
  authorName: string;
  body: string;
  kind: "comment" | "approval" | "changes_requested";
  createdAt: string;
}

export interface ApprovalLink {
  id: string;
  url: string;
  expiresAt: string;
}

/** GET /api/approvals/:token: what the client sees, no account needed. */
export interface ApprovalView {
  workspaceName: string;
  timezone: string;
  reviewerName: string | null;
  expiresAt: string;
  post: {
    id: string;
    status: string;
    body: string;
    linkUrl: string | null;
    scheduledAt: string | null;
    scheduledLocal: string | null;
    media: { id: string; kind: string; altText: string; url: string }[];
    targets: { accountName: string; network: string; body: string; mediaIds: string[] }[];
  };
  comments: PostComment[];
}

export interface AppNotification {
  id: string;
  workspaceId: string | null;
  kind: string;
  title: string;
  body: string;
  url: string | null;
  postId: string | null;
  read: boolean;
  createdAt: string;
}

export interface ImportIssue {
  column: string | null;
  code: string;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  valid: boolean;
  status: "scheduled" | "draft";
  created: number;
  postIds: string[];
  rows: { line: number; ok: boolean; errors: ImportIssue[]; warnings: ImportIssue[] }[];
}
