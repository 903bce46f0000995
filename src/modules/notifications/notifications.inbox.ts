import type { AppContext } from "../../context.js";
import type { Locale } from "../../db/schema.js";
import type { AuthUser } from "../auth/auth.service.js";
import { type NotificationData, type NotificationKind, renderNotification } from "./notifications.messages.js";

/**
 * The caller's in-app notifications: newest first, rendered in the caller's language at read time (the
 * row keeps the data, so a user who switches language reads old notifications in the new one).
 */
export async function listMine(
  ctx: AppContext,
  user: AuthUser,
  query: { unreadOnly?: boolean; limit: number; before?: string },
  locale: Locale,
) {
  let q = ctx.db
    .selectFrom("notifications")
    .select(["id", "workspace_id", "kind", "data", "read_at", "created_at"])
    .where("user_id", "=", user.id)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit + 1);
  if (query.unreadOnly) q = q.where("read_at", "is", null);
  if (query.before) q = q.where("created_at", "<", new Date(query.before));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => {
      const data = (r.data ?? {}) as NotificationData;
      const { title, body } = renderNotification(locale, r.kind as NotificationKind, data);
      return {
        id: r.id,
        workspaceId: r.workspace_id,
        kind: r.kind,
        title,
        body,
        url: typeof data.url === "string" ? data.url : null,
        postId: typeof data.postId === "string" ? data.postId : null,
        read: r.read_at !== null,
        createdAt: r.created_at.toISOString(),
      };
    }),
    nextBefore: rows.length > query.limit ? (page.at(-1)?.created_at.toISOString() ?? null) : null,
  };
}

/** Marks some (ids, only the caller's own count) or all of the caller's notifications read. */
export async function markRead(ctx: AppContext, user: AuthUser, input: { ids?: string[]; all?: boolean }) {
  let q = ctx.db
    .updateTable("notifications")
    .set({ read_at: new Date() })
    .where("user_id", "=", user.id)
    .where("read_at", "is", null);
  if (!input.all) q = q.where("id", "in", input.ids?.length ? input.ids : ["00000000-0000-0000-0000-000000000000"]);
  const res = await q.executeTakeFirst();
  return { updated: Number(res.numUpdatedRows), unread: await unreadCount(ctx, user) };
}

export async function unreadCount(ctx: AppContext, user: AuthUser): Promise<number> {
  const row = await ctx.db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
