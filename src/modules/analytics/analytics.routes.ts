import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { accountIdParams } from "../accounts/accounts.schema.js";
import * as service from "./metrics.service.js";

const tags = ["analytics"];
const count = z.number().int().nullable();

export const postMetricsPoint = z
  .object({
    takenAt: z.iso.datetime({ offset: true }),
    likes: count,
    reposts: count,
    replies: count,
    quotes: count,
    impressions: count,
  })
  .meta({ id: "PostMetricsSnapshot" });

const accountPoint = z
  .object({ takenAt: z.iso.datetime({ offset: true }), followers: count, following: count, posts: count })
  .meta({ id: "AccountMetricsSnapshot" });

const targetParams = z.object({ workspaceId: z.uuid(), postId: z.uuid(), targetId: z.uuid() });

export async function analyticsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/posts/:postId/targets/:targetId/metrics",
    {
      schema: {
        tags,
        summary: "Metric snapshots of a published target, oldest first, and the latest",
        params: targetParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) }),
        response: responses({
          200: z.object({
            targetId: z.uuid(),
            url: z.string().nullable(),
            publishedAt: z.iso.datetime({ offset: true }).nullable(),
            latest: postMetricsPoint.nullable(),
            series: z.array(postMetricsPoint),
          }),
        }),
      },
    },
    async (request) =>
      service.targetMetrics(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.postId,
        request.params.targetId,
        request.query.limit,
      ),
  );

  app.get(
    "/api/workspaces/:workspaceId/accounts/:accountId/metrics",
    {
      schema: {
        tags,
        summary: "Followers, following and posts of an account over time (default: 30 days), and the latest",
        params: accountIdParams,
        querystring: z.object({
          since: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(1000),
        }),
        response: responses({
          200: z.object({ accountId: z.uuid(), latest: accountPoint.nullable(), series: z.array(accountPoint) }),
        }),
      },
    },
    async (request) =>
      service.accountMetrics(ctx, currentUser(request), request.params.workspaceId, request.params.accountId, {
        since: request.query.since ? new Date(request.query.since) : undefined,
        limit: request.query.limit,
      }),
  );
}
