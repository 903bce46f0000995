import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { knownMigrations, migrateTo } from "../../src/db/migrate.js";
import { parseFeed } from "../../src/modules/veille/core.js";
import { insertFeed } from "../../src/modules/veille/feeds.repo.js";
import { ingestFeed } from "../../src/modules/veille/ingest.service.js";
import type { TestApp } from "../helpers/app.js";
import { emptyDatabase } from "../helpers/databases.js";

/** Helpers of the alerts tests: feeds ingested through the veille's real path, and a real SMTP server. */

export interface RssItem {
  guid: string;
  title: string;
  description: string;
  link?: string;
  pubDate?: Date;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function rss(title: string, items: RssItem[], language = "fr"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${esc(title)}</title><link>https://presse.exemple.fr/</link><language>${language}</language>
${items
  .map(
    (
      i,
    ) => `<item><guid>${esc(i.guid)}</guid><title>${esc(i.title)}</title><link>${esc(i.link ?? `https://presse.exemple.fr/${i.guid}`)}</link>
<description>${esc(i.description)}</description><pubDate>${(i.pubDate ?? new Date()).toUTCString()}</pubDate></item>`,
  )
  .join("\n")}
</channel></rss>`;
}

/** Subscribes the workspace to a feed (once) and ingests the document: the veille's own code path. */
export async function ingest(t: TestApp, workspaceId: string, feedUrl: string, xml: string) {
  const feed =
    (await insertFeed(t.ctx.db, workspaceId, { url: feedUrl, title: "Presse régionale" })) ??
    (await t.ctx.db
      .selectFrom("feeds")
      .selectAll()
      .where("workspace_id", "=", workspaceId)
      .where("url", "=", feedUrl)
      .executeTakeFirstOrThrow());
  return ingestFeed(t.ctx, feed, parseFeed(xml, { url: feedUrl }));
}

export interface SmtpRefusal {
  /** The SMTP reply code, e.g. 451 (try again later) or 550 (mailbox unavailable). */
  code: number;
  message: string;
  /** Refuse the recipient (RCPT TO) or the message after receiving it (end of DATA, the default). */
  phase?: "rcpt" | "data";
  /** Only for this recipient (RCPT TO refusals). */
  recipient?: string;
}

export interface Inbox {
  url: string;
  /** Messages accepted. */
  messages: ParsedMail[];
  /** Messages received and then refused at the end of DATA (a refused RCPT never gets that far). */
  refused: ParsedMail[];
  /** Queues refusals for the next transactions, then accepts again. */
  refuseNext(...refusals: SmtpRefusal[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

function smtpError(r: SmtpRefusal): Error {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

/** A real SMTP server on 127.0.0.1 (smtp-server), messages parsed with mailparser; refusals can be scripted. */
export async function startSmtp(): Promise<Inbox> {
  const messages: ParsedMail[] = [];
  const refused: ParsedMail[] = [];
  const queue: SmtpRefusal[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const i = queue.findIndex(
        (r) => r.phase === "rcpt" && (!r.recipient || r.recipient === address.address.toLowerCase()),
      );
      if (i >= 0) return callback(smtpError(queue.splice(i, 1)[0]!));
      callback();
    },
    onData(stream, _session, callback) {
      const i = queue.findIndex((r) => r.phase !== "rcpt");
      const refusal = i >= 0 ? queue.splice(i, 1)[0] : undefined;
      simpleParser(stream)
        .then((mail) => {
          if (refusal) {
            refused.push(mail);
            return callback(smtpError(refusal));
          }
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    refuseNext(...refusals) {
      queue.push(...refusals);
    },
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} e-mails, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Bluesky account of the workspace for the alerts' network searches (its connector is the test's fake). */
export async function insertSearchAccount(t: TestApp, workspaceId: string): Promise<string> {
  const id = randomUUID();
  await t.ctx.db
    .insertInto("social_accounts")
    .values({
      id,
      workspace_id: workspaceId,
      network: "bluesky",
      display_name: "Veille Bluesky",
      handle: "veille.bsky.social",
      settings: "{}",
      credentials_enc: t.ctx.secrets.encryptJson({ handle: "veille.bsky.social", appPassword: "xxxx" }, id),
    } as never)
    .execute();
  return id;
}

/**
 * An empty database of the engine under test, migrated up to the migration just before `migration`, with one
 * workspace: for upgrade tests. Close it with `target.close()`.
 */
export async function databaseBefore(migration: string, workspaceName: string) {
  const target = await emptyDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  try {
    await migrateTo(
      target.database,
      knownMigrations()
        .filter((n) => n < migration)
        .at(-1) as string,
    );
    const db = target.database.db;
    const wsId = (
      await sql<{ id: string }>`insert into workspaces (name, timezone, locale)
        values (${workspaceName}, 'Europe/Paris', 'fr') returning id`.execute(db)
    ).rows[0]?.id as string;
    return { target, db, wsId };
  } catch (err) {
    await target.close();
    throw err;
  }
}
