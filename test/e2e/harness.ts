import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ParsedMail, simpleParser } from "mailparser";
import pg from "pg";
import { chromium, type Page } from "playwright-core";
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

/**
 * A fresh database for the server: with DATABASE_URL set, a new PostgreSQL database created beside it
 * (dropped afterwards); otherwise the embedded PGlite in a temporary data dir.
 */
export async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
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
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"],
  });
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
    console.error(`page: ${page?.url()}\nbrowser errors:\n${s.errors.join("\n")}\nserver output:\n${s.relais()?.output()}`);
  });
}
