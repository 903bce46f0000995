import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import * as service from "./items.service.js";
import {
  itemDetailSchema,
  itemListQuery,
  itemListSchema,
  itemParams,
  itemStateSchema,
  markAllReadBody,
  markAllReadResponse,
  readBody,
  starBody,
} from "./veille.schema.js";

const tags = ["veille"];
const base = "/api/workspaces/:workspaceId/veille/items";

export async function veilleItemsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          'Items, newest first, one per story unless group=false: filters by feed, folder, language, dates, unread, starred; q is a web-search query (words, "phrase", -word, OR), accent-insensitive, French and English stemming; keyset paging with nextCursor',
        params: workspaceIdParams,
        querystring: itemListQuery,
        response: responses({ 200: itemListSchema }),
      },
    },
    async (request) => service.list(ctx, currentUser(request), request.params.workspaceId, request.query),
  );

  app.post(
    `${base}/read`,
    {
      schema: {
        tags,
        summary: "Mark every item published up to `before` as read (all, one feed or one folder)",
        params: workspaceIdParams,
        body: markAllReadBody,
        response: responses({ 200: markAllReadResponse }),
      },
    },
    async (request) => service.markAllRead(ctx, currentUser(request), request.params.workspaceId, request.body),
  );

  app.get(
    `${base}/:itemId`,
    {
      schema: {
        tags,
        summary: "One item with its sanitized content, full text if extracted, and the story's other sources",
        params: itemParams,
        response: responses({ 200: itemDetailSchema }),
      },
    },
    async (request) => service.get(ctx, currentUser(request), request.params.workspaceId, request.params.itemId),
  );

  app.post(
    `${base}/:itemId/read`,
    {
      schema: {
        tags,
        summary: "Mark read or unread (for the caller; the story's other items follow)",
        params: itemParams,
        body: readBody,
        response: responses({ 200: itemStateSchema }),
      },
    },
    async (request) =>
      service.setRead(ctx, currentUser(request), request.params.workspaceId, request.params.itemId, request.body.read),
  );

  app.post(
    `${base}/:itemId/star`,
    {
      schema: {
        tags,
        summary: "Star or unstar (for the caller); starred items escape retention",
        params: itemParams,
        body: starBody,
        response: responses({ 200: itemStateSchema }),
      },
    },
    async (request) =>
      service.setStarred(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.itemId,
        request.body.starred,
      ),
  );

  app.post(
    `${base}/:itemId/full-text`,
    {
      schema: {
        tags,
        summary: "Extract the article's full text from its page now (Readability), sanitized and stored",
        params: itemParams,
        response: responses({ 200: itemDetailSchema, 422: errorSchema }),
      },
    },
    async (request) =>
      service.fullTextNow(ctx, currentUser(request), request.params.workspaceId, request.params.itemId),
  );
}
