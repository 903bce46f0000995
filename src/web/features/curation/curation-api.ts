import { useQuery } from "@tanstack/react-query";
import { call } from "../publishing/http";

/**
 * Curation and press review calls. Shapes mirror the server's zod schemas (src/modules/curation/
 * curation.schema.ts: CurationTopic, CurationEntry, PressReview…); the untyped `call` helper keeps this
 * feature independent of the generated schema file other features regenerate concurrently.
 */
export interface Topic {
  id: string;
  name: string;
  slug: string;
  description: string;
  isPublic: boolean;
  publicUrl: string | null;
  feedUrls: { rss: string; json: string } | null;
  entryCount: number;
  lastSavedAt: string | null;
  createdAt: string;
}

export interface Entry {
  id: string;
  topicId: string;
  feedItemId: string | null;
  url: string;
  title: string;
  description: string;
  imageUrl: string | null;
  sourceName: string;
  insight: string;
  tags: string[];
  position: number;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  fetchError?: string | null;
}

export interface LinkPreview {
  url: string;
  title: string | null;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  publishedAt: string | null;
}

export interface ReviewItem {
  entryId: string | null;
  url: string;
  title: string;
  description: string;
  imageUrl: string | null;
  source: string;
  comment: string;
}

export type ReviewStatus = "draft" | "sending" | "sent" | "failed";

export interface Review {
  id: string;
  topicId: string | null;
  topicName: string | null;
  scheduled: boolean;
  title: string;
  intro: string;
  periodStart: string;
  periodEnd: string;
  items: ReviewItem[];
  status: ReviewStatus;
  recipients: string[];
  sentAt: string | null;
  sendError: string | null;
  publicUrl: string | null;
  createdAt: string;
}

export type ReviewSummary = Omit<Review, "items" | "intro"> & { itemCount: number };

export interface Rendered {
  subject: string;
  html: string;
  text: string;
  markdown: string;
}

export interface Schedule {
  topicId: string;
  weekday: number;
  time: string;
  timezone: string;
  recipients: string[];
  title: string;
  intro: string;
  enabled: boolean;
  nextRunAt: string;
  lastRunAt: string | null;
}

const ws = (w: string) => `/api/workspaces/${w}`;
export const paths = {
  topics: (w: string) => `${ws(w)}/topics`,
  topic: (w: string, t: string) => `${ws(w)}/topics/${t}`,
  entries: (w: string, t: string) => `${ws(w)}/topics/${t}/entries`,
  entry: (w: string, t: string, e: string) => `${ws(w)}/topics/${t}/entries/${e}`,
  preview: (w: string) => `${ws(w)}/link-preview`,
  reviews: (w: string) => `${ws(w)}/reviews`,
  review: (w: string, r: string) => `${ws(w)}/reviews/${r}`,
  schedule: (w: string, t: string) => `${ws(w)}/topics/${t}/review-schedule`,
};

export const keys = {
  topics: (w: string) => ["workspaces", w, "curation", "topics"] as const,
  topic: (w: string, t: string) => ["workspaces", w, "curation", "topics", t] as const,
  entries: (w: string, t: string) => ["workspaces", w, "curation", "topics", t, "entries"] as const,
  reviews: (w: string) => ["workspaces", w, "curation", "reviews"] as const,
  review: (w: string, r: string) => ["workspaces", w, "curation", "reviews", r] as const,
  schedule: (w: string, t: string) => ["workspaces", w, "curation", "schedule", t] as const,
};

export const useTopics = (w: string) =>
  useQuery({ queryKey: keys.topics(w), queryFn: () => call<Topic[]>("GET", paths.topics(w)) });

export const useTopic = (w: string, t: string) =>
  useQuery({ queryKey: keys.topic(w, t), queryFn: () => call<Topic>("GET", paths.topic(w, t)) });

export const useEntries = (w: string, t: string) =>
  useQuery({ queryKey: keys.entries(w, t), queryFn: () => call<Entry[]>("GET", paths.entries(w, t)) });

export const useReviews = (w: string) =>
  useQuery({ queryKey: keys.reviews(w), queryFn: () => call<ReviewSummary[]>("GET", paths.reviews(w)) });

export const useReview = (w: string, r: string) =>
  useQuery({ queryKey: keys.review(w, r), queryFn: () => call<Review>("GET", paths.review(w, r)) });

/** The topic's weekly schedule, or null when there is none (the server answers 404). */
export const useSchedule = (w: string, t: string | null) =>
  useQuery({
    queryKey: keys.schedule(w, t ?? "none"),
    enabled: t !== null,
    queryFn: async () => {
      try {
        return await call<Schedule>("GET", paths.schedule(w, t as string));
      } catch (err) {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      }
    },
  });

/** The composer, prefilled with the link and the insight ("Share"). */
export function shareUrl(w: string, entry: Pick<Entry, "url" | "insight" | "title">): string {
  const text = entry.insight.trim() || entry.title;
  return `/w/${w}/calendar/new?${new URLSearchParams({ text, link: entry.url }).toString()}`;
}

/**
 * The bookmarklet: opens Relais' save page with the current page's address and title. Built as a string
 * and set on the link by hand (React refuses javascript: URLs in href).
 */
export function bookmarklet(origin: string, w: string): string {
  const target = `${origin}/w/${w}/curation/save`;
  return `javascript:(function(){window.open(${JSON.stringify(target)}+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title),'relais-save','width=760,height=760')})();`;
}
