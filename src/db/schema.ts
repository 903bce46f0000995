import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * Table types for Kysely. Kept by hand beside the migrations (src/db/migrations); the schema test
 * compares them with the live database so they cannot drift.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default (now()). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T, string | T>;
/** A jsonb column with a database default: may be left out on insert. */
type JsonDefault<T> = ColumnType<T, string | T | undefined, string | T>;

export type Role = "owner" | "manager" | "editor" | "reviewer" | "viewer";
export type Locale = "fr" | "en";

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  locale: Locale;
  is_owner: Generated<boolean>;
  can_create_workspaces: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie value
  user_id: string;
  csrf_token: string;
  user_agent: string | null;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: DefaultTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  timezone: string;
  locale: Locale;
  description: Generated<string>;
  brand_values: Json<string[]>;
  tone_of_voice: Generated<string>;
  speaking_charter: Generated<string>;
  moderation_charter: Generated<string>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  approval_required: Generated<boolean>;
  missed_grace_minutes: Generated<number>;
  crisis_paused_at: Timestamp | null;
  crisis_paused_by: string | null;
  crisis_reason: string | null;
  ical_token_hash: string | null;
}

export interface CompetitorHandle {
  network: string;
  handle: string;
}

export interface CompetitorsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  website: string | null;
  handles: Json<CompetitorHandle[]>;
  notes: Generated<string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: DefaultTimestamp;
}

export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  workspace_id: string | null;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  data: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
}

export type AccountStatus = "active" | "reconnect_needed" | "disabled";

export interface SocialAccountsTable {
  id: Generated<string>;
  workspace_id: string;
  network: string;
  display_name: string;
  handle: string | null;
  external_id: string | null;
  avatar_url: string | null;
  settings: Json<Record<string, unknown>>;
  credentials_enc: string | null;
  status: Generated<AccountStatus>;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  last_checked_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** Interactions sync (migration 0005): paging cursor, wait after a rate limit, last success and error. */
  sync_cursor: string | null;
  sync_not_before: Timestamp | null;
  sync_lease_until: Timestamp | null;
  last_synced_at: Timestamp | null;
  last_sync_error: string | null;
  last_sync_error_at: Timestamp | null;
}

export interface CampaignsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  color: Generated<string>;
  description: Generated<string>;
  starts_on: string | null;
  ends_on: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface TagsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  color: Generated<string>;
  created_at: DefaultTimestamp;
}

