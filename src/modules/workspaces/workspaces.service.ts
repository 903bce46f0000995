import type { AppContext } from "../../context.js";
import type { CompetitorHandle, Locale, Role } from "../../db/schema.js";
import { forbidden, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import { atLeast, type Permission, permissions } from "./roles.js";
import * as repo from "./workspaces.repo.js";

/**
 * The gate of every workspace route: the caller's role if it allows `permission`.
 * Not a member (or no such workspace) → 404, so ids of other clients' workspaces reveal nothing;
 * a member without the right → 403.
 */
export async function authorize(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  permission: Permission,
): Promise<Role> {
  const role = await repo.findRole(ctx.db, workspaceId, user.id);
  if (!role) throw notFound("workspace");
  if (!atLeast(role, permissions[permission])) throw forbidden();
  return role;
}

export function presentWorkspace(w: repo.WorkspaceRow) {
  return {
    id: w.id,
    name: w.name,
    timezone: w.timezone,
    locale: w.locale,
    description: w.description,
    values: w.brand_values,
    toneOfVoice: w.tone_of_voice,
    speakingCharter: w.speaking_charter,
    moderationCharter: w.moderation_charter,
    role: w.role,
    approvalRequired: w.approval_required,
    missedGraceMinutes: w.missed_grace_minutes,
    crisis: w.crisis_paused_at ? { pausedAt: w.crisis_paused_at.toISOString(), reason: w.crisis_reason } : null,
    createdAt: w.created_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
  };
}
export type WorkspaceView = ReturnType<typeof presentWorkspace>;

export interface WorkspaceInput {
  name: string;
  timezone: string;
  locale: Locale;
  description?: string;
  values?: string[];
  toneOfVoice?: string;
  speakingCharter?: string;
  moderationCharter?: string;
  /** Publishing settings (manager+, `publishing.settings`). */
  approvalRequired?: boolean;
  missedGraceMinutes?: number;
}

function toFields(input: Partial<WorkspaceInput>): Partial<repo.WorkspaceFields> {
  const f: Partial<repo.WorkspaceFields> = {};
  if (input.name !== undefined) f.name = input.name;
  if (input.timezone !== undefined) f.timezone = input.timezone;
  if (input.locale !== undefined) f.locale = input.locale;
  if (input.description !== undefined) f.description = input.description;
  if (input.values !== undefined) f.brand_values = input.values;
  if (input.toneOfVoice !== undefined) f.tone_of_voice = input.toneOfVoice;
  if (input.speakingCharter !== undefined) f.speaking_charter = input.speakingCharter;
  if (input.moderationCharter !== undefined) f.moderation_charter = input.moderationCharter;
  if (input.approvalRequired !== undefined) f.approval_required = input.approvalRequired;
  if (input.missedGraceMinutes !== undefined) f.missed_grace_minutes = input.missedGraceMinutes;
  return f;
}

export async function list(ctx: AppContext, user: AuthUser): Promise<WorkspaceView[]> {
  return (await repo.listForUser(ctx.db, user.id)).map(presentWorkspace);
}

export async function get(ctx: AppContext, user: AuthUser, workspaceId: string): Promise<WorkspaceView> {
  await authorize(ctx, user, workspaceId, "workspace.read");
  const row = await repo.findForUser(ctx.db, workspaceId, user.id);
  if (!row) throw notFound("workspace");
  return presentWorkspace(row);
}

export async function create(ctx: AppContext, user: AuthUser, input: WorkspaceInput): Promise<WorkspaceView> {
  if (!user.canCreateWorkspaces) throw forbidden();
  const fields: repo.WorkspaceFields = {
    name: input.name,
    timezone: input.timezone,
    locale: input.locale,
    description: input.description ?? "",
    brand_values: input.values ?? [],
    tone_of_voice: input.toneOfVoice ?? "",
    speaking_charter: input.speakingCharter ?? "",
    moderation_charter: input.moderationCharter ?? "",
  };
  const id = await repo.insertWithOwner(ctx.db, fields, user.id);
  await audit.record(ctx, {
    workspaceId: id,
    actorUserId: user.id,
    action: "workspace.created",
    targetType: "workspace",
    targetId: id,
    data: { name: input.name },
  });
  return get(ctx, user, id);
}

export async function update(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  patch: Partial<WorkspaceInput>,
): Promise<WorkspaceView> {
  await authorize(ctx, user, workspaceId, "workspace.update");
  if (patch.approvalRequired !== undefined || patch.missedGraceMinutes !== undefined) {
    await authorize(ctx, user, workspaceId, "publishing.settings");
  }
  await repo.update(ctx.db, workspaceId, toFields(patch));
  return get(ctx, user, workspaceId);
}

export async function remove(ctx: AppContext, user: AuthUser, workspaceId: string): Promise<void> {
  await authorize(ctx, user, workspaceId, "workspace.delete");
  const ws = await repo.findForUser(ctx.db, workspaceId, user.id);
  if (!ws) throw notFound("workspace");
  await ctx.db.transaction().execute(async (trx) => {
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "workspace.deleted",
        targetType: "workspace",
        targetId: workspaceId,
        data: { name: ws.name },
      },
    );
    await repo.remove(trx, workspaceId);
  });
}

