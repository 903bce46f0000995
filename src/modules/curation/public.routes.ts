import type { FastifyReply } from "fastify";
import type { AppContext } from "../../context.js";
import type { App } from "../../http/types.js";
import { tokenParams } from "./curation.schema.js";
import { type PublicFormat, topicDocument } from "./public.service.js";
import { PUBLIC_PAGE_CSP } from "./public-render.js";
import { publicPage } from "./reviews.service.js";

const tags = ["curation"];

const types: Record<PublicFormat, string> = {
  html: "text/html; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

function send(reply: FastifyReply, format: PublicFormat, body: string) {
  return reply
    .type(types[format])
    .header("content-security-policy", PUBLIC_PAGE_CSP)
    .header("cache-control", "public, max-age=300")
    .header("x-robots-tag", "noindex")
    .header("referrer-policy", "no-referrer")
    .send(body);
}

/** Public pages and feeds at unguessable URLs: no account, no cookie needed, nothing private in them. */
export async function curationPublicRoutes(app: App, ctx: AppContext): Promise<void> {
  const topicRoute = (suffix: string, format: PublicFormat, summary: string) =>
    app.get(
      `/api/public/topics/:token${suffix}`,
      { config: { access: "public" }, schema: { tags, summary, params: tokenParams } },
      async (request, reply) => send(reply, format, await topicDocument(ctx, request.params.token, format)),
    );
  topicRoute("", "html", "A public topic as a web page (server-rendered, no script)");
  topicRoute("/rss", "rss", "A public topic as RSS 2.0");
  topicRoute("/feed.json", "json", "A public topic as JSON Feed 1.1");

  app.get(
    "/api/public/reviews/:token",
    {
      config: { access: "public" },
      schema: { tags: ["press reviews"], summary: "A published press review as a web page", params: tokenParams },
    },
    async (request, reply) => send(reply, "html", await publicPage(ctx, request.params.token)),
  );
}
