import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import {
  entryBody,
  entryParams,
  entryPatch,
  entryView,
  orderBody,
  previewBody,
  previewView,
  topicBody,
  topicParams,
  topicPatch,
  topicView,
  workspaceParams,
} from "./curation.schema.js";
import * as curation from "./curation.service.js";

const tags = ["curation"];

export async function curationRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/topics",
    {
      schema: {
        tags,
        summary: "Curation topics of the workspace, with their entry counts",
        params: workspaceParams,
        response: responses({ 200: z.array(topicView) }),
      },
    },
    async (request) => curation.listTopics(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/topics",
    {
      schema: {
        tags,
        summary: "Create a topic (editor+); public topics get a page and feeds at an unguessable URL",
        params: workspaceParams,
        body: topicBody,
        response: responses({ 201: topicView, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await curation.createTopic(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId/topics/:topicId",
    { schema: { tags, summary: "One topic", params: topicParams, response: responses({ 200: topicView }) } },
    async (request) => curation.getTopic(ctx, currentUser(request), request.params.workspaceId, request.params.topicId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/topics/:topicId",
    {
      schema: {
        tags,
        summary: "Rename, describe, publish or unpublish a topic",
        params: topicParams,
        body: topicPatch,
        response: responses({ 200: topicView }),
      },
    },
    async (request) =>
      curation.updateTopic(ctx, currentUser(request), request.params.workspaceId, request.params.topicId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId/topics/:topicId",
    {
      schema: {
        tags,
        summary: "Delete a topic and its entries (sent press reviews stay in the history)",
        params: topicParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await curation.deleteTopic(ctx, currentUser(request), request.params.workspaceId, request.params.topicId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/workspaces/:workspaceId/topics/:topicId/public-token",
    {
      schema: {
        tags,
        summary: "Give the topic a new public URL; the old page and feeds stop working at once",
        params: topicParams,
        response: responses({ 200: topicView }),
      },
    },
    async (request) =>
      curation.regenerateToken(ctx, currentUser(request), request.params.workspaceId, request.params.topicId),
  );

  app.get(
    "/api/workspaces/:workspaceId/topics/:topicId/entries",
    {
      schema: {
        tags,
        summary: "The topic's entries in their order",
        params: topicParams,
        querystring: z.object({ tag: z.string().min(1).max(60).optional() }),
        response: responses({ 200: z.array(entryView) }),
      },
    },
    async (request) =>
      curation.listEntries(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.topicId,
        request.query,
      ),
  );

  app.post(
    "/api/workspaces/:workspaceId/topics/:topicId/entries",
    {
      schema: {
        tags,
        summary: "Save a link (fetched for its title, description and image unless a title is given) or a veille item",
        description:
          "The entry keeps its own copy of title, address, description and image. A page that cannot be read still " +
          "saves (title = address) and `fetchError` says why. The same address twice in a topic → 409 entry_exists.",
        params: topicParams,
        body: entryBody,
        response: responses({ 201: entryView.extend({ fetchError: z.string().nullable() }) }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await curation.addEntry(
            ctx,
            currentUser(request),
            request.params.workspaceId,
            request.params.topicId,
            request.body,
          ),
        ),
  );

  app.patch(
    "/api/workspaces/:workspaceId/topics/:topicId/entries/:entryId",
    {
      schema: {
        tags,
        summary: "Edit an entry (insight, tags, title, description, image, source)",
        params: entryParams,
        body: entryPatch,
        response: responses({ 200: entryView }),
      },
    },
    async (request) =>
      curation.updateEntry(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.topicId,
        request.params.entryId,
        request.body,
      ),
  );

  app.delete(
    "/api/workspaces/:workspaceId/topics/:topicId/entries/:entryId",
    {
      schema: { tags, summary: "Remove an entry", params: entryParams, response: responses({ 204: noContent }) },
    },
    async (request, reply) => {
      await curation.removeEntry(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.topicId,
        request.params.entryId,
      );
      return reply.status(204).send(null);
    },
  );

  app.put(
    "/api/workspaces/:workspaceId/topics/:topicId/entries/order",
    {
      schema: {
        tags,
        summary: "Reorder: the listed entries first, in that order; the others keep their order after them",
        params: topicParams,
        body: orderBody,
        response: responses({ 200: z.array(entryView) }),
      },
    },
    async (request) =>
      curation.reorderEntries(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.topicId,
        request.body.entryIds,
      ),
  );

  app.post(
    "/api/workspaces/:workspaceId/link-preview",
    {
      schema: {
        tags,
        summary: "Fetch a page's title, description, image and site name (Open Graph, Twitter card, HTML)",
        params: workspaceParams,
        body: previewBody,
        response: responses({ 200: previewView, 422: errorSchema }),
      },
    },
    async (request) =>
      curation.preview(ctx, currentUser(request), request.params.workspaceId, request.body.url, request.locale),
  );
}
