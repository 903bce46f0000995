import { z } from "zod";
import type { AppContext } from "../../context.js";
import { clearSessionCookie, currentUser, setSessionCookie } from "../../http/auth.js";
import { errorSchema, noContent, responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { AppError } from "../../lib/errors.js";
import {
  changePasswordBody,
  createdTokenSchema,
  createTokenBody,
  loginBody,
  sessionSchema,
  setupBody,
  setupStatusSchema,
  tokenSchema,
  updateMeBody,
  userSchema,
} from "./auth.schema.js";
import * as auth from "./auth.service.js";

const tags = ["auth"];

export async function authRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/auth/setup",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Whether the first account still has to be created",
        response: { 200: setupStatusSchema },
      },
    },
    async () => ({ needsSetup: await auth.needsSetup(ctx) }),
  );

  app.post(
    "/api/auth/setup",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Create the owner account (only while no user exists)",
        body: setupBody,
        response: { 201: sessionSchema, 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const s = await auth.setup(ctx, request.body, request.headers["user-agent"] ?? null);
      setSessionCookie(ctx, request, reply, s.token);
      return reply.status(201).send({ user: s.user, csrfToken: s.csrfToken });
    },
  );

  app.post(
    "/api/auth/login",
    {
      config: {
        access: "public",
        csrf: false,
        rateLimit: {
          max: ctx.config.loginRateLimit,
          timeWindow: 15 * 60 * 1000,
          keyGenerator: (req) =>
            `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? "").toLowerCase()}`,
        },
      },
      schema: {
        tags,
        summary: "Sign in with e-mail and password (rate-limited)",
        body: loginBody,
        response: { 200: sessionSchema, 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const s = await auth.login(ctx, request.body.email, request.body.password, request.headers["user-agent"] ?? null);
      setSessionCookie(ctx, request, reply, s.token);
      return { user: s.user, csrfToken: s.csrfToken };
    },
  );

  app.post(
    "/api/auth/logout",
    { schema: { tags, summary: "Sign out of this session", response: responses({ 204: noContent }) } },
    async (request, reply) => {
      if (request.principal?.kind === "session") await auth.logout(ctx, request.principal.sessionId);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/auth/session",
    { schema: { tags, summary: "The signed-in user and the CSRF token", response: responses({ 200: sessionSchema }) } },
    async (request) => {
      const p = request.principal;
      if (!p) throw new AppError("unauthenticated");
      return { user: p.user, csrfToken: p.kind === "session" ? p.csrfToken : "" };
    },
  );

  app.patch(
    "/api/auth/me",
    {
      schema: {
        tags,
        summary: "Update my name or language",
        body: updateMeBody,
        response: responses({ 200: userSchema }),
      },
    },
    async (request) => auth.updateProfile(ctx, currentUser(request).id, request.body),
  );

  app.post(
    "/api/auth/password",
    {
      schema: {
        tags,
        summary: "Change my password (signs out my other sessions)",
        body: changePasswordBody,
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      if (!request.principal) throw new AppError("unauthenticated");
      await auth.changePassword(ctx, request.principal, request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/auth/tokens",
    { schema: { tags, summary: "My personal API tokens", response: responses({ 200: z.array(tokenSchema) }) } },
    async (request) => auth.listApiTokens(ctx, currentUser(request).id),
  );

  app.post(
    "/api/auth/tokens",
    {
      schema: {
        tags,
        summary: "Create a personal API token (shown once)",
        body: createTokenBody,
        response: responses({ 201: createdTokenSchema }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await auth.createApiToken(ctx, currentUser(request).id, request.body.name)),
  );

  app.delete(
    "/api/auth/tokens/:tokenId",
    {
      schema: {
        tags,
        summary: "Revoke one of my API tokens",
        params: z.object({ tokenId: z.uuid() }),
        response: responses({ 204: noContent }),
      },
    },
    async (request, reply) => {
      await auth.revokeApiToken(ctx, currentUser(request).id, request.params.tokenId);
      return reply.status(204).send(null);
    },
  );
}
