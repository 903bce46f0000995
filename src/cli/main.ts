import { Command, InvalidArgumentError, Option } from "commander";
import { type Config, ConfigError, loadConfig } from "../config.js";
import type { AppContext } from "../context.js";
import { BackupError, backup, restore } from "../db/backup.js";
import { DataDirBusyError, lockDataDir } from "../db/data-dir-lock.js";
import { migrateToLatest } from "../db/migrate.js";
import { errorMessage } from "../http/messages.js";
import { AppError } from "../lib/errors.js";
import { createLogger } from "../logger.js";
import * as auth from "../modules/auth/auth.service.js";
import { closeContext, createContext } from "../runtime.js";
import { ALL_ROLES, type RunningServer, type ServerRole, startServer } from "../server.js";
import { VERSION } from "../version.js";
import { registerFeedsCommand } from "./feeds.js";

/** An error the user can fix: printed as one line on stderr, exit code 1. */
class CliError extends Error {}

function config(): Config {
  return loadConfig();
}

/** Opens the database for a one-shot command, holding the data dir lock when embedded. */
async function withContext<T>(fn: (ctx: AppContext) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const cfg = config();
  const release = cfg.databaseUrl ? () => {} : lockDataDir(cfg.dataDir);
  const ctx = await createContext(cfg, { logger: createLogger({ logLevel: "warn" }), migrate: options.migrate });
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
    release();
  }
}

