import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { LogController } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { AppContext } from "../context.js";
import { AppError } from "../lib/errors.js";
import { accountsRoutes } from "../modules/accounts/accounts.routes.js";
import { oauthRoutes } from "../modules/accounts/oauth.routes.js";
import { analyticsRoutes } from "../modules/analytics/analytics.routes.js";
import { authRoutes } from "../modules/auth/auth.routes.js";
import { calendarRoutes } from "../modules/calendar/calendar.routes.js";
import { curationRoutes } from "../modules/curation/curation.routes.js";
import { curationPublicRoutes } from "../modules/curation/public.routes.js";
import { reviewsRoutes } from "../modules/curation/reviews.routes.js";
import { inboxRoutes } from "../modules/inbox/inbox.routes.js";
import { mediaRoutes } from "../modules/media/media.routes.js";
import { mediaFilesRoutes } from "../modules/media/media-files.routes.js";
import { membersRoutes } from "../modules/members/members.routes.js";
import { notificationsRoutes } from "../modules/notifications/notifications.routes.js";
import { approvalsRoutes } from "../modules/publishing/approvals.routes.js";
import { postsRoutes } from "../modules/publishing/posts.routes.js";
import { taxonomyRoutes } from "../modules/publishing/taxonomy.routes.js";
import { schedulerRoutes } from "../modules/scheduler/scheduler.routes.js";
import { alertsRoutes } from "../modules/veille/alerts/alerts.routes.js";
import { veilleFeedsRoutes } from "../modules/veille/feeds.routes.js";
import { veilleItemsRoutes } from "../modules/veille/items.routes.js";
import { workspacesRoutes } from "../modules/workspaces/workspaces.routes.js";
import { VERSION } from "../version.js";
import { registerAuth } from "./auth.js";
import { errorBody, handleError, validatorCompiler } from "./errors.js";
import { healthRoutes } from "./health.routes.js";
import type { App } from "./types.js";
import { registerWeb } from "./web.js";

/** Every API route as registered: the access-control and bad-input tests walk this list. */
export interface RouteInfo {
  method: string;
  url: string;
  access: "public" | "user";
  schema: unknown;
}

declare module "fastify" {
  interface FastifyInstance {
    routeCatalog: RouteInfo[];
  }
}

export interface BuildOptions {
  /** Serve the built web UI (off in API tests). */
  web?: boolean;
  /** Where the built UI is (defaults to dist/web). */
  webRoot?: string;
  /** Log requests (off in tests and benchmarks). */
  logRequests?: boolean;
}

/** Builds the HTTP application: plugins, auth, every module's routes, OpenAPI and the web UI. */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // The API speaks JSON only: a text/plain body is refused (415) rather than validated as a string.
  app.removeContentTypeParser("text/plain");

  const catalog: RouteInfo[] = [];
  app.decorate("routeCatalog", catalog);
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api/docs")) route.config = { ...(route.config ?? {}), access: "public" };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === "HEAD" || !route.url.startsWith("/api/")) continue;
      catalog.push({ method, url: route.url, access: route.config?.access ?? "user", schema: route.schema });
    }
  });
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Saved links and feed items show their pages' own images (curation cards, reader): images only.
        imgSrc: ["'self'", "data:", "blob:", "https:", "http:"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Media uploads only (request.parts() in the media routes): one file, a few text fields; the per-kind
  // size limits are enforced while reading, this is the outer bound.
  await app.register(fastifyMultipart, {
    limits: {
      files: 1,
      fields: 10,
      parts: 12,
      fieldSize: 16 * 1024,
      fileSize: Math.max(ctx.config.mediaMaxImageBytes, ctx.config.mediaMaxVideoBytes) + 1,
    },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    hook: "preHandler",
    errorResponseBuilder: (_req, context) => new AppError("rate_limited", { retry: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Relais API",
        version: VERSION,
        description:
          'Relais — workspace for community managers. Authenticate with a session cookie (web UI, send X-CSRF-Token on writes) or `Authorization: Bearer <API token>`. Errors are `{"error":{"code","message","details"}}`; messages follow Accept-Language (fr, en).',
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "Personal API token (relais token create)" },
          session: { type: "apiKey", in: "cookie", name: "relais_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: "/api/docs",
    uiConfig: { docExpansion: "list", deepLinking: true },
    staticCSP: true,
    logLevel: "warn",
  });

  registerAuth(app, ctx);

  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());
  await healthRoutes(app, ctx, VERSION);
  await authRoutes(app, ctx);
  await workspacesRoutes(app, ctx);
  await membersRoutes(app, ctx);
  await schedulerRoutes(app, ctx);
  await notificationsRoutes(app, ctx);
  await accountsRoutes(app, ctx);
  await oauthRoutes(app, ctx);
  await taxonomyRoutes(app, ctx);
  await postsRoutes(app, ctx);
  await approvalsRoutes(app, ctx);
  await mediaRoutes(app, ctx);
  await mediaFilesRoutes(app, ctx);
  await calendarRoutes(app, ctx);
  await inboxRoutes(app, ctx);
  await analyticsRoutes(app, ctx);
  await veilleFeedsRoutes(app, ctx);
  await veilleItemsRoutes(app, ctx);
  await alertsRoutes(app, ctx);
  await curationRoutes(app, ctx);
  await reviewsRoutes(app, ctx);
  await curationPublicRoutes(app, ctx);

  const hasWeb = options.web !== false && (await registerWeb(app, options.webRoot));
  app.setNotFoundHandler((request, reply) => {
    if (
      request.url.startsWith("/api/") ||
      request.url === "/api" ||
      !hasWeb ||
      !["GET", "HEAD"].includes(request.method)
    ) {
      return reply.status(404).send(errorBody(request.locale ?? "fr", "route_not_found"));
    }
    return (
      reply
        .type("text/html")
        .header("cache-control", "no-cache")
        // Revalidated on every load, so a new build's asset names are picked up at once.
        .sendFile("index.html", { cacheControl: false })
    );
  });
  return app;
}
