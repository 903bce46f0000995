import type { AppContext } from "../../context.js";
import type { Locale, Role } from "../../db/schema.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { AppError, forbidden, notFound } from "../../lib/errors.js";
import * as audit from "../audit/audit.service.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as auth from "../auth/auth.service.js";
import { canAssign } from "../workspaces/roles.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import { invitationMail } from "./members.mail.js";
import * as repo from "./members.repo.js";

const INVITATION_DAYS = 7;

export async function listMembers(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "members.read");
  return (await repo.listMembers(ctx.db, workspaceId)).map(presentMember);
}

function presentMember(m: { user_id: string; email: string; name: string; role: Role; created_at: Date }) {
  return { userId: m.user_id, email: m.email, name: m.name, role: m.role, joinedAt: m.created_at.toISOString() };
}

/**
 * Changes a member's role. Managers manage everyone below owner; only owners touch owners; the last owner
 * cannot be demoted. Recorded in the audit log.
 */
export async function changeRole(ctx: AppContext, user: AuthUser, workspaceId: string, memberId: string, role: Role) {
  const actorRole = await workspaces.authorize(ctx, user, workspaceId, "members.manage");
  const member = await repo.findMember(ctx.db, workspaceId, memberId);
  if (!member) throw notFound("member");
  if (!canAssign(actorRole, member.role, role)) throw forbidden();
  if (member.role === role) return presentMember(member);
  await ctx.db.transaction().execute(async (trx) => {
    if (member.role === "owner" && (await repo.countOwners(trx, workspaceId)) <= 1) throw new AppError("last_owner");
    await repo.setRole(trx, workspaceId, memberId, role);
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "member.role_changed",
        targetType: "user",
        targetId: memberId,
        data: { email: member.email, from: member.role, to: role },
      },
    );
  });
  return presentMember({ ...member, role });
}

/** Removes a member (or lets members leave). The last owner cannot leave. */
export async function removeMember(ctx: AppContext, user: AuthUser, workspaceId: string, memberId: string) {
  const self = memberId === user.id;
  const actorRole = await workspaces.authorize(ctx, user, workspaceId, self ? "members.read" : "members.manage");
  const member = await repo.findMember(ctx.db, workspaceId, memberId);
  if (!member) throw notFound("member");
  if (!self && member.role === "owner" && actorRole !== "owner") throw forbidden();
  await ctx.db.transaction().execute(async (trx) => {
    if (member.role === "owner" && (await repo.countOwners(trx, workspaceId)) <= 1) throw new AppError("last_owner");
    await repo.deleteMember(trx, workspaceId, memberId);
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: self ? "member.left" : "member.removed",
        targetType: "user",
        targetId: memberId,
        data: { email: member.email, role: member.role },
      },
    );
  });
}

export async function listInvitations(ctx: AppContext, user: AuthUser, workspaceId: string) {
  await workspaces.authorize(ctx, user, workspaceId, "members.manage");
  return (await repo.listPendingInvitations(ctx.db, workspaceId)).map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.invited_by_name,
    createdAt: i.created_at.toISOString(),
    expiresAt: i.expires_at.toISOString(),
    expired: i.expires_at.getTime() < Date.now(),
  }));
}

/**
 * Invites an address with a role. Returns the acceptance link too: the CM can pass it on by hand when
 * no SMTP server is configured. A new invitation to the same address replaces the previous one.
 */
