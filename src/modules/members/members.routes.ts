import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser, setSessionCookie } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { sessionSchema } from "../auth/auth.schema.js";
import * as auth from "../auth/auth.service.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import {
  acceptBody,
  changeRoleBody,
  invitationCreatedSchema,
  invitationParams,
  invitationPreviewSchema,
  invitationSchema,
  inviteBody,
  memberParams,
  memberSchema,
  tokenParams,
} from "./members.schema.js";
import * as service from "./members.service.js";

const tags = ["members"];

export async function membersRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/members",
    {
      schema: {
        tags,
        summary: "Members and their roles",
        params: workspaceIdParams,
        response: responses({ 200: z.array(memberSchema) }),
      },
    },
    async (request) => service.listMembers(ctx, currentUser(request), request.params.workspaceId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/members/:userId",
    {
      schema: {
        tags,
        summary: "Change a member's role (manager+; owners only for owners; audited)",
        params: memberParams,
        body: changeRoleBody,
        response: responses({ 200: memberSchema, 409: errorSchema }),
      },
    },
    async (request) =>
      service.changeRole(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    "/api/workspaces/:workspaceId/members/:userId",
    {
      schema: {
        tags,
        summary: "Remove a member, or leave (audited)",
        params: memberParams,
        response: responses({ 204: noContent, 409: errorSchema }),
      },
    },
    async (request, reply) => {
      await service.removeMember(ctx, currentUser(request), request.params.workspaceId, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/invitations",
    {
      schema: {
        tags,
        summary: "Pending invitations (manager+)",
        params: workspaceIdParams,
        response: responses({ 200: z.array(invitationSchema) }),
      },
    },
    async (request) => service.listInvitations(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/invitations",
    {
      schema: {
        tags,
        summary: "Invite someone by e-mail with a role (manager+)",
        params: workspaceIdParams,
        body: inviteBody,
        response: responses({ 201: invitationCreatedSchema, 409: errorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.invite(
            ctx,
            currentUser(request),
            request.params.workspaceId,
            request.body.email,
            request.body.role,
          ),
        ),
  );

  app.delete(
    "/api/workspaces/:workspaceId/invitations/:invitationId",
    {
      schema: {
        tags,
        summary: "Revoke a pending invitation (manager+)",
        params: invitationParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.revokeInvitation(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.invitationId,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/invitations/:token",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "What an invitation link offers",
        params: tokenParams,
        response: { 200: invitationPreviewSchema, 404: errorSchema, 410: errorSchema },
      },
    },
    async (request) => service.describeInvitation(ctx, request.params.token),
  );

  app.post(
    "/api/invitations/:token/accept",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary:
          "Accept an invitation: signed in as the invited address, or creating that account with name and password",
        params: tokenParams,
        body: acceptBody,
        response: {
          200: sessionSchema.extend({ workspaceId: z.uuid() }),
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          404: errorSchema,
          410: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const caller = request.principal?.user ?? null;
      const { name, password, locale } = request.body;
      const result = await service.acceptInvitation(
        ctx,
        request.params.token,
        caller,
        name && password ? { name, password, locale } : null,
      );
      if (request.principal?.kind === "session") {
        return { user: result.user, csrfToken: request.principal.csrfToken, workspaceId: result.workspaceId };
      }
      if (request.principal?.kind === "token")
        return { user: result.user, csrfToken: "", workspaceId: result.workspaceId };
      const session = await auth.login(ctx, result.user.email, password ?? "", request.headers["user-agent"] ?? null);
      setSessionCookie(ctx, request, reply, session.token);
      return { user: session.user, csrfToken: session.csrfToken, workspaceId: result.workspaceId };
    },
  );
}