function presentCompetitor(c: {
  id: string;
  name: string;
  website: string | null;
  handles: CompetitorHandle[];
  notes: string;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: c.id,
    name: c.name,
    website: c.website,
    handles: c.handles,
    notes: c.notes,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export interface CompetitorInput {
  name: string;
  website?: string | null;
  handles?: CompetitorHandle[];
  notes?: string;
}

export async function listCompetitors(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await authorize(ctx, user, workspaceId, "workspace.read");
  return (await repo.listCompetitors(ctx.db, workspaceId)).map(presentCompetitor);
}

export async function getCompetitor(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await authorize(ctx, user, workspaceId, "workspace.read");
  const c = await repo.findCompetitor(ctx.db, workspaceId, id);
  if (!c) throw notFound("competitor");
  return presentCompetitor(c);
}

export async function addCompetitor(ctx: AppContext, user: AuthUser, workspaceId: string, input: CompetitorInput) {
  await authorize(ctx, user, workspaceId, "workspace.update");
  const row = await repo.insertCompetitor(ctx.db, workspaceId, {
    name: input.name,
    website: input.website ?? null,
    handles: input.handles ?? [],
    notes: input.notes ?? "",
  });
  return presentCompetitor(row);
}

export async function updateCompetitor(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  id: string,
  patch: Partial<CompetitorInput>,
) {
  await authorize(ctx, user, workspaceId, "workspace.update");
  const row = await repo.updateCompetitor(ctx.db, workspaceId, id, patch);
  if (!row) throw notFound("competitor");
  return presentCompetitor(row);
}

export async function removeCompetitor(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await authorize(ctx, user, workspaceId, "workspace.update");
  const existing = await repo.findCompetitor(ctx.db, workspaceId, id);
  if (!existing || !(await repo.deleteCompetitor(ctx.db, workspaceId, id))) throw notFound("competitor");
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "competitor.deleted",
    targetType: "competitor",
    targetId: id,
    data: { name: existing.name },
  });
}

/**
 * Time zone, approval rule, grace period and crisis state of a workspace, for other domains (publishing,
 * scheduler). The caller has already authorized the user; undefined when the workspace does not exist.
 */
export async function publishingSettings(ctx: Pick<AppContext, "db">, workspaceId: string) {
  const w = await repo.findPublishingSettings(ctx.db, workspaceId);
  if (!w) return undefined;
  return {
    id: w.id,
    name: w.name,
    timezone: w.timezone,
    approvalRequired: w.approval_required,
    missedGraceMinutes: w.missed_grace_minutes,
    crisis: w.crisis_paused_at ? { pausedAt: w.crisis_paused_at, reason: w.crisis_reason } : null,
  };
}
