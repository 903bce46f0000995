import type { Kysely } from "kysely";
import type { AppContext } from "../../context.js";
import type { DB, Role } from "../../db/schema.js";
import { type NotificationData, type NotificationKind, renderNotification } from "./notifications.messages.js";

export interface NotifyInput {
  workspaceId: string;
  kind: NotificationKind;
  data: NotificationData;
  /** Members with one of these roles receive it… */
  roles?: Role[];
  /** …and/or these users (kept only if they are members of the workspace). */
  userIds?: string[];
  /** Never notify the person who caused it. */
  exceptUserId?: string | null;
  /** false: in-app only (the caller e-mails on its own terms, e.g. alert digests). */
  email?: boolean;
}

/**
 * Stores an in-app notification for each recipient and e-mails it in their language when SMTP is set.
 * A failed e-mail never fails the caller: the in-app notification stands and the failure is logged.
 * `db` — a caller's transaction — ties the in-app notifications to the caller's own writes (written with
 * them or not at all); e-mails are never sent from inside a transaction, so it requires `email: false`.
 */
export async function notify(ctx: AppContext, input: NotifyInput, db: Kysely<DB> = ctx.db): Promise<number> {
  if (db !== ctx.db && input.email !== false)
    throw new Error("notify in a caller's transaction is in-app only (email: false)");
  let q = db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .innerJoin("workspaces", "workspaces.id", "memberships.workspace_id")
    .select(["users.id", "users.email", "users.locale", "workspaces.name as workspace_name"])
    .where("memberships.workspace_id", "=", input.workspaceId);
  q = q.where((eb) => {
    const ors = [];
    if (input.roles?.length) ors.push(eb("memberships.role", "in", input.roles));
    if (input.userIds?.length) ors.push(eb("memberships.user_id", "in", input.userIds));
    return ors.length ? eb.or(ors) : eb.val(false);
  });
  const recipients = (await q.execute()).filter((r) => r.id !== input.exceptUserId);
  if (!recipients.length) return 0;
  const rows = await db
    .insertInto("notifications")
    .values(
      recipients.map((r) => ({
        workspace_id: input.workspaceId,
        user_id: r.id,
        kind: input.kind,
        data: JSON.stringify({ workspaceName: r.workspace_name, ...input.data }),
      })),
    )
    .returning(["id", "user_id"])
    .execute();
  if (ctx.mailer.enabled && input.email !== false) {
    for (const r of recipients) {
      const { title, body } = renderNotification(r.locale, input.kind, {
        workspaceName: r.workspace_name,
        ...input.data,
      });
      const link = input.data.url ? `\n\n${input.data.url}\n` : "\n";
      try {
        await ctx.mailer.send({ to: r.email, subject: title, text: `${body}${link}` });
        const id = rows.find((x) => x.user_id === r.id)?.id;
        if (id)
          await ctx.db.updateTable("notifications").set({ emailed_at: new Date() }).where("id", "=", id).execute();
      } catch (err) {
        ctx.logger.warn({ err: (err as Error).message, kind: input.kind }, "notification e-mail failed");
      }
    }
  }
  return recipients.length;
}
