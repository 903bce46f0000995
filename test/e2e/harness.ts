import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ParsedMail, simpleParser } from "mailparser";
import pg from "pg";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach } from "vitest";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const screenshotDir = path.join(repoRoot, "test-results", "e2e");

/** The built web UI must exist: the server only serves dist/web. */
export function requireBuiltWeb(): void {
  const index = path.join(repoRoot, "dist", "web", "index.html");
  if (!fs.existsSync(index)) {
    throw new Error(
      `The web UI is not built (${index} is missing). Run \`npm run build\` before \`npm run test:e2e\`.`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A real SMTP server on loopback that keeps every message it receives, parsed. */
export interface Inbox {
  url: string;
  messages: ParsedMail[];
  /** Waits for the first message to `to` (case-insensitive). */
  waitFor(to: string, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<Inbox> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const recipients = (m: ParsedMail) =>
    [m.to]
      .flat()
      .flatMap((a) => a?.value ?? [])
      .map((a) => a.address?.toLowerCase());
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(to, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.find((m) => recipients(m).includes(to.toLowerCase()));
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no e-mail to ${to} within ${timeoutMs} ms (received: ${messages.length})`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface FreshDatabase {
  /** The server's environment for it: DATABASE_URL, or nothing for PGlite. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh database for the server: with a PostgreSQL URL (by default DATABASE_URL), a new database created
 * beside it (dropped afterwards); otherwise the embedded PGlite in a temporary data dir.
 */
export async function freshDatabase(base = process.env.DATABASE_URL): Promise<FreshDatabase> {
  if (!base) return { env: {}, async drop() {} };
  const name = `relais_e2e_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface RelaisProcess {
  baseUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns `node bin/relais.js serve` and waits until /api/health answers. */
export async function startRelais(extraEnv: Record<string, string>): Promise<RelaisProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relais-e2e-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    PORT: String(port),
    HOST: "127.0.0.1",
    RELAIS_DATA_DIR: dataDir,
    RELAIS_PUBLIC_URL: baseUrl,
    RELAIS_LOG_LEVEL: "warn",
    ...extraEnv,
  };
  const child: ChildProcess = spawn(process.execPath, ["bin/relais.js", "serve"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d) => {
    log += d;
  });
  child.stderr?.on("data", (d) => {
    log += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relais serve exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`relais serve did not become healthy:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // The UI is only testable if the server hands out index.html for client routes.
  const page = await fetch(`${baseUrl}/setup`);
  const html = await page.text();
  if (!page.ok || !html.includes('<div id="root">')) {
    await stop();
    throw new Error(
      `relais serve does not serve the web UI: GET /setup answered ${page.status} ${JSON.stringify(html.slice(0, 80))}. ` +
        "It must send dist/web/index.html for every non-API GET (the not-found handler in src/http/app.ts). " +
        "Known cause: @fastify/static also applies `allowedPath` to reply.sendFile(), with the path " +
        '"index.html", which the allowedPath of src/http/web.ts refuses.',
    );
  }
  return {
    baseUrl,
    output: () => log,
    stop,
  };
}

/** Debian's Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/**
 * The server of one browser scenario: the built UI checked, the screenshot folder made, a fresh database
 * (or the one given) and `relais serve` on it. Its stop() also drops the database.
 */
export async function startServer(env: Record<string, string> = {}, database?: FreshDatabase): Promise<RelaisProcess> {
  const db = database ?? (await freshDatabase());
  let relais: RelaisProcess;
  try {
    requireBuiltWeb();
    fs.mkdirSync(screenshotDir, { recursive: true });
    relais = await startRelais({ ...db.env, ...env });
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    ...relais,
    async stop() {
      await relais.stop();
      await db.drop();
    },
  };
}

export interface Credentials {
  email: string;
  password: string;
}

/** A signed-in API caller: the session cookie and its CSRF token. */
export interface ApiSession {
  cookie: string;
  csrfToken: string;
}

/** Creates the first user (the owner, in French) through POST /api/auth/setup; answers its session. */
export async function setupOwner(baseUrl: string, owner: Credentials & { name: string }): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...owner, locale: "fr" }),
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "", csrfToken };
}

/** fetch() on the server as that session (cookie and CSRF token); a body goes as JSON. */
export function sessionFetch(
  baseUrl: string,
  session: ApiSession,
): (method: string, url: string, body?: unknown) => Promise<Response> {
  return (method, url, body) =>
    fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        cookie: session.cookie,
        "x-csrf-token": session.csrfToken,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** Every page of the context reports its uncaught errors and console errors into `errors`. */
export function collectErrors(context: BrowserContext, errors: string[]): void {
  context.on("page", (p) => {
    p.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
  });
}

/** A page in a new browser context, its errors collected into `errors`. */
export async function openPage(browser: Browser, options: BrowserContextOptions, errors: string[]): Promise<Page> {
  const context = await browser.newContext(options);
  collectErrors(context, errors);
  return context.newPage();
}

/** Numbered screenshots in test-results/e2e: `<prefix>-01-<name>.png` (no prefix: `01-<name>.png`). */
export function screenshots(
  prefix: string,
  options: { fullPage?: boolean } = {},
): (page: Page, name: string) => Promise<void> {
  let shot = 0;
  return async (page, name) => {
    shot += 1;
    const file = `${prefix ? `${prefix}-` : ""}${String(shot).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: path.join(screenshotDir, file), ...options });
  };
}

/**
 * The usual start of a browser scenario: the server (a fresh database, `env` added), the owner created
 * through the setup API, Chromium, and a page in a new context with `context` options whose errors go
 * into `errors`. What started is stopped again when a later step fails.
 */
export async function startScenario(options: {
  env?: Record<string, string>;
  owner: Credentials & { name: string };
  context: BrowserContextOptions;
  errors: string[];
}): Promise<{ relais: RelaisProcess; browser: Browser; page: Page }> {
  const relais = await startServer(options.env);
  let browser: Browser | undefined;
  try {
    await setupOwner(relais.baseUrl, options.owner);
    browser = await launchChromium();
    const page = await openPage(browser, options.context, options.errors);
    return { relais, browser, page };
  } catch (err) {
    await browser?.close();
    await relais.stop();
    throw err;
  }
}

/** Signs in through the login page (French UI); where it lands is for the caller to check. */
export async function signIn(page: Page, baseUrl: string, user: Credentials): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByRole("textbox", { name: "Adresse e-mail" }).fill(user.email);
  await page.getByLabel("Mot de passe").fill(user.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/**
 * Creates a workspace on the welcome page: its name, and the time zone picked from the list when one is
 * given (else the browser's own stays). Answers the workspace's address (…/w/<id>) once it is open.
 */
export async function createWorkspaceOnWelcome(page: Page, name: string, timezone?: string): Promise<string> {
  await page.getByRole("textbox", { name: "Nom de l'espace" }).fill(name);
  if (timezone) {
    await page.getByRole("textbox", { name: "Fuseau horaire" }).fill(timezone);
    await page.getByRole("option", { name: timezone }).first().click();
  }
  await page.getByRole("button", { name: "Créer l'espace" }).click();
  await page.waitForURL(/\/w\/[0-9a-f-]{36}\//);
  return page.url().match(/^.*\/w\/[0-9a-f-]{36}/)?.[0] ?? "";
}

/**
 * For scenario files whose steps build on each other: after the first failure the rest are skipped (they
 * would only time out), and the failure leaves a screenshot, the browser errors and the server output.
 */
export function stopAfterFirstFailure(s: {
  page: () => Page | undefined;
  relais: () => RelaisProcess | undefined;
  errors: string[];
  screenshot: (page: Page, name: string) => Promise<void>;
}): void {
  let broken = false;
  beforeEach((ctx) => {
    // Skipped on purpose: a previous step of this scenario failed, so this one could only time out.
    if (broken) ctx.skip();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    broken = true;
    const page = s.page();
    if (page) await s.screenshot(page, "FAILED").catch(() => {});
    console.error(
      `page: ${page?.url()}\nbrowser errors:\n${s.errors.join("\n")}\nserver output:\n${s.relais()?.output()}`,
    );
  });
}
