import type { InjectOptions, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { buildApp } from "../../src/http/app.js";
import type { App } from "../../src/http/types.js";
import type { Mailer, MailMessage } from "../../src/lib/mailer.js";
import * as auth from "../../src/modules/auth/auth.service.js";
import { closeContext, createContext } from "../../src/runtime.js";
import { freshDatabaseConfig } from "./template.js";

export interface TestApp {
  app: App;
  ctx: AppContext;
  /** E-mails the app sent, newest last (a recording mailer unless the test brings its own). */
  outbox: MailMessage[];
  close(): Promise<void>;
}

export const TEST_PASSWORD = "correct-horse-battery";

/** A recording mailer: tests read what would have been sent. */
export function recordingMailer(outbox: MailMessage[]): Mailer {
  return {
    enabled: true,
    async send(m) {
      outbox.push(m);
    },
    close() {},
  };
}

/** The configuration tests run with: no env leakage except DATABASE_URL, which selects PostgreSQL. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({ RELAIS_DATA_DIR: ".tmp/unused", RELAIS_LOG_LEVEL: "silent", PORT: "0" }, overrides);
}

/** A fresh migrated database and the HTTP app on it (no listening socket: use inject). */
export async function createTestApp(
  options: { config?: Partial<Config>; mailer?: Mailer; withQueue?: boolean } = {},
): Promise<TestApp> {
  const fresh = await freshDatabaseConfig();
  const config = testConfig({ databaseUrl: fresh.databaseUrl, ...options.config });
  const ctx = await createContext(config, {
    logger: pino({ level: "silent" }),
    ...(fresh.loadDataDir ? { loadDataDir: fresh.loadDataDir, inMemory: true } : {}),
  });
  const outbox: MailMessage[] = [];
  ctx.mailer = options.mailer ?? recordingMailer(outbox);
  if (options.withQueue) await ctx.jobs.start(ctx, { work: true, schedule: false });
  const app = await buildApp(ctx, { web: false });
  await app.ready();
  return {
    app,
    ctx,
    outbox,
    async close() {
      await app.close();
      await closeContext(ctx);
      await fresh.drop();
    },
  };
}

/** A signed-in caller: sends the session cookie and CSRF token, or a Bearer token. */
export class Caller {
  constructor(
    private readonly app: App,
    readonly user: auth.AuthUser,
    private readonly credentials: { cookie: string; csrf: string } | { bearer: string },
  ) {}

  request(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    if ("bearer" in this.credentials) headers.authorization = `Bearer ${this.credentials.bearer}`;
    else {
      headers.cookie = this.credentials.cookie;
      headers["x-csrf-token"] = this.credentials.csrf;
    }
    return this.app.inject({ ...opts, headers });
  }
  get(url: string) {
    return this.request({ method: "GET", url });
  }
  post(url: string, payload?: unknown) {
    return this.request({ method: "POST", url, payload: payload as never });
  }
  patch(url: string, payload?: unknown) {
    return this.request({ method: "PATCH", url, payload: payload as never });
  }
  delete(url: string) {
    return this.request({ method: "DELETE", url });
  }
}

/** Creates an account directly and signs it in through the real login route. */
export async function signUp(
  t: TestApp,
  email: string,
  options: { owner?: boolean; name?: string; canCreateWorkspaces?: boolean } = {},
): Promise<Caller> {
  await auth.createUser(t.ctx, {
    email,
    name: options.name ?? email.split("@")[0] ?? email,
    password: TEST_PASSWORD,
    isOwner: options.owner,
    canCreateWorkspaces: options.canCreateWorkspaces,
  });
  return signIn(t, email);
}

export async function signIn(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Caller> {
  const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "relais_session");
  if (!cookie) throw new Error("no session cookie");
  const body = res.json() as { user: auth.AuthUser; csrfToken: string };
  return new Caller(t.app, body.user, { cookie: `relais_session=${cookie.value}`, csrf: body.csrfToken });
}

/** A caller authenticated by a personal API token instead of a session. */
export async function tokenCaller(t: TestApp, user: auth.AuthUser): Promise<Caller> {
  const token = await auth.createApiToken(t.ctx, user.id, "test");
  return new Caller(t.app, user, { bearer: token.token });
}

/** Creates a workspace through the API and returns its id. */
export async function createWorkspace(caller: Caller, name = "Musée des Confluences"): Promise<string> {
  const res = await caller.post("/api/workspaces", { name, timezone: "Europe/Paris", locale: "fr" });
  if (res.statusCode !== 201) throw new Error(`create workspace failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
