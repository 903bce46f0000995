import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { accountIdParams } from "../accounts/accounts.schema.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import { interactionsPage, interactionsQuery, syncNowResponse, syncStatusSchema } from "./inbox.schema.js";
import * as service from "./inbox.service.js";

const tags = ["inbox"];

export async function inboxRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/interactions",
    {
      schema: {
        tags,
        summary: "Interactions read from the networks, newest first (filters: account, kind, post, since)",
        params: workspaceIdParams,
        querystring: interactionsQuery,
        response: responses({ 200: interactionsPage }),
      },
    },
    async (request) => service.list(ctx, currentUser(request), request.params.workspaceId, request.query),
  );

  app.get(
    "/api/workspaces/:workspaceId/accounts/:accountId/sync",
    {
      schema: {
        tags,
        summary: "The account's interactions sync: last success, last error, waiting after a rate limit",
        params: accountIdParams,
        response: responses({ 200: syncStatusSchema }),
      },
    },
    async (request) =>
      service.syncStatus(ctx, currentUser(request), request.params.workspaceId, request.params.accountId),
  );

  app.post(
    "/api/workspaces/:workspaceId/accounts/:accountId/sync",
    {
      schema: {
        tags,
        summary: "Sync now (manager+): new interactions and a metrics snapshot, in the request",
        params: accountIdParams,
        response: responses({ 200: syncNowResponse, 409: errorSchema }),
      },
    },
    async (request) => service.syncNow(ctx, currentUser(request), request.params.workspaceId, request.params.accountId),
  );
}
