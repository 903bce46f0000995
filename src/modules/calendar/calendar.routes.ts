import { z } from "zod";
import type { AppContext } from "../../context.js";
import { currentUser } from "../../http/auth.js";
import { responses } from "../../http/schemas.js";
import type { App } from "../../http/types.js";
import { jsonBytesWithArray } from "../../lib/json-bytes.js";
import {
  accountParams,
  calendarQuery,
  calendarResponse,
  moveBody,
  moveResult,
  postParams,
  slotsBody,
  slotsResponse,
  workspaceParams,
} from "./calendar.schema.js";
import * as calendar from "./calendar.service.js";
import * as csv from "./csv.service.js";
import * as ical from "./ical.service.js";
import * as reschedule from "./reschedule.service.js";
import * as series from "./series.service.js";
import * as slots from "./slots.service.js";

const tags = ["calendar"];

const seriesResult = z
  .object({
    postId: z.uuid(),
    version: z.number().int(),
    recurrence: z.string().nullable(),
    evergreen: z.boolean(),
    evergreenMinGapDays: z.number().int().nullable(),
  })
  .meta({ id: "PostSeriesSettings" });

const issue = z.object({ column: z.string().nullable(), code: z.string(), message: z.string() });
const importReport = z
  .object({
    dryRun: z.boolean(),
    valid: z.boolean(),
    status: z.enum(["scheduled", "draft"]),
    created: z.number().int(),
    postIds: z.array(z.uuid()),
    rows: z.array(
      z.object({ line: z.number().int(), ok: z.boolean(), errors: z.array(issue), warnings: z.array(issue) }),
    ),
  })
  .meta({ id: "CsvImportReport" });

/** CSV import body: JSON {csv}, or the file itself sent as text/csv (turned into {csv} by the parser). */
const importBody = z.object({ csv: z.string().min(1).max(5_000_000) }).strict();

const exportQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    separator: z.enum(["comma", "semicolon"]).default("comma"),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ["to"], params: { i18n: "range_order" } })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    path: ["to"],
    params: { i18n: "range_too_long" },
  });

