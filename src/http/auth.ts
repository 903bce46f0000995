import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { safeEqual } from "../lib/crypto.js";
import { AppError } from "../lib/errors.js";
import type { AuthUser } from "../modules/auth/auth.service.js";
import * as auth from "../modules/auth/auth.service.js";
import { localeFromHeader } from "./messages.js";
import type { App } from "./types.js";

export const SESSION_COOKIE = "relais_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves who is calling on every request, before the body is even parsed: a Bearer API token or the
 * session cookie. Routes are private unless their config says `access: "public"`. Session callers must
 * send the session's CSRF token in X-CSRF-Token on state-changing requests; token callers need not.
 */
export function registerAuth(app: App, ctx: AppContext): void {
  app.decorateRequest("principal", null);
  app.decorateRequest("locale", "fr");

  app.addHook("onRequest", async (request) => {
    request.locale = localeFromHeader(request.headers["accept-language"]);
    request.principal = await resolvePrincipal(ctx, request);
    if (request.principal && !request.headers["accept-language"]) request.locale = request.principal.user.locale;
    const access = request.routeOptions.config?.access ?? (request.url.startsWith("/api/") ? "user" : "public");
    if (access !== "public" && !request.principal) throw new AppError("unauthenticated");
    const csrf = request.routeOptions.config?.csrf ?? true;
    if (csrf && request.principal?.kind === "session" && !SAFE_METHODS.has(request.method)) {
      const header = request.headers["x-csrf-token"];
      if (typeof header !== "string" || !safeEqual(header, request.principal.csrfToken))
        throw new AppError("csrf_failed");
    }
  });
}

async function resolvePrincipal(ctx: AppContext, request: FastifyRequest): Promise<auth.Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match?.[1] ? await auth.authenticateToken(ctx, match[1]) : null;
    // A wrong token is an error even on public routes: automation must learn its token is bad.
    if (!principal) throw new AppError("unauthenticated", {}, { reason: "invalid_token" });
    return principal;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? auth.authenticateSession(ctx, cookie) : null;
}

/** The signed-in user; only called from private routes, where the hook guarantees one. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.principal) throw new AppError("unauthenticated");
  return request.principal.user;
}

export function setSessionCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.config.secureCookies || request.protocol === "https",
    maxAge: ctx.config.sessionDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
}
