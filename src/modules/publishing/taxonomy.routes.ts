import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import {
  campaignBody,
  campaignParams,
  campaignPatch,
  campaignSchema,
  tagBody,
  tagParams,
  tagPatch,
  tagSchema,
} from "./publishing.schema.js";
import * as service from "./taxonomy.service.js";

const tags = ["publishing"];
const base = "/api/workspaces/:workspaceId";

/** Campaigns and tags (colours for the calendar; names unique per workspace, case-insensitively). */
export async function taxonomyRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    `${base}/campaigns`,
    {
      schema: {
        tags,
        summary: "Campaigns",
        params: workspaceIdParams,
        response: responses({ 200: z.array(campaignSchema) }),
      },
    },
    async (request) => service.listCampaigns(ctx, currentUser(request), request.params.workspaceId),
  );
  app.post(
    `${base}/campaigns`,
    {
      schema: {
        tags,
        summary: "Create a campaign (editor+)",
        params: workspaceIdParams,
        body: campaignBody,
        response: responses({ 201: campaignSchema, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createCampaign(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );
  app.get(
    `${base}/campaigns/:campaignId`,
    { schema: { tags, summary: "One campaign", params: campaignParams, response: responses({ 200: campaignSchema }) } },
    async (request) =>
      service.getCampaign(ctx, currentUser(request), request.params.workspaceId, request.params.campaignId),
  );
  app.patch(
    `${base}/campaigns/:campaignId`,
    {
      schema: {
        tags,
        summary: "Update a campaign (editor+)",
        params: campaignParams,
        body: campaignPatch,
        response: responses({ 200: campaignSchema, 409: errorSchema }),
      },
    },
    async (request) =>
      service.updateCampaign(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.campaignId,
        request.body,
      ),
  );
  app.delete(
    `${base}/campaigns/:campaignId`,
    {
      schema: {
        tags,
        summary: "Delete a campaign; its posts stay, without campaign (editor+)",
        params: campaignParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.deleteCampaign(ctx, currentUser(request), request.params.workspaceId, request.params.campaignId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${base}/tags`,
    { schema: { tags, summary: "Tags", params: workspaceIdParams, response: responses({ 200: z.array(tagSchema) }) } },
    async (request) => service.listTags(ctx, currentUser(request), request.params.workspaceId),
  );
  app.post(
    `${base}/tags`,
    {
      schema: {
        tags,
        summary: "Create a tag (editor+)",
        params: workspaceIdParams,
        body: tagBody,
        response: responses({ 201: tagSchema, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createTag(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );
  app.patch(
    `${base}/tags/:tagId`,
    {
      schema: {
        tags,
        summary: "Rename or recolour a tag (editor+)",
        params: tagParams,
        body: tagPatch,
        response: responses({ 200: tagSchema, 409: errorSchema }),
      },
    },
    async (request) =>
      service.updateTag(ctx, currentUser(request), request.params.workspaceId, request.params.tagId, request.body),
  );
  app.delete(
    `${base}/tags/:tagId`,
    {
      schema: {
        tags,
        summary: "Delete a tag; it is removed from its posts (editor+)",
        params: tagParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.deleteTag(ctx, currentUser(request), request.params.workspaceId, request.params.tagId);
      return reply.status(204).send(null);
    },
  );
}
