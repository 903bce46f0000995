import type { Role } from "../../src/db/schema.js";
import { type Caller, createWorkspace, signUp, type TestApp } from "../helpers/app.js";

/** A client workspace with one member per role and social accounts inserted directly. */
export interface Team {
  workspaceId: string;
  owner: Caller;
  manager: Caller;
  editor: Caller;
  editor2: Caller;
  reviewer: Caller;
  viewer: Caller;
  base: string;
}

export async function seedTeam(t: TestApp, prefix: string, name = "Musée des Confluences"): Promise<Team> {
  const owner = await signUp(t, `${prefix}.owner@agence.fr`, { name: `${prefix} Owner` });
  const workspaceId = await createWorkspace(owner, name);
  const member = async (role: Role, label: string) => {
    const c = await signUp(t, `${prefix}.${label}@agence.fr`, { name: `${prefix} ${label}` });
    await t.ctx.db.insertInto("memberships").values({ workspace_id: workspaceId, user_id: c.user.id, role }).execute();
    return c;
  };
  return {
    workspaceId,
    owner,
    manager: await member("manager", "manager"),
    editor: await member("editor", "editor"),
    editor2: await member("editor", "editor2"),
    reviewer: await member("reviewer", "reviewer"),
    viewer: await member("viewer", "viewer"),
    base: `/api/workspaces/${workspaceId}`,
  };
}

export async function addAccount(
  t: TestApp,
  workspaceId: string,
  network: string,
  name: string,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const row = await t.ctx.db
    .insertInto("social_accounts")
    .values({ workspace_id: workspaceId, network, display_name: name, settings: JSON.stringify(settings) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A wall-clock time `days` ahead, as "YYYY-MM-DDT10:00" (far from any DST change at 10:00). */
export function localDaysAhead(days: number, time = "10:00"): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${time}`;
}

export async function notificationsOf(t: TestApp, userId: string) {
  return t.ctx.db
    .selectFrom("notifications")
    .select(["kind", "data", "workspace_id"])
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .execute();
}
