import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import * as crisis from "./crisis.service.js";
import { confirmPublishedBody, crisisBody, crisisSchema, targetParams, targetSchema } from "./scheduler.schema.js";
import * as service from "./scheduler.service.js";

const tags = ["publishing"];

/** What the user does about an unconfirmed, failed or missed post, and the crisis switch. */
export async function schedulerRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    "/api/workspaces/:workspaceId/posts/:postId/targets/:targetId/confirm-published",
    {
      schema: {
        tags,
        summary: "It was published: close an unconfirmed or failed post on this account (editor+); sends nothing",
        params: targetParams,
        body: confirmPublishedBody,
        response: responses({ 200: targetSchema }),
      },
    },
    async (request) =>
      service.confirmPublished(ctx, currentUser(request), request.params, request.body, request.locale),
  );

  app.post(
    "/api/workspaces/:workspaceId/posts/:postId/targets/:targetId/republish",
    {
      schema: {
        tags,
        summary: "Publish again now after unconfirmed, failed or missed (editor+)",
        params: targetParams,
        response: responses({ 200: targetSchema }),
      },
    },
    async (request) => service.republish(ctx, currentUser(request), request.params, request.locale),
  );

  app.post(
    "/api/workspaces/:workspaceId/posts/:postId/targets/:targetId/remove-from-network",
    {
      schema: {
        tags,
        summary: "Take a published copy down: delete it (a whole thread) from the network (editor+)",
        description:
          "Safe to repeat: a copy already gone counts as removed. The target keeps its history and gets `removedAt`. " +
          "409 remove_unsupported when the network's connector cannot delete; 502 remove_failed when the network refuses " +
          "(nothing changes in Relais).",
        params: targetParams,
        response: responses({ 200: targetSchema }),
      },
    },
    async (request) => service.removeFromNetwork(ctx, currentUser(request), request.params, request.locale),
  );

  app.get(
    "/api/workspaces/:workspaceId/crisis",
    {
      schema: {
        tags,
        summary: "Crisis switch: is publishing paused?",
        params: workspaceIdParams,
        response: responses({ 200: crisisSchema }),
      },
    },
    async (request) => crisis.getCrisis(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/crisis",
    {
      schema: {
        tags,
        summary: "Pause or resume every publication of the workspace at once (manager+, audited)",
        params: workspaceIdParams,
        body: crisisBody,
        response: responses({ 200: crisisSchema }),
      },
    },
    async (request) => crisis.setCrisis(ctx, currentUser(request), request.params.workspaceId, request.body),
  );
}
