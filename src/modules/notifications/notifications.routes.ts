import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import * as inbox from "./notifications.inbox.js";

const tags = ["notifications"];

const notificationSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid().nullable(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    url: z.string().nullable(),
    postId: z.string().nullable(),
    read: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Notification" });

const listQuery = z.object({
  unreadOnly: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  before: z.iso.datetime({ offset: true }).optional().meta({ description: "nextBefore of the previous page" }),
});

const readBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => (b.ids !== undefined) !== (b.all !== undefined), {
    message: "Give either ids or all: true",
    path: ["ids"],
  });

/** The signed-in user's notifications (in-app inbox). */
export async function notificationsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/notifications",
    {
      schema: {
        tags,
        summary: "My notifications, newest first, in my language",
        querystring: listQuery,
        response: responses({
          200: z.object({ items: z.array(notificationSchema), nextBefore: z.string().nullable() }),
        }),
      },
    },
    async (request) =>
      inbox.listMine(
        ctx,
        currentUser(request),
        { ...request.query, unreadOnly: request.query.unreadOnly === "true" },
        request.locale,
      ),
  );

  app.post(
    "/api/notifications/read",
    {
      schema: {
        tags,
        summary: "Mark some (ids) or all (all: true) of my notifications read",
        body: readBody,
        response: responses({ 200: z.object({ updated: z.number().int(), unread: z.number().int() }) }),
      },
    },
    async (request) => inbox.markRead(ctx, currentUser(request), request.body),
  );

  app.get(
    "/api/notifications/unread-count",
    {
      schema: {
        tags,
        summary: "How many of my notifications are unread",
        response: responses({ 200: z.object({ count: z.number().int() }) }),
      },
    },
    async (request) => ({ count: await inbox.unreadCount(ctx, currentUser(request)) }),
  );
}