function parseRoles(value: string): ServerRole[] {
  const roles = value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (bad.length || roles.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${ALL_ROLES.join(", ")}`);
  }
  return roles as ServerRole[];
}

export function buildCli(): Command {
  const program = new Command("relais")
    .description("Relais — self-hosted workspace for community managers")
    .version(VERSION)
    // Usage errors too are one line on stderr, like every other error of the command.
    .configureOutput({
      outputError: (message, write) =>
        write(
          `relais: ${message
            .replace(/^error: /, "")
            .replace(/\s+/g, " ")
            .trim()} (run relais --help for usage)\n`,
        ),
    });

  program
    .command("serve")
    .description("Run Relais: the HTTP API and web UI, the job worker and the scheduler")
    .addOption(
      new Option("--roles <roles>", "comma-separated roles to run in this process: api, worker, scheduler")
        .argParser(parseRoles)
        .default([...ALL_ROLES], "api,worker,scheduler"),
    )
    .option("--port <port>", "HTTP port (overrides PORT)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("expected a port number");
      return n;
    })
    .action(async (opts: { roles: ServerRole[]; port?: number }) => {
      const cfg = loadConfig(process.env, opts.port === undefined ? {} : { port: opts.port });
      const release = cfg.databaseUrl ? () => {} : lockDataDir(cfg.dataDir);
      // Signals are handled from the start: one that arrives while migrating or starting is honoured
      // once the start completes, instead of killing the process in the middle of a migration.
      let server: RunningServer | undefined;
      let requested: NodeJS.Signals | undefined;
      let signals = 0;
      const stop = (signal: NodeJS.Signals, running: RunningServer) => {
        running.ctx.logger.info({ signal }, "shutting down: finishing in-flight requests and jobs");
        running
          .stop()
          .then(() => {
            release();
            process.exit(0);
          })
          .catch((err) => {
            running.ctx.logger.error({ err }, "error during shutdown");
            process.exit(1);
          });
      };
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals > 1) {
          process.stderr.write(`relais: second ${signal}: exiting now\n`);
          process.exit(1);
        }
        if (server) stop(signal, server);
        else requested = signal;
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      server = await startServer(cfg, opts.roles);
      if (server.url) console.log(`Relais is running at ${cfg.publicUrl} (listening on ${server.url})`);
      if (requested) stop(requested, server);
    });

  program
    .command("migrate")
    .description("Apply pending database migrations (serve also does this at start)")
    .action(async () => {
      const applied = await withContext(async (ctx) => migrateToLatest(ctx.database), { migrate: false });
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
    });

  const user = program.command("user").description("Manage user accounts");
  user
    .command("create")
    .description("Create a user account")
    .requiredOption("--email <email>", "e-mail address (the login)")
    .requiredOption("--password <password>", "password, at least 10 characters")
    .option("--name <name>", "display name (defaults to the part of the e-mail before @)")
    .option("--locale <locale>", "interface language: fr or en", "fr")
    .option("--owner", "make the account an instance owner", false)
    .action(async (opts: { email: string; password: string; name?: string; locale: string; owner: boolean }) => {
      const { emailSchema, passwordSchema, localeSchema } = await import("../modules/auth/auth.schema.js");
      const email = emailSchema.safeParse(opts.email);
      if (!email.success) throw new CliError(`Invalid e-mail address: ${opts.email}`);
      if (!passwordSchema.safeParse(opts.password).success)
        throw new CliError("The password must have 10 to 200 characters");
      const locale = localeSchema.safeParse(opts.locale);
      if (!locale.success) throw new CliError("--locale must be fr or en");
      const created = await withContext((ctx) =>
        auth.createUser(ctx, {
          email: email.data,
          name: opts.name?.trim() || email.data.split("@")[0] || email.data,
          password: opts.password,
          locale: locale.data,
          isOwner: opts.owner,
        }),
      );
      console.log(`Created user ${created.email} (${created.id})${created.isOwner ? " as owner" : ""}`);
    });
  user
    .command("list")
    .description("List user accounts")
    .option("--json", "print JSON", false)
    .action(async (opts: { json: boolean }) => {
      const users = await withContext((ctx) => auth.listUsers(ctx));
      if (opts.json) {
        console.log(JSON.stringify(users, null, 2));
        return;
      }
      if (!users.length) console.log("No users yet: open the web UI or run relais user create");
      for (const u of users) console.log(`${u.email}\t${u.name}\t${u.isOwner ? "owner" : "user"}\t${u.createdAt}`);
    });

  program
    .command("token")
    .description("Manage personal API tokens")
    .command("create")
    .description("Create a personal API token; prints it as the last line")
    .requiredOption("--email <email>", "the user the token acts as")
    .requiredOption("--name <name>", "what the token is for")
    .action(async (opts: { email: string; name: string }) => {
      const token = await withContext(async (ctx) => {
        const u = await auth.findUserByEmail(ctx, opts.email);
        if (!u) throw new CliError(`No user with e-mail ${opts.email}`);
        return auth.createApiToken(ctx, u.id, opts.name.trim() || "token");
      });
      console.log(`Token "${token.name}" created. Store it now, it is not shown again:`);
      console.log(token.token);
    });

  program
    .command("backup")
    .description("Write a backup of all data to FILE (works while Relais runs on PostgreSQL)")
    .argument("<file>", "backup file to write (gzip'd JSON lines)")
    .action(async (file: string) => {
      // Read-only: a backup never migrates the database it copies.
      const counts = await withContext((ctx) => backup(ctx.database, file), { migrate: false });
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(`Backup written to ${file}: ${total} rows in ${Object.keys(counts).length} tables`);
    });

  program
    .command("restore")
    .description("Restore a backup FILE into an empty data dir or empty database")
    .argument("<file>", "backup file written by relais backup")
    .action(async (file: string) => {
      const counts = await withContext((ctx) => restore(ctx.database, file), { migrate: false });
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(`Restored ${total} rows into ${Object.keys(counts).length} tables from ${file}`);
    });

  registerFeedsCommand(program);

  return program;
}

/** One line on stderr for anything the user can act on; a stack only for real bugs. */
function explain(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof CliError || err instanceof BackupError || err instanceof DataDirBusyError) return err.message;
  if (err instanceof AppError) return errorMessage("en", err.code, err.params);
  const code = (err as { code?: string }).code;
  // Migration failures wrap connection errors in their message (src/db/migrate.ts), without the code.
  const text = err instanceof Error ? err.message : "";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.test(text))
    return `Cannot reach the database: ${text.replace(/^Migration failed: /, "").split("\n")[0]}`;
  if (code === "EADDRINUSE") return `The port is already in use: ${(err as Error).message}`;
  if (err instanceof Error) return err.message.split("\n")[0] ?? "unexpected error";
  return String(err);
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`relais: ${explain(err)}\n`);
    if (process.env.RELAIS_DEBUG) console.error(err);
    process.exit(1);
  }
}
