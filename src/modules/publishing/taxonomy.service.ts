import type { AppContext } from "../../context.js";
import { AppError, isUniqueViolation, notFound } from "../../lib/errors.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./taxonomy.repo.js";

/** Campaigns and tags: readable by every member, written by editors and above (posts.write). */

export interface CampaignInput {
  name: string;
  color?: string;
  description?: string;
  startsOn?: string | null;
  endsOn?: string | null;
}

function presentCampaign(c: repo.CampaignRow) {
  return {
    id: c.id,
    name: c.name,
    color: c.color,
    description: c.description,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

function presentTag(t: { id: string; name: string; color: string; created_at: Date }) {
  return { id: t.id, name: t.name, color: t.color, createdAt: t.created_at.toISOString() };
}

/** Names are unique per workspace regardless of case ("Soldes" and "soldes" are one campaign). */
async function uniqueName<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", { name }, { name: "taken" });
    throw err;
  }
}

function campaignFields(input: Partial<CampaignInput>): Partial<repo.CampaignFields> {
  const f: Partial<repo.CampaignFields> = {};
  if (input.name !== undefined) f.name = input.name;
  if (input.color !== undefined) f.color = input.color;
  if (input.description !== undefined) f.description = input.description;
  if (input.startsOn !== undefined) f.starts_on = input.startsOn;
  if (input.endsOn !== undefined) f.ends_on = input.endsOn;
  return f;
}

export async function listCampaigns(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  return (await repo.listCampaigns(ctx.db, workspaceId)).map(presentCampaign);
}

export async function getCampaign(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  const c = await repo.findCampaign(ctx.db, workspaceId, id);
  if (!c) throw notFound("campaign");
  return presentCampaign(c);
}

export async function createCampaign(ctx: AppContext, user: AuthUser, workspaceId: string, input: CampaignInput) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const id = await uniqueName(input.name, () =>
    repo.insertCampaign(ctx.db, workspaceId, { ...campaignFields(input), name: input.name }),
  );
  return getCampaign(ctx, user, workspaceId, id);
}

export async function updateCampaign(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  id: string,
  patch: Partial<CampaignInput>,
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const current = await repo.findCampaign(ctx.db, workspaceId, id);
  if (!current) throw notFound("campaign");
  // The date order is checked on the result, since a patch may move only one end.
  const starts = patch.startsOn !== undefined ? patch.startsOn : current.starts_on;
  const ends = patch.endsOn !== undefined ? patch.endsOn : current.ends_on;
  if (starts && ends && starts > ends) throw new AppError("campaign_dates", {}, { endsOn: "before_start" });
  await uniqueName(patch.name ?? current.name, () =>
    repo.updateCampaign(ctx.db, workspaceId, id, campaignFields(patch)),
  );
  return getCampaign(ctx, user, workspaceId, id);
}

/** Deleting a campaign keeps its posts (they lose the campaign). */
export async function deleteCampaign(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  if (!(await repo.deleteCampaign(ctx.db, workspaceId, id))) throw notFound("campaign");
}

export async function listTags(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  return (await repo.listTags(ctx.db, workspaceId)).map(presentTag);
}

export async function getTag(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.read");
  const t = await repo.findTag(ctx.db, workspaceId, id);
  if (!t) throw notFound("tag");
  return presentTag(t);
}

export async function createTag(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  input: { name: string; color?: string },
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const id = await uniqueName(input.name, () => repo.insertTag(ctx.db, workspaceId, input));
  return getTag(ctx, user, workspaceId, id);
}

export async function updateTag(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  id: string,
  patch: { name?: string; color?: string },
) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  const current = await repo.findTag(ctx.db, workspaceId, id);
  if (!current) throw notFound("tag");
  await uniqueName(patch.name ?? current.name, () => repo.updateTag(ctx.db, workspaceId, id, patch));
  return getTag(ctx, user, workspaceId, id);
}

/** Deleting a tag removes it from its posts. */
export async function deleteTag(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await workspaces.authorize(ctx, user, workspaceId, "posts.write");
  if (!(await repo.deleteTag(ctx.db, workspaceId, id))) throw notFound("tag");
}
