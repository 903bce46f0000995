import { z } from "zod";
import type { AppContext } from "../../../context.js";
import { currentUser } from "../../../http/auth.js";
import { errorSchema, noContent, responses } from "../../../http/schemas.js";
import type { App } from "../../../http/types.js";
import {
  alertBody,
  alertParams,
  alertPatch,
  alertSaved,
  alertView,
  matchesPage,
  matchesQuery,
  presetView,
  previewBody,
  previewView,
  seenBody,
  workspaceParams,
} from "./alerts.schema.js";
import * as alerts from "./alerts.service.js";

const tags = ["alerts"];

/** Alerts (veille / e-réputation): saved queries, their matches, presets. docs/ALERTS.md. */
export async function alertsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/alerts",
    {
      schema: {
        tags,
        summary: "Alerts of the workspace with their unseen match counts",
        params: workspaceParams,
        response: responses({ 200: z.array(alertView) }),
      },
    },
    async (request) => alerts.list(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/alerts",
    {
      schema: {
        tags,
        summary: "Create an alert (editor+); an invalid query → 400 alert_query_invalid with its position",
        params: workspaceParams,
        body: alertBody,
        response: responses({ 201: alertSaved, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await alerts.create(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId/alerts/presets",
    {
      schema: {
        tags,
        summary: "Suggested alerts from the brand (workspace name) and each competitor",
        params: workspaceParams,
        response: responses({ 200: z.array(presetView) }),
      },
    },
    async (request) => alerts.presets(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/alerts/preview",
    {
      schema: {
        tags,
        summary: "Run a query over the most recent feed items without saving it",
        params: workspaceParams,
        body: previewBody,
        response: responses({ 200: previewView }),
      },
    },
    async (request) => alerts.preview(ctx, currentUser(request), request.params.workspaceId, request.body),
  );

  app.get(
    "/api/workspaces/:workspaceId/alerts/matches",
    {
      schema: {
        tags,
        summary: "Matches of every alert (or one), newest first",
        params: workspaceParams,
        querystring: matchesQuery,
        response: responses({ 200: matchesPage }),
      },
    },
    async (request) => alerts.listMatches(ctx, currentUser(request), request.params.workspaceId, request.query),
  );

  app.post(
    "/api/workspaces/:workspaceId/alerts/matches/seen",
    {
      schema: {
        tags,
        summary: "Mark matches seen (or unseen): some ids, or all (of one alert)",
        params: workspaceParams,
        body: seenBody,
        response: responses({ 200: z.object({ updated: z.number().int() }) }),
      },
    },
    async (request) => alerts.markSeen(ctx, currentUser(request), request.params.workspaceId, request.body),
  );

  app.get(
    "/api/workspaces/:workspaceId/alerts/:alertId",
    { schema: { tags, summary: "One alert", params: alertParams, response: responses({ 200: alertView }) } },
    async (request) => alerts.get(ctx, currentUser(request), request.params.workspaceId, request.params.alertId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/alerts/:alertId",
    {
      schema: {
        tags,
        summary: "Change an alert (editor+); rotateWebhookSecret: true gives a new signing secret, shown once",
        params: alertParams,
        body: alertPatch,
        response: responses({ 200: alertSaved, 409: errorSchema }),
      },
    },
    async (request) =>
      alerts.update(ctx, currentUser(request), request.params.workspaceId, request.params.alertId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId/alerts/:alertId",
    {
      schema: {
        tags,
        summary: "Delete an alert and its matches (editor+)",
        params: alertParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await alerts.remove(ctx, currentUser(request), request.params.workspaceId, request.params.alertId);
      return reply.status(204).send(null);
    },
  );
}
