import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import {
  renderedView,
  reviewCreate,
  reviewParams,
  reviewPatch,
  reviewSummary,
  reviewView,
  scheduleBody,
  scheduleView,
  sendBody,
  topicParams,
  workspaceParams,
} from "./curation.schema.js";
import * as schedules from "./review-schedule.service.js";
import * as reviews from "./reviews.service.js";

const tags = ["press reviews"];

export async function reviewsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/reviews",
    {
      schema: {
        tags,
        summary: "Press reviews, newest first: drafts and the history of sent ones",
        params: workspaceParams,
        response: responses({ 200: z.array(reviewSummary) }),
      },
    },
    async (request) => reviews.list(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/reviews",
    {
      schema: {
        tags,
        summary: "Build a press review from a topic's entries saved in [from, to), in the topic's order",
        params: workspaceParams,
        body: reviewCreate,
        response: responses({ 201: reviewView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reviews.create(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId/reviews/:reviewId",
    { schema: { tags, summary: "One press review", params: reviewParams, response: responses({ 200: reviewView }) } },
    async (request) => reviews.get(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/reviews/:reviewId",
    {
      schema: {
        tags,
        summary: "Edit a review not yet sent: title, intro, items (order, comments, removals)",
        params: reviewParams,
        body: reviewPatch,
        response: responses({ 200: reviewView, 409: errorSchema }),
      },
    },
    async (request) =>
      reviews.update(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId/reviews/:reviewId",
    {
      schema: { tags, summary: "Delete a press review", params: reviewParams, response: responses({ 204: noContent }) },
    },
    async (request, reply) => {
      await reviews.remove(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/reviews/:reviewId/render",
    {
      schema: {
        tags,
        summary: "The review as e-mail (subject, HTML, plain text) and as Markdown: preview and export",
        params: reviewParams,
        response: responses({ 200: renderedView }),
      },
    },
    async (request) => reviews.render(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId),
  );

  app.post(
    "/api/workspaces/:workspaceId/reviews/:reviewId/send",
    {
      schema: {
        tags,
        summary: "E-mail the review (one message per recipient); test: true sends a [TEST] copy and keeps the draft",
        description: "A review is sent once: a second send → 409 review_sent. A failed send can be sent again.",
        params: reviewParams,
        body: sendBody,
        response: responses({ 200: reviewView, 409: errorSchema }),
      },
    },
    async (request) =>
      reviews.send(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId, request.body),
  );

  app.post(
    "/api/workspaces/:workspaceId/reviews/:reviewId/publish",
    {
      schema: {
        tags,
        summary: "Publish the review as a public page at an unguessable URL",
        params: reviewParams,
        response: responses({ 200: reviewView }),
      },
    },
    async (request) => reviews.publish(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId),
  );

  app.delete(
    "/api/workspaces/:workspaceId/reviews/:reviewId/publish",
    {
      schema: {
        tags,
        summary: "Withdraw the review's public page (its URL answers 404)",
        params: reviewParams,
        response: responses({ 200: reviewView }),
      },
    },
    async (request) =>
      reviews.unpublish(ctx, currentUser(request), request.params.workspaceId, request.params.reviewId),
  );

  app.get(
    "/api/workspaces/:workspaceId/topics/:topicId/review-schedule",
    {
      schema: {
        tags,
        summary: "The topic's weekly press review schedule (404 when there is none)",
        params: topicParams,
        response: responses({ 200: scheduleView }),
      },
    },
    async (request) =>
      schedules.getSchedule(ctx, currentUser(request), request.params.workspaceId, request.params.topicId),
  );

  app.put(
    "/api/workspaces/:workspaceId/topics/:topicId/review-schedule",
    {
      schema: {
        tags,
        summary: "Send this topic's press review every week (weekday + time in the workspace's zone)",
        description: "Each run covers the seven days before it and is sent once; weeks missed while down are skipped.",
        params: topicParams,
        body: scheduleBody,
        response: responses({ 200: scheduleView }),
      },
    },
    async (request) =>
      schedules.putSchedule(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.topicId,
        request.body,
      ),
  );

  app.delete(
    "/api/workspaces/:workspaceId/topics/:topicId/review-schedule",
    {
      schema: {
        tags,
        summary: "Stop the weekly press review",
        params: topicParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await schedules.deleteSchedule(ctx, currentUser(request), request.params.workspaceId, request.params.topicId);
      return reply.status(204).send(null);
    },
  );
}