export async function invite(ctx: AppContext, user: AuthUser, workspaceId: string, email: string, role: Role) {
  const actorRole = await workspaces.authorize(ctx, user, workspaceId, "members.manage");
  if (!canAssign(actorRole, null, role)) throw forbidden();
  const ws = await workspaces.get(ctx, user, workspaceId);
  const existing = await auth.findUserByEmail(ctx, email);
  if (existing && (await repo.findMember(ctx.db, workspaceId, existing.id))) {
    throw new AppError("conflict", {}, { email: "already_member" });
  }
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  const inv = await ctx.db.transaction().execute(async (trx) => {
    await repo.revokePendingFor(trx, workspaceId, email);
    const row = await repo.insertInvitation(trx, workspaceId, {
      email,
      role,
      tokenHash: sha256(token),
      invitedBy: user.id,
      expiresAt,
    });
    await audit.record(
      { db: trx },
      {
        workspaceId,
        actorUserId: user.id,
        action: "invitation.created",
        targetType: "invitation",
        targetId: row.id,
        data: { email, role },
      },
    );
    return row;
  });
  const url = `${ctx.config.publicUrl}/invite/${token}`;
  let emailed = false;
  if (ctx.mailer.enabled) {
    try {
      await ctx.mailer.send(
        invitationMail(ws.locale, { to: email, inviter: user.name, workspace: ws.name, role, url, expiresAt }),
      );
      emailed = true;
    } catch (err) {
      // The invitation stands; the UI shows the link to copy and says the e-mail failed.
      ctx.logger.warn({ err: (err as Error).message, workspaceId }, "invitation e-mail failed");
    }
  }
  return {
    invitation: {
      id: inv.id,
      email,
      role,
      invitedBy: user.name,
      createdAt: inv.created_at.toISOString(),
      expiresAt: expiresAt.toISOString(),
      expired: false,
    },
    acceptUrl: url,
    emailed,
  };
}

export async function revokeInvitation(ctx: AppContext, user: AuthUser, workspaceId: string, id: string) {
  await workspaces.authorize(ctx, user, workspaceId, "members.manage");
  const inv = await repo.findInvitation(ctx.db, workspaceId, id);
  if (!inv || !(await repo.revokeInvitation(ctx.db, workspaceId, id))) throw notFound("invitation");
  await audit.record(ctx, {
    workspaceId,
    actorUserId: user.id,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: id,
    data: { email: inv.email, role: inv.role },
  });
}

async function findValidInvitation(ctx: AppContext, token: string) {
  const inv = await repo.findInvitationByToken(ctx.db, sha256(token));
  if (!inv) throw notFound("invitation");
  if (inv.accepted_at || inv.revoked_at || inv.expires_at.getTime() < Date.now())
    throw new AppError("invitation_invalid");
  return inv;
}

/** What the invitation page shows before acceptance. */
export async function describeInvitation(ctx: AppContext, token: string) {
  const inv = await findValidInvitation(ctx, token);
  const account = await auth.findUserByEmail(ctx, inv.email);
  return {
    workspaceName: inv.workspace_name,
    email: inv.email,
    role: inv.role,
    invitedBy: inv.invited_by_name,
    expiresAt: inv.expires_at.toISOString(),
    accountExists: Boolean(account),
  };
}

/**
 * Accepts an invitation. Signed in: the account must be the invited address. Not signed in: creates the
 * account for the invited address (a client who never used Relais), which cannot create workspaces.
 */
export async function acceptInvitation(
  ctx: AppContext,
  token: string,
  caller: AuthUser | null,
  newAccount: { name: string; password: string; locale: Locale } | null,
): Promise<{ user: AuthUser; workspaceId: string; createdAccount: boolean }> {
  const inv = await findValidInvitation(ctx, token);
  let user = caller;
  let createdAccount = false;
  if (user) {
    if (user.email.toLowerCase() !== inv.email.toLowerCase()) throw new AppError("invitation_email_mismatch");
  } else {
    if (await auth.findUserByEmail(ctx, inv.email))
      throw new AppError("unauthenticated", {}, { reason: "account_exists" });
    if (!newAccount) throw new AppError("validation_failed", {}, [{ path: "password", code: "required" }]);
    user = await auth.createUser(ctx, {
      email: inv.email,
      name: newAccount.name,
      password: newAccount.password,
      locale: newAccount.locale,
      canCreateWorkspaces: false,
    });
    createdAccount = true;
  }
  const accepted = await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.markAccepted(trx, inv.id, user.id))) return false;
    await repo.insertMember(trx, inv.workspace_id, user.id, inv.role);
    await audit.record(
      { db: trx },
      {
        workspaceId: inv.workspace_id,
        actorUserId: user.id,
        action: "invitation.accepted",
        targetType: "invitation",
        targetId: inv.id,
        data: { email: inv.email, role: inv.role },
      },
    );
    return true;
  });
  if (!accepted) throw new AppError("invitation_invalid");
  return { user, workspaceId: inv.workspace_id, createdAccount };
}

export async function purgeExpiredInvitations(ctx: AppContext, olderThanDays: number): Promise<number> {
  return repo.deleteInvitationsExpiredBefore(ctx.db, new Date(Date.now() - olderThanDays * 86_400_000));
}
