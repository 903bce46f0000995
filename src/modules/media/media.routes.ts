import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import {
  importUrlBody,
  mediaListQuery,
  mediaListSchema,
  mediaParams,
  mediaPatch,
  mediaSchema,
  renditionBody,
  renditionParams,
  renditionSchema,
} from "./media.schema.js";
import * as service from "./media.service.js";
import { importUrlForCaller } from "./media-import.service.js";
import { readUpload } from "./media-upload.js";

const tags = ["media"];

export async function mediaRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    "/api/workspaces/:workspaceId/media",
    {
      schema: {
        tags,
        summary:
          "Upload an image or a video (multipart/form-data: one file, optional altText). The type is read from the bytes; the same file twice returns the existing item (200)",
        consumes: ["multipart/form-data"],
        params: workspaceIdParams,
        response: { ...responses({ 200: mediaSchema, 201: mediaSchema }), 413: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) => {
      const { media, created } = await service.upload(ctx, currentUser(request), request.params.workspaceId, (limits) =>
        readUpload(request, limits),
      );
      return reply.status(created ? 201 : 200).send(media);
    },
  );

  app.post(
    "/api/workspaces/:workspaceId/media/import-url",
    {
      schema: {
        tags,
        summary:
          "Import an image or a video from an address into the library (editor+). Fetched by the server through its safe HTTP client (internal addresses refused, size capped); the type is read from the bytes; a file already in the library returns it (200)",
        params: workspaceIdParams,
        body: importUrlBody,
        response: {
          ...responses({ 200: mediaSchema, 201: mediaSchema }),
          413: errorSchema,
          415: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { media, created } = await importUrlForCaller(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.body,
        request.locale,
      );
      return reply.status(created ? 201 : 200).send(media);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/media",
    {
      schema: {
        tags,
        summary: "The media library, newest first (filter by kind, search names and alt texts)",
        params: workspaceIdParams,
        querystring: mediaListQuery,
        response: responses({ 200: mediaListSchema }),
      },
    },
    async (request) => service.list(ctx, currentUser(request), request.params.workspaceId, request.query),
  );

  app.get(
    "/api/workspaces/:workspaceId/media/:mediaId",
    {
      schema: {
        tags,
        summary: "A media item with its renditions",
        params: mediaParams,
        response: responses({ 200: mediaSchema }),
      },
    },
    async (request) => service.get(ctx, currentUser(request), request.params.workspaceId, request.params.mediaId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/media/:mediaId",
    {
      schema: {
        tags,
        summary: "Change the alt text or the name (editor+)",
        params: mediaParams,
        body: mediaPatch,
        response: responses({ 200: mediaSchema }),
      },
    },
    async (request) =>
      service.update(ctx, currentUser(request), request.params.workspaceId, request.params.mediaId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId/media/:mediaId",
    {
      schema: {
        tags,
        summary: "Delete a media item (editor+); refused (409, details.postIds) while an undelivered post uses it",
        params: mediaParams,
        response: { ...responses({ 204: noContent }), 409: errorSchema },
      },
    },
    async (request, reply) => {
      await service.remove(ctx, currentUser(request), request.params.workspaceId, request.params.mediaId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/media/:mediaId/renditions",
    {
      schema: {
        tags,
        summary: "The per-network renditions of a media item",
        params: mediaParams,
        response: responses({ 200: z.array(renditionSchema) }),
      },
    },
    async (request) =>
      service.listRenditions(ctx, currentUser(request), request.params.workspaceId, request.params.mediaId),
  );

  app.put(
    "/api/workspaces/:workspaceId/media/:mediaId/renditions/:preset",
    {
      schema: {
        tags,
        summary:
          "Create or replace a preset's rendition (1:1, 4:5, 1.91:1, 9:16): crop in source pixels, or an automatic crop on the most interesting region",
        params: renditionParams,
        body: renditionBody,
        response: responses({ 200: renditionSchema }),
      },
    },
    async (request) => {
      const { workspaceId, mediaId, preset } = request.params;
      return service.putRendition(ctx, currentUser(request), workspaceId, mediaId, preset, request.body.crop ?? null);
    },
  );
}
