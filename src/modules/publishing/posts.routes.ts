import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { errorSchema, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { workspaceIdParams } from "../workspaces/workspaces.schema.js";
import * as links from "./approval-links.service.js";
import * as service from "./posts.service.js";
import {
  approvalLinkBody,
  approvalLinkParams,
  approvalLinkSchema,
  approvalLinkStateSchema,
  approveBody,
  checkDraftBody,
  checkResultSchema,
  commentBody,
  commentSchema,
  createPostBody,
  deletePostSchema,
  eventSchema,
  postListQuery,
  postListSchema,
  postParams,
  postSchema,
  requestChangesBody,
  scheduleBody,
  scheduleResultSchema,
  updatePostBody,
} from "./publishing.schema.js";
import * as workflow from "./workflow.service.js";

const tags = ["publishing"];
const posts = "/api/workspaces/:workspaceId/posts";
const one = `${posts}/:postId`;
const conflict = { 409: errorSchema };

/** Who calls, in which workspace, about which post: the first arguments of every per-post service call. */
const onPost = (request: FastifyRequest & { params: { workspaceId: string; postId: string } }) =>
  [currentUser(request), request.params.workspaceId, request.params.postId] as const;

/** A workflow action on one post, without a body, that answers the post (409 when its state forbids it). */
const postAction = (summary: string) => ({
  schema: { tags, summary, params: postParams, response: responses({ 200: postSchema, ...conflict }) },
});

/** Posts with their per-account variants, the review workflow, comments and the event trail. */
export async function postsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    posts,
    {
      schema: {
        tags,
        summary: "Posts, filtered by status, campaign, tag or account, newest first",
        params: workspaceIdParams,
        querystring: postListQuery,
        response: responses({ 200: postListSchema }),
      },
    },
    async (request) =>
      service.listPosts(ctx, currentUser(request), request.params.workspaceId, request.query, request.locale),
  );

  app.post(
    posts,
    {
      schema: {
        tags,
        summary:
          "Create a draft: base text, link, media, campaign, tags and the accounts with their variants (editor+)",
        params: workspaceIdParams,
        body: createPostBody,
        response: responses({ 201: postSchema }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.createPost(ctx, currentUser(request), request.params.workspaceId, request.body, request.locale),
        ),
  );

  app.post(
    `${posts}/check`,
    {
      schema: {
        tags,
        summary: "Check an unsaved draft against each target network's rules (what the composer shows live)",
        params: workspaceIdParams,
        body: checkDraftBody,
        response: responses({ 200: checkResultSchema }),
      },
    },
    async (request) =>
      service.checkUnsaved(ctx, currentUser(request), request.params.workspaceId, request.body, request.locale),
  );

  app.get(
    one,
    {
      schema: {
        tags,
        summary: "A post with its targets, live checks, tags and campaign",
        params: postParams,
        response: responses({ 200: postSchema }),
      },
    },
    async (request) => service.getPost(ctx, ...onPost(request), request.locale),
  );

  app.patch(
    one,
    {
      schema: {
        tags,
        summary:
          "Edit a post at the version you loaded (409 if it changed meanwhile); targets are replaced as given (editor+)",
        params: postParams,
        body: updatePostBody,
        response: responses({ 200: postSchema, ...conflict }),
      },
    },
    async (request) => service.updatePost(ctx, ...onPost(request), request.body, request.locale),
  );

  app.delete(
    one,
    {
      schema: {
        tags,
        summary: "Delete a post from Relais; copies already published stay on the networks (editor+)",
        params: postParams,
        response: responses({ 200: deletePostSchema, ...conflict }),
      },
    },
    async (request) => service.deletePost(ctx, ...onPost(request), request.locale),
  );

  app.post(
    `${one}/submit`,
    postAction("Send for review (draft or changes requested → in review); reviewers are notified (editor+)"),
    async (request) => workflow.submit(ctx, ...onPost(request), request.locale),
  );

  app.post(
    `${one}/approve`,
    {
      schema: {
        tags,
        summary:
          "Approve a post in review (reviewer+; an editor cannot approve their own post when approval is required)",
        params: postParams,
        body: approveBody,
        response: responses({ 200: postSchema, ...conflict }),
      },
    },
    async (request) => workflow.approve(ctx, ...onPost(request), request.body.comment, request.locale),
  );

  app.post(
    `${one}/request-changes`,
    {
      schema: {
        tags,
        summary: "Ask for changes, with the reason (reviewer+)",
        params: postParams,
        body: requestChangesBody,
        response: responses({ 200: postSchema, ...conflict }),
      },
    },
    async (request) => workflow.requestChanges(ctx, ...onPost(request), request.body.comment, request.locale),
  );

  app.post(
    `${one}/schedule`,
    {
      schema: {
        tags,
        summary:
          "Schedule (or reschedule) at a wall-clock time of the workspace's zone or an instant; blocked by check errors (editor+)",
        params: postParams,
        body: scheduleBody,
        response: responses({ 200: scheduleResultSchema, ...conflict }),
      },
    },
    async (request) => workflow.schedule(ctx, ...onPost(request), request.body, request.locale),
  );

  app.post(
    `${one}/unschedule`,
    postAction("Take a scheduled post off the calendar (back to draft or approved) (editor+)"),
    async (request) => workflow.unschedule(ctx, ...onPost(request), request.locale),
  );

  app.get(
    `${one}/comments`,
    {
      schema: {
        tags,
        summary: "Comments and review notes",
        params: postParams,
        response: responses({ 200: z.array(commentSchema) }),
      },
    },
    async (request) => workflow.listComments(ctx, ...onPost(request)),
  );

  app.post(
    `${one}/comments`,
    {
      schema: {
        tags,
        summary: "Add a comment or internal note (reviewer+)",
        params: postParams,
        body: commentBody,
        response: responses({ 201: commentSchema }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await workflow.addComment(ctx, ...onPost(request), request.body.body)),
  );

  app.get(
    `${one}/events`,
    {
      schema: {
        tags,
        summary: "The trail: every status change of the post and its targets, with who and when",
        params: postParams,
        response: responses({ 200: z.array(eventSchema) }),
      },
    },
    async (request) => workflow.listEvents(ctx, ...onPost(request)),
  );

  app.post(
    `${one}/approval-links`,
    {
      schema: {
        tags,
        summary:
          "Create a signed approval link for the client (no account needed); a draft is submitted for review (editor+)",
        params: postParams,
        body: approvalLinkBody,
        response: responses({ 201: approvalLinkSchema, ...conflict }),
      },
    },
    async (request, reply) => reply.status(201).send(await links.createLink(ctx, ...onPost(request), request.body)),
  );
  app.get(
    `${one}/approval-links`,
    {
      schema: {
        tags,
        summary: "The approval links of a post, without their tokens (viewer+)",
        params: postParams,
        response: responses({ 200: z.array(approvalLinkStateSchema) }),
      },
    },
    async (request) => links.listLinks(ctx, ...onPost(request)),
  );

  app.delete(
    `${one}/approval-links/:linkId`,
    {
      schema: {
        tags,
        summary: "Revoke an approval link: its public routes then answer 410 (editor+)",
        params: approvalLinkParams,
        response: responses({ 200: approvalLinkStateSchema }),
      },
    },
    async (request) => links.revokeLink(ctx, ...onPost(request), request.params.linkId),
  );
}
