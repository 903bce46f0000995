import { sql } from "kysely";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { App } from "./types.js";

const startedAt = new Date();

/** Liveness and readiness in one: answers 200 only when the database answers. */
export async function healthRoutes(app: App, ctx: AppContext, version: string): Promise<void> {
  app.get(
    "/api/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["system"],
        summary: "Health: status, database kind, version",
        response: {
          200: z.object({
            status: z.literal("ok"),
            database: z.enum(["pglite", "postgres"]),
            version: z.string(),
            startedAt: z.iso.datetime({ offset: true }),
          }),
          503: z.object({ status: z.literal("unavailable"), database: z.enum(["pglite", "postgres"]) }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch {
        return reply.status(503).send({ status: "unavailable" as const, database: ctx.database.kind });
      }
      return { status: "ok" as const, database: ctx.database.kind, version, startedAt: startedAt.toISOString() };
    },
  );
}
