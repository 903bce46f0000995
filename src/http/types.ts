import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Locale } from "../db/schema.js";
import type { AuthUser, Principal } from "../modules/auth/auth.service.js";

/** The Fastify instance every route module receives: zod schemas give typed bodies and OpenAPI. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** How a route is reached: `public` needs no principal; every other route needs one (the default). */
export type RouteAccess = "public" | "user";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    locale: Locale;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Set false only where no session can exist yet (sign-in). */
    csrf?: boolean;
  }
}

export type { AuthUser };
