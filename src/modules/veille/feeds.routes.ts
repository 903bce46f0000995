import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import * as service from "./feeds.service.js";
import * as opml from "./opml.service.js";
import {
  chooseResponse,
  feedListSchema,
  feedParams,
  feedSchema,
  fetchNowResponse,
  folderBody,
  folderParams,
  folderPatch,
  folderSchema,
  opmlImportBody,
  opmlImportResponse,
  settingsSchema,
  subscribeBody,
  subscribeResponse,
  updateFeedBody,
} from "./veille.schema.js";

const tags = ["veille"];
const base = "/api/workspaces/:workspaceId/veille";

export async function veilleFeedsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    `${base}/feeds`,
    {
      schema: {
        tags,
        summary: "Folders and feeds with the caller's unread counts, and each feed's fetch state and last error",
        params: workspaceIdParams,
        response: responses({ 200: feedListSchema }),
      },
    },
    async (request) => service.list(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    `${base}/feeds`,
    {
      schema: {
        tags,
        summary:
          "Subscribe by feed URL or site URL (editor+). 201 subscribed (first fetch ingested); 200 choose when the site announces several feeds; 422 not_a_feed / feed_unreachable; 409 feed_exists",
        params: workspaceIdParams,
        body: subscribeBody,
        response: responses({ 200: chooseResponse, 201: subscribeResponse, 409: errorSchema, 422: errorSchema }),
      },
    },
    async (request, reply) => {
      const r = await service.subscribe(ctx, currentUser(request), request.params.workspaceId, request.body);
      return reply.status(r.status === "subscribed" ? 201 : 200).send(r);
    },
  );

  app.get(
    `${base}/feeds/:feedId`,
    { schema: { tags, summary: "One feed", params: feedParams, response: responses({ 200: feedSchema }) } },
    async (request) => service.get(ctx, currentUser(request), request.params.workspaceId, request.params.feedId),
  );

  app.patch(
    `${base}/feeds/:feedId`,
    {
      schema: {
        tags,
        summary: "Rename, move to a folder (null: none), or fetch full texts automatically (editor+)",
        params: feedParams,
        body: updateFeedBody,
        response: responses({ 200: feedSchema }),
      },
    },
    async (request) =>
      service.update(ctx, currentUser(request), request.params.workspaceId, request.params.feedId, request.body),
  );

  app.delete(
    `${base}/feeds/:feedId`,
    {
      schema: {
        tags,
        summary: "Unsubscribe (editor+): the feed's items go too, except copies saved in curation topics",
        params: feedParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.remove(ctx, currentUser(request), request.params.workspaceId, request.params.feedId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${base}/feeds/:feedId/fetch`,
    {
      schema: {
        tags,
        summary: "Fetch the feed now, whatever its schedule (editor+); a gone feed is tried again",
        params: feedParams,
        response: responses({ 200: fetchNowResponse }),
      },
    },
    async (request) => service.fetchNow(ctx, currentUser(request), request.params.workspaceId, request.params.feedId),
  );

  app.post(
    `${base}/folders`,
    {
      schema: {
        tags,
        summary: "Create a folder (editor+)",
        params: workspaceIdParams,
        body: folderBody,
        response: responses({ 201: folderSchema, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createFolder(ctx, currentUser(request), request.params.workspaceId, request.body.name)),
  );

  app.patch(
    `${base}/folders/:folderId`,
    {
      schema: {
        tags,
        summary: "Rename or reorder a folder (editor+)",
        params: folderParams,
        body: folderPatch,
        response: responses({ 200: folderSchema, 409: errorSchema }),
      },
    },
    async (request) =>
      service.updateFolder(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.folderId,
        request.body,
      ),
  );

  app.delete(
    `${base}/folders/:folderId`,
    {
      schema: {
        tags,
        summary: "Delete a folder (editor+); its feeds stay, outside any folder",
        params: folderParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.removeFolder(ctx, currentUser(request), request.params.workspaceId, request.params.folderId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${base}/opml`,
    {
      schema: {
        tags,
        summary: "Import an OPML subscription list (Feedly, Inoreader, Miniflux…): categories become folders (editor+)",
        params: workspaceIdParams,
        body: opmlImportBody,
        response: responses({ 200: opmlImportResponse }),
      },
    },
    async (request) => opml.importOpml(ctx, currentUser(request), request.params.workspaceId, request.body.opml),
  );

  app.get(
    `${base}/opml`,
    {
      schema: {
        tags,
        summary: "Export the subscriptions as OPML 2.0 (folders as outlines)",
        params: workspaceIdParams,
      },
    },
    async (request, reply) => {
      const body = await opml.exportOpml(ctx, currentUser(request), request.params.workspaceId, "Relais — veille");
      return reply
        .type("text/x-opml; charset=utf-8")
        .header("content-disposition", 'attachment; filename="relais-veille.opml"')
        .send(body);
    },
  );

  app.get(
    `${base}/settings`,
    {
      schema: {
        tags,
        summary: "Veille settings (retention)",
        params: workspaceIdParams,
        response: responses({ 200: settingsSchema }),
      },
    },
    async (request) => service.getSettings(ctx, currentUser(request), request.params.workspaceId),
  );

  app.put(
    `${base}/settings`,
    {
      schema: {
        tags,
        summary:
          "Change the retention: items older than this many days are deleted, except starred and curated ones (manager+)",
        params: workspaceIdParams,
        body: settingsSchema,
        response: responses({ 200: settingsSchema }),
      },
    },
    async (request) => service.putSettings(ctx, currentUser(request), request.params.workspaceId, request.body),
  );
}
