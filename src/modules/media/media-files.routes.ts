import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { notFound } from "../../lib/errors.js";
import { mediaParams, renditionParams, signedParams, signedQuery } from "./media.schema.js";
import { type FileToSend, memberFile, openFile, parseRange, signedFile } from "./media-files.service.js";

const tags = ["media"];
const fileResponse = z.any().meta({ description: "The file's bytes (206 with a Range header)" });

/**
 * Sends a stored file with its type, cache headers and single-range support (seeking in videos).
 * Immutable keys (original, thumbnail) are cacheable for a year; renditions revalidate by ETag.
 */
async function send(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  file: FileToSend,
  cache: "private" | "public",
) {
  if (!(await ctx.storage.exists(file.key))) throw notFound("media");
  reply.header("content-type", file.mimeType);
  reply.header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(file.filename || "media")}`);
  if (file.etag) {
    reply.header("etag", file.etag).header("cache-control", `${cache}, no-cache`);
    if (request.headers["if-none-match"] === file.etag) return reply.status(304).send();
  } else {
    reply.header(
      "cache-control",
      cache === "private" ? "private, max-age=31536000, immutable" : "public, max-age=3600",
    );
  }
  if (file.sizeBytes === null) return reply.send(openFile(ctx, file));
  reply.header("accept-ranges", "bytes");
  const range = parseRange(request.headers.range, file.sizeBytes);
  if (range === "invalid") {
    return reply.status(416).header("content-range", `bytes */${file.sizeBytes}`).send();
  }
  if (range) {
    reply.status(206).header("content-range", `bytes ${range.start}-${range.end}/${file.sizeBytes}`);
    reply.header("content-length", String(range.end - range.start + 1));
    return reply.send(openFile(ctx, file, range));
  }
  reply.header("content-length", String(file.sizeBytes));
  return reply.send(openFile(ctx, file));
}

export async function mediaFilesRoutes(app: App, ctx: AppContext): Promise<void> {
  const base = "/api/workspaces/:workspaceId/media/:mediaId";
  for (const variant of ["file", "thumbnail"] as const) {
    app.get(
      `${base}/${variant}`,
      {
        schema: {
          tags,
          summary: variant === "file" ? "The stored file (Range supported)" : "The 400 px WebP thumbnail (images)",
          params: mediaParams,
          response: responses({ 200: fileResponse }),
        },
      },
      async (request, reply) => {
        const { workspaceId, mediaId } = request.params;
        const file = await memberFile(
          ctx,
          currentUser(request),
          workspaceId,
          mediaId,
          variant === "file" ? "original" : "thumbnail",
        );
        return send(ctx, request, reply, file, "private");
      },
    );
  }

  app.get(
    `${base}/renditions/:preset`,
    {
      schema: {
        tags,
        summary: "A preset's rendition (JPEG)",
        params: renditionParams,
        response: responses({ 200: fileResponse }),
      },
    },
    async (request, reply) => {
      const { workspaceId, mediaId, preset } = request.params;
      return send(
        ctx,
        request,
        reply,
        await memberFile(ctx, currentUser(request), workspaceId, mediaId, preset),
        "private",
      );
    },
  );

  app.get(
    "/api/media/:mediaId/:variant",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "A media file through a signed, expiring link (for networks and webhook receivers)",
        params: signedParams,
        querystring: signedQuery,
        response: { 200: fileResponse, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { mediaId, variant } = request.params;
      const file = await signedFile(ctx, mediaId, variant, request.query.exp, request.query.sig);
      return send(ctx, request, reply, file, "public");
    },
  );
}
