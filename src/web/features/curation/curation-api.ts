import { useQuery } from "@tanstack/react-query";
import { api, inWorkspace, unwrap } from "../../api/client";
import { isApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import type { RequestBody, ResponseBody } from "../../api/types";

/**
 * Curation and press review calls, typed from the OpenAPI document (`npm run gen:api` →
 * src/web/api/schema.d.ts): the shapes are aliases of the server's zod schemas (src/modules/curation/
 * curation.schema.ts) and openapi-fetch checks paths, bodies and answers.
 */
type Schemas = components["schemas"];

export type Topic = Schemas["CurationTopic"];
export type Entry = Schemas["CurationEntry"];
export type LinkPreview = Schemas["LinkPreview"];
export type ReviewItem = Schemas["PressReviewItem"];
export type Review = Schemas["PressReview"];
export type ReviewStatus = Review["status"];
export type Rendered = Schemas["PressReviewRendered"];
export type Schedule = Schemas["PressReviewSchedule"];

const TOPICS = "/api/workspaces/{workspaceId}/topics";
const TOPIC = "/api/workspaces/{workspaceId}/topics/{topicId}";
const ENTRIES = "/api/workspaces/{workspaceId}/topics/{topicId}/entries";
const ENTRY = "/api/workspaces/{workspaceId}/topics/{topicId}/entries/{entryId}";
const REVIEWS = "/api/workspaces/{workspaceId}/reviews";
const REVIEW = "/api/workspaces/{workspaceId}/reviews/{reviewId}";
const SCHEDULE = "/api/workspaces/{workspaceId}/topics/{topicId}/review-schedule";

/** A review in the history list: no items or intro, their count instead. */
export type ReviewSummary = ResponseBody<typeof REVIEWS, "get", 200>[number];

export const keys = {
  topics: (w: string) => ["workspaces", w, "curation", "topics"] as const,
  topic: (w: string, t: string) => ["workspaces", w, "curation", "topics", t] as const,
  entries: (w: string, t: string) => ["workspaces", w, "curation", "topics", t, "entries"] as const,
  reviews: (w: string) => ["workspaces", w, "curation", "reviews"] as const,
  review: (w: string, r: string) => ["workspaces", w, "curation", "reviews", r] as const,
  schedule: (w: string, t: string) => ["workspaces", w, "curation", "schedule", t] as const,
};

const onTopic = (workspaceId: string, topicId: string) => ({ params: { path: { workspaceId, topicId } } });
const onReview = (workspaceId: string, reviewId: string) => ({ params: { path: { workspaceId, reviewId } } });
const onEntry = (workspaceId: string, topicId: string, entryId: string) => ({
  params: { path: { workspaceId, topicId, entryId } },
});

export const useTopics = (w: string) =>
  useQuery({ queryKey: keys.topics(w), queryFn: () => unwrap(api.GET(TOPICS, inWorkspace(w))) });

export const useTopic = (w: string, t: string) =>
  useQuery({ queryKey: keys.topic(w, t), queryFn: () => unwrap(api.GET(TOPIC, onTopic(w, t))) });

export const useEntries = (w: string, t: string) =>
  useQuery({ queryKey: keys.entries(w, t), queryFn: () => unwrap(api.GET(ENTRIES, onTopic(w, t))) });

export const useReviews = (w: string) =>
  useQuery({ queryKey: keys.reviews(w), queryFn: () => unwrap(api.GET(REVIEWS, inWorkspace(w))) });

export const useReview = (w: string, r: string) =>
  useQuery({ queryKey: keys.review(w, r), queryFn: () => unwrap(api.GET(REVIEW, onReview(w, r))) });

/** The topic's weekly schedule, or null when there is none (the server answers 404). */
export const useSchedule = (w: string, t: string | null) =>
  useQuery({
    queryKey: keys.schedule(w, t ?? "none"),
    enabled: t !== null,
    queryFn: async () => {
      try {
        return await unwrap(api.GET(SCHEDULE, onTopic(w, t as string)));
      } catch (err) {
        if (isApiError(err) && err.status === 404) return null;
        throw err;
      }
    },
  });

export const topicActions = {
  create: (w: string, body: RequestBody<typeof TOPICS, "post">) =>
    unwrap(api.POST(TOPICS, { ...inWorkspace(w), body })),
  update: (w: string, t: string, body: RequestBody<typeof TOPIC, "patch">) =>
    unwrap(api.PATCH(TOPIC, { ...onTopic(w, t), body })),
  remove: (w: string, t: string) => unwrap(api.DELETE(TOPIC, onTopic(w, t))),
  /** A new public address (the old page and feeds stop answering). */
  regenerateToken: (w: string, t: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/topics/{topicId}/public-token", onTopic(w, t))),
  /** The page's title, description, image and site name, fetched by the server. */
  linkPreview: (w: string, url: string) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/link-preview", { ...inWorkspace(w), body: { url } })),
};

export const entryActions = {
  add: (w: string, t: string, body: RequestBody<typeof ENTRIES, "post">) =>
    unwrap(api.POST(ENTRIES, { ...onTopic(w, t), body })),
  update: (w: string, t: string, e: string, body: RequestBody<typeof ENTRY, "patch">) =>
    unwrap(api.PATCH(ENTRY, { ...onEntry(w, t, e), body })),
  remove: (w: string, t: string, e: string) => unwrap(api.DELETE(ENTRY, onEntry(w, t, e))),
  /** Puts the topic's entries in this order; answers the reordered list. */
  reorder: (w: string, t: string, entryIds: string[]) =>
    unwrap(
      api.PUT("/api/workspaces/{workspaceId}/topics/{topicId}/entries/order", { ...onTopic(w, t), body: { entryIds } }),
    ),
};

export const reviewActions = {
  create: (w: string, body: RequestBody<typeof REVIEWS, "post">) =>
    unwrap(api.POST(REVIEWS, { ...inWorkspace(w), body })),
  update: (w: string, r: string, body: RequestBody<typeof REVIEW, "patch">) =>
    unwrap(api.PATCH(REVIEW, { ...onReview(w, r), body })),
  render: (w: string, r: string) =>
    unwrap(api.GET("/api/workspaces/{workspaceId}/reviews/{reviewId}/render", onReview(w, r))),
  send: (w: string, r: string, body: RequestBody<"/api/workspaces/{workspaceId}/reviews/{reviewId}/send", "post">) =>
    unwrap(api.POST("/api/workspaces/{workspaceId}/reviews/{reviewId}/send", { ...onReview(w, r), body })),
  /** Publishes the review's public page, or takes it down. */
  publish: (w: string, r: string, on: boolean) =>
    on
      ? unwrap(api.POST("/api/workspaces/{workspaceId}/reviews/{reviewId}/publish", onReview(w, r)))
      : unwrap(api.DELETE("/api/workspaces/{workspaceId}/reviews/{reviewId}/publish", onReview(w, r))),
  saveSchedule: (w: string, t: string, body: RequestBody<typeof SCHEDULE, "put">) =>
    unwrap(api.PUT(SCHEDULE, { ...onTopic(w, t), body })),
  removeSchedule: (w: string, t: string) => unwrap(api.DELETE(SCHEDULE, onTopic(w, t))),
};

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