export interface MediaTable {
  id: Generated<string>;
  workspace_id: string;
  kind: "image" | "video";
  mime_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  sha256: string;
  original_name: Generated<string>;
  alt_text: Generated<string>;
  storage_key: string;
  thumb_key: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export type RenditionPreset = "1:1" | "4:5" | "1.91:1" | "9:16" | "original";

export interface MediaRenditionsTable {
  id: Generated<string>;
  workspace_id: string;
  media_id: string;
  preset: RenditionPreset;
  crop: Json<{ x: number; y: number; width: number; height: number }> | null;
  storage_key: string;
  width: number;
  height: number;
  size_bytes: number;
  created_at: DefaultTimestamp;
}

export type PostStatus =
  | "draft"
  | "in_review"
  | "changes_requested"
  | "approved"
  | "scheduled"
  | "publishing"
  | "published"
  | "partially_published"
  | "failed"
  | "unconfirmed"
  | "missed"
  | "cancelled";

export type TargetStatus =
  | "pending"
  | "scheduled"
  | "publishing"
  | "published"
  | "failed"
  | "unconfirmed"
  | "missed"
  | "cancelled";

export interface PostsTable {
  id: Generated<string>;
  workspace_id: string;
  status: Generated<PostStatus>;
  body: Generated<string>;
  link_url: string | null;
  media_ids: Json<string[]>;
  options: Json<Record<string, unknown>>;
  scheduled_at: Timestamp | null;
  scheduled_local: string | null;
  scheduled_tz: string | null;
  campaign_id: string | null;
  recurrence: string | null;
  recurrence_parent_id: string | null;
  evergreen: Generated<boolean>;
  evergreen_min_gap_days: number | null;
  last_published_at: Timestamp | null;
  version: Generated<number>;
  created_by: string | null;
  updated_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PostTagsTable {
  workspace_id: string;
  post_id: string;
  tag_id: string;
}

export interface PostTargetsTable {
  id: Generated<string>;
  workspace_id: string;
  post_id: string;
  account_id: string;
  body: string | null;
  media_ids: Json<string[]> | null;
  options: Json<Record<string, unknown>>;
  status: Generated<TargetStatus>;
  idempotency_key: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  lease_expires_at: Timestamp | null;
  external_id: string | null;
  external_url: string | null;
  published_at: Timestamp | null;
  error_code: string | null;
  error_message: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** External ids of a published thread's later parts (migration 0005); the first part's is external_id. */
  thread_external_ids: Json<string[]> | null;
  /** When the published copy was deleted from the network, and by whom (migration 0012). */
  removed_at: Timestamp | null;
  removed_by: string | null;
  /** The latest metric snapshot, kept with the snapshots (migration 0014); takenAt as an ISO instant. */
  latest_metrics: Json<LatestMetrics> | null;
}

export interface LatestMetrics {
  takenAt: string;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
}

export interface PostCommentsTable {
  id: Generated<string>;
  workspace_id: string;
  post_id: string;
  author_user_id: string | null;
  author_name: string;
  body: string;
  kind: Generated<"comment" | "approval" | "changes_requested">;
  created_at: DefaultTimestamp;
}

export interface PostEventsTable {
  id: Generated<string>;
  workspace_id: string;
  post_id: string;
  target_id: string | null;
  actor_user_id: string | null;
  actor_label: string;
  from_status: string | null;
  to_status: string;
  detail: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
}

export interface ApprovalLinksTable {
  id: Generated<string>;
  workspace_id: string;
  post_id: string;
  token_hash: string;
  reviewer_name: string | null;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: DefaultTimestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface PostingSlotsTable {
  id: Generated<string>;
  workspace_id: string;
  account_id: string;
  weekday: number;
  local_time: string;
  created_at: DefaultTimestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  workspace_id: string | null;
  user_id: string;
  kind: string;
  data: Json<Record<string, unknown>>;
  read_at: Timestamp | null;
  emailed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface CurationTopicsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  slug: string;
  description: Generated<string>;
  is_public: Generated<boolean>;
  public_token: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CurationEntriesTable {
  id: Generated<string>;
  workspace_id: string;
  topic_id: string;
  feed_item_id: string | null;
  url: string;
  title: string;
  description: Generated<string>;
  image_url: string | null;
  source_name: Generated<string>;
  insight: Generated<string>;
  tags: JsonDefault<string[]>;
  position: number;
  published_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PressReviewItem {
  entryId: string | null;
  url: string;
  title: string;
  description: string;
  imageUrl: string | null;
  source: string;
  comment: string;
}

export type PressReviewStatus = "draft" | "sending" | "sent" | "failed";

export interface PressReviewsTable {
  id: Generated<string>;
  workspace_id: string;
  topic_id: string | null;
  schedule_id: string | null;
  title: string;
  intro: Generated<string>;
  period_start: Timestamp;
  period_end: Timestamp;
  items: JsonDefault<PressReviewItem[]>;
  status: ColumnType<PressReviewStatus, PressReviewStatus | undefined, PressReviewStatus>;
  recipients: JsonDefault<string[]>;
  sent_at: Timestamp | null;
  sent_by: string | null;
  send_error: string | null;
  public_token: string | null;
  published_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export type InteractionKind = "reply" | "mention" | "quote" | "repost" | "like" | "follow";

/** An interaction read from a network (migration 0005); unique per (account_id, kind, external_id). */
export interface InteractionsTable {
  id: Generated<string>;
  workspace_id: string;
  account_id: string;
  post_target_id: string | null;
  kind: InteractionKind;
  external_id: string;
  subject_external_id: string | null;
  author_external_id: string | null;
  author_handle: string | null;
  author_name: string | null;
  author_avatar_url: string | null;
  text: string | null;
  url: string | null;
  occurred_at: Timestamp;
  created_at: DefaultTimestamp;
  read_at: Timestamp | null;
  handled_at: Timestamp | null;
  handled_by: string | null;
}

/** Counters of a published target at a moment; rows are only inserted (migration 0005). */
export interface PostMetricSnapshotsTable {
  id: Generated<string>;
  workspace_id: string;
  post_target_id: string;
  taken_at: DefaultTimestamp;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
}

export interface AccountMetricSnapshotsTable {
  id: Generated<string>;
  workspace_id: string;
  account_id: string;
  taken_at: DefaultTimestamp;
  followers: number | null;
  following: number | null;
  posts: number | null;
}

export interface PressReviewSchedulesTable {
  id: Generated<string>;
  workspace_id: string;
  topic_id: string;
  weekday: number;
  local_time: string;
  recipients: JsonDefault<string[]>;
  title: string;
  intro: Generated<string>;
  enabled: Generated<boolean>;
  next_run_at: Timestamp;
  last_run_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface FeedFoldersTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  position: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface FeedsTable {
  id: Generated<string>;
  workspace_id: string;
  folder_id: string | null;
  url: string;
  site_url: string | null;
  title: Generated<string>;
  description: Generated<string>;
  language: string | null;
  format: string | null;
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: Timestamp | null;
  last_new_item_at: Timestamp | null;
  next_fetch_at: DefaultTimestamp;
  interval_seconds: Generated<number>;
  error_count: Generated<number>;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: Timestamp | null;
  gone_at: Timestamp | null;
  fetch_full_text: Generated<boolean>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface FeedEnclosureJson {
  url: string;
  type: string | null;
  length: number | null;
}

export interface FeedItemsTable {
  id: Generated<string>;
  workspace_id: string;
  feed_id: string;
  story_id: string | null;
  guid: string;
  link: string | null;
  content_hash: string;
  title: Generated<string>;
  summary: Generated<string>;
  content: Generated<string>;
  full_text: string | null;
  author: string | null;
  categories: Json<string[]>;
  enclosures: Json<FeedEnclosureJson[]>;
  image_url: string | null;
  language: string | null;
  published_at: Timestamp;
  fetched_at: DefaultTimestamp;
  story_bands: ColumnType<number[], number[] | undefined, number[]>;
  /** tsvector, written with SQL (to_tsvector) only. */
  search: ColumnType<string, unknown, unknown>;
}

export interface StoriesTable {
  id: Generated<string>;
  workspace_id: string;
  title: string;
  lead_item_id: string | null;
  first_seen_at: DefaultTimestamp;
  item_count: Generated<number>;
}

export interface FeedItemStatesTable {
  workspace_id: string;
  user_id: string;
  item_id: string;
  read_at: Timestamp | null;
  starred_at: Timestamp | null;
}

export interface VeilleSettingsTable {
  workspace_id: string;
  retention_days: Generated<number>;
  updated_at: DefaultTimestamp;
}

export type AlertEmailMode = "none" | "immediate" | "daily" | "weekly";
export type AlertDigestStatus = "pending" | "sending" | "sent" | "failed" | "empty";

/** Alerts (migration 0007, docs/ALERTS.md). */
export interface AlertsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  query: string;
  enabled: Generated<boolean>;
  search_feeds: Generated<boolean>;
  search_networks: Generated<boolean>;
  notify_in_app: Generated<boolean>;
  email_mode: ColumnType<AlertEmailMode, AlertEmailMode | undefined, AlertEmailMode>;
  email_recipients: ColumnType<string[], string | string[] | undefined, string | string[]>;
  digest_time: Generated<string>;
  digest_weekday: Generated<number>;
  next_digest_at: Timestamp | null;
  webhook_url: string | null;
  webhook_secret_enc: string | null;
  preset: string | null;
  competitor_id: string | null;
  feed_checked_at: DefaultTimestamp;
  network_checked_at: DefaultTimestamp;
  /** A delivery that failed for good (alerts.delivery.ts). */
  last_error: string | null;
  last_error_at: Timestamp | null;
  /** The last network search's error, cleared by the next successful search (migration 0015). */
  network_error: string | null;
  network_error_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AlertDigestsTable {
  id: Generated<string>;
  workspace_id: string;
  alert_id: string;
  period_end: Timestamp;
  status: ColumnType<AlertDigestStatus, AlertDigestStatus | undefined, AlertDigestStatus>;
  match_count: Generated<number>;
  error: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

export interface AlertMatchesTable {
  id: Generated<string>;
  workspace_id: string;
  alert_id: string;
  source_key: string;
  kind: "feed_item" | "network_post";
  feed_item_id: string | null;
  account_id: string | null;
  network: string | null;
  title: Generated<string>;
  excerpt: Generated<string>;
  url: string | null;
  source_name: Generated<string>;
  author: string | null;
  language: string | null;
  published_at: Timestamp;
  matched_at: DefaultTimestamp;
  seen_at: Timestamp | null;
  notified_at: Timestamp | null;
  digest_id: string | null;
}

export type AlertDeliveryChannel = "email" | "webhook" | "digest";
export type AlertDeliveryStatus = "pending" | "sending" | "sent" | "failed" | "cancelled";

/** The delivery outbox of alert notifications (migration 0011, docs/ALERTS.md). */
export interface AlertDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  alert_id: string;
  channel: AlertDeliveryChannel;
  /** The e-mail address (email, digest); null for a webhook. */
  recipient: string | null;
  /** The matches an immediate e-mail or webhook lists (a digest's are those with its digest_id). */
  match_ids: ColumnType<string[], string | string[] | undefined, string | string[]>;
  digest_id: string | null;
  status: ColumnType<AlertDeliveryStatus, AlertDeliveryStatus | undefined, AlertDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  workspaces: WorkspacesTable;
  competitors: CompetitorsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
  social_accounts: SocialAccountsTable;
  interactions: InteractionsTable;
  post_metric_snapshots: PostMetricSnapshotsTable;
  account_metric_snapshots: AccountMetricSnapshotsTable;
  campaigns: CampaignsTable;
  tags: TagsTable;
  media: MediaTable;
  media_renditions: MediaRenditionsTable;
  posts: PostsTable;
  post_tags: PostTagsTable;
  post_targets: PostTargetsTable;
  post_comments: PostCommentsTable;
  post_events: PostEventsTable;
  approval_links: ApprovalLinksTable;
  posting_slots: PostingSlotsTable;
  notifications: NotificationsTable;
  curation_topics: CurationTopicsTable;
  curation_entries: CurationEntriesTable;
  press_reviews: PressReviewsTable;
  press_review_schedules: PressReviewSchedulesTable;
  feed_folders: FeedFoldersTable;
  feeds: FeedsTable;
  feed_items: FeedItemsTable;
  stories: StoriesTable;
  feed_item_states: FeedItemStatesTable;
  veille_settings: VeilleSettingsTable;
  alerts: AlertsTable;
  alert_digests: AlertDigestsTable;
  alert_matches: AlertMatchesTable;
  alert_deliveries: AlertDeliveriesTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Workspace = Selectable<WorkspacesTable>;
export type WorkspaceUpdate = Updateable<WorkspacesTable>;
export type Competitor = Selectable<CompetitorsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
