import type { AppContext } from "../../context.js";
import { notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import { authorize } from "../workspaces/workspaces.service.js";
import { workspaceZone } from "./calendar.repo.js";
import { dedupeSlots } from "./slots.js";
import * as repo from "./slots.repo.js";

async function present(ctx: AppContext, workspaceId: string, accountId: string) {
  const rows = await repo.listSlots(ctx.db, workspaceId, [accountId]);
  return {
    accountId,
    timezone: await workspaceZone(ctx.db, workspaceId),
    slots: rows.map((r) => ({ weekday: r.weekday, time: r.local_time })),
  };
}

/** An account's weekly posting grid: wall-clock times in the workspace's zone. */
export async function get(ctx: AppContext, user: AuthUser, workspaceId: string, accountId: string) {
  await authorize(ctx, user, workspaceId, "posts.read");
  if (!(await repo.accountExists(ctx.db, workspaceId, accountId))) throw notFound("account");
  return present(ctx, workspaceId, accountId);
}

/** Replaces the whole grid (duplicates dropped). Editors plan the week, so posts.write is enough. */
export async function replace(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  accountId: string,
  slots: repo.Slot[],
) {
  await authorize(ctx, user, workspaceId, "posts.write");
  if (!(await repo.accountExists(ctx.db, workspaceId, accountId))) throw notFound("account");
  await repo.replaceSlots(ctx.db, workspaceId, accountId, dedupeSlots(slots));
  return present(ctx, workspaceId, accountId);
}
