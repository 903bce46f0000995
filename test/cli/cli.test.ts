import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { knownMigrations } from "../../src/db/migrate.js";
import {
  type CliResult,
  type Instance,
  lines,
  newInstance,
  runCli,
  type Server,
  startServe,
} from "../helpers/processes.js";

/**
 * The real `relais` command in child processes, against its own data dir (PGlite) or its own empty
 * PostgreSQL database (DATABASE_URL set). Tests run in order: they build one instance's state step by step.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
let inst: Instance;
let restored: Instance | undefined;
let server: Server | undefined;
let token = "";

const relais = (...args: string[]) => runCli(args, inst.env);

/** A user error: exit code 1 and exactly one line on stderr, nothing on stdout. */
function expectOneLineError(r: CliResult, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(/^relais: /);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe("");
}

beforeAll(async () => {
  inst = await newInstance("cli");
});
afterAll(async () => {
  await server?.kill();
  await inst?.cleanup();
  await restored?.cleanup();
});

describe(`relais CLI (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("--help lists every command with its description", async () => {
    const r = await relais("--help");
    expect(r.code).toBe(0);
    for (const [command, words] of [
      ["serve", /Run Relais/],
      ["migrate", /Apply pending database migrations/],
      ["user", /Manage user accounts/],
      ["token", /personal API tokens/],
      ["backup", /Write a backup/],
      ["restore", /Restore a backup/],
    ] as const) {
      const line = r.stdout.split("\n").find((l) => new RegExp(`^\\s+${command}\\b`).test(l));
      expect(line, `${command} in --help`).toBeDefined();
      expect(line).toMatch(words);
    }
  });

  it("migrate applies the migrations of an empty database", async () => {
    const r = await relais("migrate");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`Applied: ${knownMigrations().join(", ")}`);
  });

  it("user create and user list", async () => {
    const owner = await relais(
      "user",
      "create",
      "--email",
      "camille@agence.fr",
      "--password",
      "correct-horse-battery",
      "--owner",
      "--name",
      "Camille Lefèvre",
    );
    expect(owner.code, owner.stderr).toBe(0);
    expect(owner.stdout).toMatch(/^Created user camille@agence\.fr \([0-9a-f-]{36}\) as owner\n$/);
    const second = await relais("user", "create", "--email", "Eloise@Agence.fr", "--password", "un mot de passe sûr");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain("owner");

    const list = await relais("user", "list");
    expect(list.code, list.stderr).toBe(0);
    const rows = lines(list.stdout).map((l) => l.split("\t"));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ["camille@agence.fr", "Camille Lefèvre", "owner"],
      ["eloise@agence.fr", "eloise", "user"],
    ]);
  });

  it("refuses a duplicate e-mail (whatever its case), an invalid e-mail and a short password", async () => {
    // The last two fail validation before opening the database, so they may run alongside the first.
    const [duplicate, invalid, short] = await Promise.all([
      relais("user", "create", "--email", "CAMILLE@agence.fr", "--password", "another-long-password"),
      relais("user", "create", "--email", "pas-une-adresse", "--password", "another-long-password"),
      relais("user", "create", "--email", "court@agence.fr", "--password", "court"),
    ]);
    expectOneLineError(duplicate, /already exists with this e-mail/);
    expectOneLineError(invalid, /Invalid e-mail address: pas-une-adresse/);
    expectOneLineError(short, /10 to 200 characters/);
  });

  it("token create prints the token as the last line; an unknown e-mail is refused", async () => {
    const r = await relais("token", "create", "--email", "camille@agence.fr", "--name", "n8n");
    expect(r.code, r.stderr).toBe(0);
    token = lines(r.stdout).at(-1) as string;
    expect(token).toMatch(/^rls_[A-Za-z0-9_-]{20,}$/);
    expectOneLineError(
      await relais("token", "create", "--email", "personne@agence.fr", "--name", "x"),
      /No user with e-mail personne@agence\.fr/,
    );
  });

  it("usage errors and a bad environment are one line too, listing every problem", async () => {
    const [unknown, missing, roles, env, unreachable] = await Promise.all([
      relais("publish"),
      relais("token", "create", "--email", "camille@agence.fr"),
      relais("serve", "--roles", "api,cook"),
      runCli(["user", "list"], { ...inst.env, PORT: "abc", RELAIS_SESSION_DAYS: "0" }),
      runCli(["user", "list"], { ...inst.env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/relais" }),
    ]);
    expectOneLineError(unknown, /unknown command 'publish' \(run relais --help for usage\)$/m);
    expectOneLineError(missing, /required option '--name <name>' not specified/);
    expectOneLineError(roles, /expected a comma-separated list of api, worker, scheduler/);
    expectOneLineError(env, /^relais: Invalid configuration: PORT: .*; RELAIS_SESSION_DAYS: /);
    expectOneLineError(unreachable, /^relais: Cannot reach the database: .*ECONNREFUSED/);
  });

  it("the token works as Bearer against a started server; the embedded data dir is locked meanwhile", async () => {
    server = await startServe(inst.env);
    const authorized = await fetch(`${server.url}/api/workspaces`, { headers: { authorization: `Bearer ${token}` } });
    expect(authorized.status).toBe(200);
    expect(await authorized.json()).toEqual([]);
    const anonymous = await fetch(`${server.url}/api/workspaces`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${server.url}/api/workspaces`, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);

    const list = await relais("user", "list");
    if (onPostgres) {
      // On PostgreSQL the one-shot commands run alongside the server.
      expect(list.code, list.stderr).toBe(0);
      expect(lines(list.stdout)).toHaveLength(2);
    } else {
      expectOneLineError(list, new RegExp(`in use by process ${server.pid}; stop Relais first`));
    }
    server.child.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
    server = undefined;
    expect(fs.existsSync(path.join(inst.dataDir, "relais.pid"))).toBe(false);
  });

  it("backup then restore into another instance gives the same data", async () => {
    const file = path.join(inst.dataDir, "relais.backup.gz");
    const b = await relais("backup", file);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/^Backup written to .*relais\.backup\.gz: \d+ rows in \d+ tables\n$/);

    restored = await newInstance("cli-restored");
    const r = await runCli(["restore", file], restored.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Restored \d+ rows into \d+ tables from /);
    // A backup of the restored instance holds exactly the same rows (and end marker) as the original one.
    const again = path.join(restored.dataDir, "again.backup.gz");
    const b2 = await runCli(["backup", again], restored.env);
    expect(b2.code, b2.stderr).toBe(0);
    const rows = (f: string) =>
      lines(zlib.gunzipSync(fs.readFileSync(f)).toString("utf8"))
        .slice(1)
        .sort();
    const original = rows(file);
    expect(rows(again)).toEqual(original);
    expect(original.filter((l) => l.startsWith('{"t":"users"'))).toHaveLength(2);
    expect(original.filter((l) => l.startsWith('{"t":"api_tokens"'))).toHaveLength(1);

    // (Refusing a non-empty target, garbage or damaged files: test/db/backup.test.ts, in-process.)
  });
});