export async function calendarRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    "/api/workspaces/:workspaceId/calendar",
    {
      schema: {
        tags,
        summary: "Posts between two instants (62 days at most), with future occurrences of recurring posts",
        description:
          "Posts whose time is in [from, to): scheduled, published, and posts not scheduled yet at their planned time " +
          "(`planned: true`). Failed, missed and unconfirmed targets carry `error` (explanation + the network's words). Filters are comma lists; " +
          "a post matches when it has a target on one of the accounts/networks, one of the tags, and is in one of the campaigns/statuses. " +
          "Accounts, campaigns and tags are described once, in `accounts`, `campaigns` and `tags` (by id); entries refer to them by id. " +
          "Fields without a value are left out of entries (no `linkUrl`, `campaignId`, `tagIds`, `recurrence`, `occurrence`, `parentId`; " +
          "`planned` and `evergreen` only when true; a target's `externalUrl`, `publishedAt`, `metrics` and `error` only when set).",
        params: workspaceParams,
        querystring: calendarQuery,
        response: responses({ 200: calendarResponse }),
      },
    },
    // The hot path of the calendar (a month view is ~1,000 entries, ~600 KB). The service builds typed entries,
    // so re-validating them against the schema on every view (a third of the time) buys nothing: the schema
    // documents the response and the tests check the body against it. The body is sent as bytes, its entries
    // encoded one by one (src/lib/json-bytes.ts): a 600 KB string costs Node ~8 ms more to send.
    async (request, reply) => {
      const body = await calendar.range(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.query,
        request.locale,
      );
      return reply.type("application/json; charset=utf-8").send(jsonBytesWithArray(body, "entries") as never);
    },
  );

  app.post(
    "/api/workspaces/:workspaceId/posts/:postId/move",
    {
      schema: {
        tags,
        summary: "Move a post not yet published to another time (drag and drop); undo is another move",
        params: postParams,
        body: moveBody,
        response: responses({ 200: moveResult }),
      },
    },
    async (request) =>
      reschedule.move(ctx, currentUser(request), request.params.workspaceId, request.params.postId, request.body),
  );

  app.post(
    "/api/workspaces/:workspaceId/posts/:postId/queue",
    {
      schema: {
        tags,
        summary: "Add to queue: schedule the post in the next free posting slot of its accounts",
        params: postParams,
        response: responses({ 200: moveResult.extend({ status: z.string() }) }),
      },
    },
    async (request) =>
      reschedule.queue(ctx, currentUser(request), request.params.workspaceId, request.params.postId, request.locale),
  );

  app.get(
    "/api/workspaces/:workspaceId/accounts/:accountId/slots",
    {
      schema: {
        tags,
        summary: "An account's weekly posting slots",
        params: accountParams,
        response: responses({ 200: slotsResponse }),
      },
    },
    async (request) => slots.get(ctx, currentUser(request), request.params.workspaceId, request.params.accountId),
  );

  app.put(
    "/api/workspaces/:workspaceId/accounts/:accountId/slots",
    {
      schema: {
        tags,
        summary: "Replace an account's weekly posting slots (wall-clock times in the workspace zone)",
        params: accountParams,
        body: slotsBody,
        response: responses({ 200: slotsResponse }),
      },
    },
    async (request) =>
      slots.replace(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.accountId,
        request.body.slots,
      ),
  );

  app.put(
    "/api/workspaces/:workspaceId/posts/:postId/recurrence",
    {
      schema: {
        tags,
        summary: "Make a post recur (RRULE, e.g. FREQ=WEEKLY;BYDAY=MO) or stop it (null)",
        params: postParams,
        body: z.object({ rule: z.string().max(500).nullable() }).strict(),
        response: responses({ 200: seriesResult }),
      },
    },
    async (request) =>
      series.setRecurrence(
        ctx,
        currentUser(request),
        request.params.workspaceId,
        request.params.postId,
        request.body.rule,
      ),
  );

  app.put(
    "/api/workspaces/:workspaceId/posts/:postId/evergreen",
    {
      schema: {
        tags,
        summary: "Recycle a post once published (evergreen), at least minGapDays after its last publication",
        params: postParams,
        body: z.object({ enabled: z.boolean(), minGapDays: z.number().int().min(1).max(365).optional() }).strict(),
        response: responses({ 200: seriesResult }),
      },
    },
    async (request) =>
      series.setEvergreen(ctx, currentUser(request), request.params.workspaceId, request.params.postId, request.body),
  );

  app.post(
    "/api/workspaces/:workspaceId/ical",
    {
      schema: {
        tags,
        summary: "Create a new secret iCal feed URL (manager+); the previous URL stops working",
        params: workspaceParams,
        response: responses({ 201: z.object({ url: z.string() }).meta({ id: "IcalFeed" }) }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await ical.rotate(ctx, currentUser(request), request.params.workspaceId)),
  );

  app.get(
    "/api/ical/:token",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "The workspace's calendar as iCalendar (RFC 5545), at its secret URL",
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
      },
    },
    async (request, reply) => {
      const body = await ical.feed(ctx, request.params.token);
      return reply
        .type("text/calendar; charset=utf-8")
        .header("cache-control", "private, max-age=300")
        .header("content-disposition", 'inline; filename="relais.ics"')
        .send(body);
    },
  );

  await app.register(async (plugin) => {
    const scoped = plugin as unknown as App;
    // A spreadsheet export can be posted as is; elsewhere the API stays JSON only.
    scoped.addContentTypeParser(["text/csv", "application/csv"], { parseAs: "string" }, (_req, body, done) =>
      done(null, { csv: body }),
    );
    scoped.post(
      "/api/workspaces/:workspaceId/posts/import",
      {
        schema: {
          tags,
          summary: "Bulk import posts from CSV: a row-by-row report; nothing is created unless every row is valid",
          description:
            "Columns: date, time, accounts (names or handles separated by |), text, link, media, tags (| separated). " +
            "A header row in French or English sets the order. `;` or `,`, UTF-8 with or without BOM. " +
            "Send JSON {csv} or the file as text/csv. dryRun defaults to true.",
          params: workspaceParams,
          querystring: z.object({ dryRun: z.enum(["true", "false"]).default("true") }),
          body: importBody,
          response: responses({ 200: importReport, 201: importReport, 422: importReport }),
        },
      },
      async (request, reply) => {
        const dryRun = request.query.dryRun !== "false";
        const result = await csv.importCsv(
          ctx,
          currentUser(request),
          request.params.workspaceId,
          request.body.csv,
          dryRun,
          request.locale,
        );
        return reply.status(dryRun ? 200 : result.valid ? 201 : 422).send(result);
      },
    );
  });

  app.get(
    "/api/workspaces/:workspaceId/posts/export.csv",
    {
      schema: {
        tags,
        summary: "Export posts between two instants as CSV (the import's columns + status + published URL)",
        params: workspaceParams,
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const body = await csv.exportCsv(ctx, currentUser(request), request.params.workspaceId, request.query);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="relais-posts.csv"')
        .send(body);
    },
  );
}
