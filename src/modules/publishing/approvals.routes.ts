import type { AppContext } from "../../context.js";
import { errorSchema } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import * as links from "./approval-links.service.js";
import {
  approvalViewSchema,
  commentSchema,
  decisionSchema,
  linkApproveBody,
  linkChangesBody,
  linkCommentBody,
  tokenParams,
} from "./publishing.schema.js";

const tags = ["approvals"];
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema, 410: errorSchema };

/** Public routes of signed approval links: the token is the credential, no account is needed. */
export async function approvalsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/approvals/:token",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "The post as the client sees it through an approval link",
        params: tokenParams,
        response: { 200: approvalViewSchema, ...errors },
      },
    },
    async (request) => links.view(ctx, request.params.token),
  );

  app.post(
    "/api/approvals/:token/approve",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Approve through the link (one decision per link)",
        params: tokenParams,
        body: linkApproveBody,
        response: { 200: decisionSchema, ...errors },
      },
    },
    async (request) => links.decideByLink(ctx, request.params.token, "approve", request.body, request.locale),
  );

  app.post(
    "/api/approvals/:token/request-changes",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Ask for changes through the link, with the reason (one decision per link)",
        params: tokenParams,
        body: linkChangesBody,
        response: { 200: decisionSchema, ...errors },
      },
    },
    async (request) => links.decideByLink(ctx, request.params.token, "changes", request.body, request.locale),
  );

  app.post(
    "/api/approvals/:token/comments",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Comment through the link",
        params: tokenParams,
        body: linkCommentBody,
        response: { 201: commentSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await links.commentByLink(ctx, request.params.token, request.body)),
  );
}
