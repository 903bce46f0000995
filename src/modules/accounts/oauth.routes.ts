import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import * as service from "./oauth.service.js";

const tags = ["accounts"];

const startBody = z
  .object({
    instanceUrl: z.string().trim().min(1).max(2048).meta({ description: "The instance, e.g. https://mastodon.social" }),
    name: z.string().trim().min(1).max(100).optional().meta({ description: "Display name in Relais" }),
    accountId: z.uuid().optional().meta({ description: "Reconnect this Mastodon account instead of adding one" }),
  })
  .strict();

const startResponse = z.object({
  authorizeUrl: z.string().meta({ description: "Send the user's browser here; the instance sends it back to Relais" }),
  instanceUrl: z.string(),
});

const callbackQuery = z.object({
  state: z.string().min(1).max(4096),
  code: z.string().min(1).max(1000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

export async function oauthRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    "/api/workspaces/:workspaceId/accounts/oauth/mastodon",
    {
      schema: {
        tags,
        summary: "Start connecting a Mastodon account with OAuth (manager+): registers Relais on the instance",
        params: workspaceIdParams,
        body: startBody,
        response: responses({ 200: startResponse, 422: errorSchema }),
      },
    },
    async (request) => service.startMastodon(ctx, currentUser(request), request.params.workspaceId, request.body),
  );

  app.get(
    "/api/oauth/mastodon/callback",
    {
      schema: {
        tags,
        summary: "Where the Mastodon instance sends the user back; redirects to the workspace's accounts page",
        querystring: callbackQuery,
        response: responses({ 302: z.null().meta({ description: "Redirect to the accounts page" }) }),
      },
    },
    async (request, reply) => {
      const { location } = await service.completeMastodon(ctx, currentUser(request), request.query);
      return reply.redirect(location, 302);
    },
  );
}
