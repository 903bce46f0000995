import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import {
  accountIdParams,
  accountSchema,
  checkResponse,
  connectBody,
  connectResponse,
  networkSchema,
  reconnectBody,
  updateAccountBody,
} from "./accounts.schema.js";
import * as service from "./accounts.service.js";

const tags = ["accounts"];

export async function accountsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/networks",
    {
      schema: {
        tags,
        summary: "Every network: limits, whether it can be connected, and its connect form",
        response: responses({ 200: z.array(networkSchema) }),
      },
    },
    async (request) => {
      currentUser(request);
      return service.listNetworks();
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/accounts",
    {
      schema: {
        tags,
        summary: "Connected social accounts of the workspace",
        params: workspaceIdParams,
        response: responses({ 200: z.array(accountSchema) }),
      },
    },
    async (request) => service.list(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/accounts",
    {
      schema: {
        tags,
        summary: "Connect an account (manager+); the webhook signing secret is returned once, in `reveal`",
        params: workspaceIdParams,
        body: connectBody,
        response: responses({ 201: connectResponse, 422: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.connect(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId/accounts/:accountId",
    {
      schema: { tags, summary: "One account", params: accountIdParams, response: responses({ 200: accountSchema }) },
    },
    async (request) => service.get(ctx, currentUser(request), request.params.workspaceId, request.params.accountId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/accounts/:accountId",
    {
      schema: {
        tags,
        summary: "Rename or change settings that need no reconnecting (manager+)",
        params: accountIdParams,
        body: updateAccountBody,
        response: responses({ 200: accountSchema }),
      },
    },
    async (request) =>
      service.update(ctx, currentUser(request), request.params.workspaceId, request.params.accountId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId/accounts/:accountId",
    {
      schema: {
        tags,
        summary: "Remove an account with its targets and slots (manager+); refused while publishing",
        params: accountIdParams,
        response: responses({ 204: noContent, 409: errorSchema }),
      },
    },
    async (request, reply) => {
      await service.remove(ctx, currentUser(request), request.params.workspaceId, request.params.accountId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/workspaces/:workspaceId/accounts/:accountId/check",
    {
      schema: {
        tags,
        summary: "Check the stored credentials with the network (manager+); refused → reconnect_needed",
        params: accountIdParams,
        response: responses({ 200: checkResponse }),
      },
    },
    async (request) => service.check(ctx, currentUser(request), request.params.workspaceId, request.params.accountId),
  );

  app.post(
    "/api/workspaces/:workspaceId/accounts/:accountId/reconnect",
    {
      schema: {
        tags,
        summary: "Give the account new credentials (manager+); it becomes active again",
        params: accountIdParams,
        body: reconnectBody,
        response: responses({ 200: connectResponse, 422: errorSchema }),
      },
    },
    async (request) =>
      service.reconnect(ctx, currentUser(request), request.params.workspaceId, request.params.accountId, request.body),
  );
}
