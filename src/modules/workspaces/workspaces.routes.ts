import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import * as auditService from "../audit/audit.service.js";
import {
  competitorBody,
  competitorParams,
  competitorPatch,
  competitorSchema,
  createWorkspaceBody,
  updateWorkspaceBody,
  workspaceIdParams,
  workspaceSchema,
} from "./workspaces.schema.js";
import * as service from "./workspaces.service.js";

const tags = ["workspaces"];

const auditEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    actor: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "AuditEntry" });

export async function workspacesRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces",
    {
      schema: {
        tags,
        summary: "Workspaces I belong to, with my role",
        response: responses({ 200: z.array(workspaceSchema) }),
      },
    },
    async (request) => service.list(ctx, currentUser(request)),
  );

  app.post(
    "/api/workspaces",
    {
      schema: {
        tags,
        summary: "Create a workspace (one per client or brand); I become its owner",
        body: createWorkspaceBody,
        response: responses({ 201: workspaceSchema }),
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(ctx, currentUser(request), request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId",
    {
      schema: {
        tags,
        summary: "A workspace with its brand book",
        params: workspaceIdParams,
        response: responses({ 200: workspaceSchema }),
      },
    },
    async (request) => service.get(ctx, currentUser(request), request.params.workspaceId),
  );

  app.patch(
    "/api/workspaces/:workspaceId",
    {
      schema: {
        tags,
        summary: "Update profile or brand book (manager+)",
        params: workspaceIdParams,
        body: updateWorkspaceBody,
        response: responses({ 200: workspaceSchema }),
      },
    },
    async (request) => service.update(ctx, currentUser(request), request.params.workspaceId, request.body),
  );

  app.delete(
    "/api/workspaces/:workspaceId",
    {
      schema: {
        tags,
        summary: "Delete a workspace and everything in it (owner)",
        params: workspaceIdParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.remove(ctx, currentUser(request), request.params.workspaceId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/competitors",
    {
      schema: {
        tags,
        summary: "Competitors watched for this client",
        params: workspaceIdParams,
        response: responses({ 200: z.array(competitorSchema) }),
      },
    },
    async (request) => service.listCompetitors(ctx, currentUser(request), request.params.workspaceId),
  );

  app.post(
    "/api/workspaces/:workspaceId/competitors",
    {
      schema: {
        tags,
        summary: "Add a competitor (manager+)",
        params: workspaceIdParams,
        body: competitorBody,
        response: responses({ 201: competitorSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.addCompetitor(ctx, currentUser(request), request.params.workspaceId, request.body)),
  );

  app.get(
    "/api/workspaces/:workspaceId/competitors/:competitorId",
    {
      schema: {
        tags,
        summary: "One competitor",
        params: competitorParams,
        response: responses({ 200: competitorSchema }),
      },
    },
    async (request) =>
      service.getCompetitor(ctx, currentUser(request), request.params.workspaceId, request.params.competitorId),
  );

  app.patch(
    "/api/workspaces/:workspaceId/competitors/:competitorId",
    {
      schema: {
        tags,
        summary: "Update a competitor (manager+)",
        params: competitorParams,
        body: competitorPatch,
        response: responses({ 200: competitorSchema }),
      },
    },
    async (request) =>
      service.updateCompetitor(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.competitorId,
        request.body,
      ),
  );

  app.delete(
    "/api/workspaces/:workspaceId/competitors/:competitorId",
    {
      schema: {
        tags,
        summary: "Remove a competitor (manager+)",
        params: competitorParams,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await service.removeCompetitor(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.competitorId,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/workspaces/:workspaceId/audit",
    {
      schema: {
        tags,
        summary: "Audit log: role changes, removals, invitations, deletions (manager+)",
        params: workspaceIdParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.iso.datetime({ offset: true }).optional(),
        }),
        response: responses({ 200: z.array(auditEntrySchema) }),
      },
    },
    async (request) => {
      await service.authorize(ctx, currentUser(request), request.params.workspaceId, "audit.read");
      return auditService.list(ctx, request.params.workspaceId, request.query.limit, request.query.before);
    },
  );
}
