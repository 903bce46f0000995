import { sql } from "kysely";
import type { AppContext } from "../../context.js";
import type { Locale, User } from "../../db/schema.js";
import { burnPasswordCheck, hashPassword, randomToken, sha256, verifyPassword } from "../../lib/crypto.js";
import { AppError, isUniqueViolation, notFound } from "../../lib/errors.js";
import * as repo from "./auth.repo.js";
import { principalCache } from "./principal-cache.js";

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  isOwner: boolean;
  canCreateWorkspaces: boolean;
  createdAt: string;
}

/** Who is calling: a browser session (with its CSRF token) or an API token. */
export type Principal =
  | { kind: "session"; user: AuthUser; sessionId: string; csrfToken: string }
  | { kind: "token"; user: AuthUser; tokenId: string };

export function presentUser(u: User): AuthUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    locale: u.locale,
    isOwner: u.is_owner,
    canCreateWorkspaces: u.can_create_workspaces,
    createdAt: u.created_at.toISOString(),
  };
}

export const API_TOKEN_PREFIX = "rls_";

/** Creates an account. Used by setup, the CLI and invitation acceptance. */
export async function createUser(
  ctx: AppContext,
  input: {
    email: string;
    name: string;
    password: string;
    locale?: Locale;
    isOwner?: boolean;
    canCreateWorkspaces?: boolean;
  },
): Promise<AuthUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await repo.insertUser(ctx.db, {
      email: input.email.toLowerCase(),
      name: input.name,
      password_hash: passwordHash,
      locale: input.locale ?? "fr",
      is_owner: input.isOwner ?? false,
      can_create_workspaces: input.canCreateWorkspaces ?? true,
    });
    return presentUser(user);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("email_taken");
    throw err;
  }
}

export async function needsSetup(ctx: AppContext): Promise<boolean> {
  return (await repo.countUsers(ctx.db)) === 0;
}

/**
 * First run: creates the instance owner, only while no user exists. Two racing setups cannot both win:
 * the insert happens in a transaction holding an advisory lock.
 */
export async function setup(
  ctx: AppContext,
  input: { email: string; name: string; password: string; locale: Locale },
  userAgent: string | null,
): Promise<{ user: AuthUser; token: string; csrfToken: string }> {
  const passwordHash = await hashPassword(input.password);
  const user = await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(4242001)`.execute(trx);
    if ((await repo.countUsers(trx)) > 0) throw new AppError("setup_done");
    return repo.insertUser(trx, {
      email: input.email,
      name: input.name,
      password_hash: passwordHash,
      locale: input.locale,
      is_owner: true,
      can_create_workspaces: true,
    });
  });
  const session = await openSession(ctx, user.id, userAgent);
  return { user: presentUser(user), ...session };
}

async function openSession(ctx: AppContext, userId: string, userAgent: string | null) {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  await repo.insertSession(ctx.db, {
    id: sha256(token),
    userId,
    csrfToken,
    userAgent: userAgent?.slice(0, 300) ?? null,
    expiresAt: sessionExpiry(ctx),
  });
  return { token, csrfToken };
}

function sessionExpiry(ctx: AppContext): Date {
  return new Date(Date.now() + ctx.config.sessionDays * 86_400_000);
}

/** Checks e-mail and password; opens a session. The same error (and about the same time) for both failures. */
export async function login(ctx: AppContext, email: string, password: string, userAgent: string | null) {
  const user = await repo.findUserByEmail(ctx.db, email);
  if (!user) {
    await burnPasswordCheck(password);
    throw new AppError("invalid_credentials");
  }
  if (!(await verifyPassword(user.password_hash, password))) throw new AppError("invalid_credentials");
  const session = await openSession(ctx, user.id, userAgent);
  return { user: presentUser(user), ...session };
}

export async function logout(ctx: AppContext, sessionId: string): Promise<void> {
  await repo.deleteSession(ctx.db, sessionId);
  principalCache(ctx.database)?.forget(`s:${sessionId}`);
}

const TOUCH_EVERY_MS = 60 * 60 * 1000;

/** Resolves a session cookie. Sliding expiry, written at most hourly so reads stay reads. */
export async function authenticateSession(ctx: AppContext, cookieValue: string): Promise<Principal | null> {
  const id = sha256(cookieValue);
  const cache = principalCache(ctx.database);
  const cached = cache?.get(`s:${id}`);
  if (cached) return cached;
  const row = await repo.findLiveSession(ctx.db, id);
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await repo.touchSession(ctx.db, id, sessionExpiry(ctx));
  }
  const principal: Principal = { kind: "session", user: presentUser(row), sessionId: id, csrfToken: row.csrf_token };
  // Never cache past the session's own expiry.
  if (row.expires_at.getTime() - Date.now() > 10_000) cache?.set(`s:${id}`, principal);
  return principal;
}

/** Resolves an `Authorization: Bearer rls_…` token. */
export async function authenticateToken(ctx: AppContext, token: string): Promise<Principal | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const hash = sha256(token);
  const cache = principalCache(ctx.database);
  const cached = cache?.get(`t:${hash}`);
  if (cached) return cached;
  const row = await repo.findLiveApiToken(ctx.db, hash);
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await repo.markApiTokenUsed(ctx.db, row.token_id);
  }
  const principal: Principal = { kind: "token", user: presentUser(row), tokenId: row.token_id };
  cache?.set(`t:${hash}`, principal);
  return principal;
}

/** Changes the password and signs out every other session of the user. */
export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const user = await repo.findUserById(ctx.db, principal.user.id);
  if (!user) throw notFound("user");
  if (!(await verifyPassword(user.password_hash, currentPassword))) throw new AppError("wrong_password");
  await repo.updateUser(ctx.db, user.id, { password_hash: await hashPassword(newPassword) });
  await repo.deleteOtherSessions(ctx.db, user.id, principal.kind === "session" ? principal.sessionId : null);
  principalCache(ctx.database)?.forgetUser(user.id);
}

export async function updateProfile(ctx: AppContext, userId: string, patch: { name?: string; locale?: Locale }) {
  const user = presentUser(await repo.updateUser(ctx.db, userId, patch));
  principalCache(ctx.database)?.forgetUser(userId);
  return user;
}

export async function createApiToken(ctx: AppContext, userId: string, name: string) {
  const token = randomToken(32, API_TOKEN_PREFIX);
  const row = await repo.insertApiToken(ctx.db, {
    userId,
    name,
    tokenHash: sha256(token),
    prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
  });
  return { ...presentToken(row), token };
}

export async function listApiTokens(ctx: AppContext, userId: string) {
  return (await repo.listApiTokens(ctx.db, userId)).map(presentToken);
}

export async function revokeApiToken(ctx: AppContext, userId: string, id: string): Promise<void> {
  if (!(await repo.revokeApiToken(ctx.db, userId, id))) throw notFound("token");
  principalCache(ctx.database)?.forgetUser(userId);
}

function presentToken(t: { id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
  };
}

export async function findUserByEmail(ctx: AppContext, email: string): Promise<AuthUser | undefined> {
  const u = await repo.findUserByEmail(ctx.db, email);
  return u ? presentUser(u) : undefined;
}

export async function listUsers(ctx: AppContext): Promise<AuthUser[]> {
  return (await repo.listUsers(ctx.db)).map(presentUser);
}

export async function purgeExpiredSessions(ctx: AppContext): Promise<number> {
  return repo.deleteExpiredSessions(ctx.db);
}
