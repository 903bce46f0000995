import { randomBytes } from "node:crypto";
import { normaliseInstanceUrl, readInstance } from "../../connectors/mastodon/instance.js";
import { mastoClient, mastoOAuthClient } from "../../connectors/mastodon/masto-client.js";
import { mastodonConnector } from "../../connectors/mastodon/mastodon.connector.js";
import { ConnectInputError, type ConnectorEnv, ConnectorError } from "../../connectors/types.js";
import type { AppContext } from "../../context.js";
import { AppError, notFound } from "../../lib/errors.js";
import { httpClientFor } from "../../lib/http-client.js";
import type { AuthUser } from "../auth/auth.service.js";
import * as workspaces from "../workspaces/workspaces.service.js";
import * as repo from "./accounts.repo.js";
import * as accounts from "./accounts.service.js";

/**
 * Connecting a Mastodon account with OAuth (authorization code flow):
 * 1. start: the instance URL is checked (a Mastodon instance, reachable under the SSRF rules), Relais
 *    registers itself as an app on the instance (POST /api/v1/apps, cached per instance and process) and
 *    answers the authorize URL. The `state` is sealed with the deployment's secret key (AES-256-GCM): it
 *    carries the workspace, the user, the instance, the app's client credentials and an expiry, so it
 *    cannot be forged, altered or read, and the callback needs no server-side storage (any API process
 *    can finish the flow).
 * 2. callback: the user comes back from the instance (a top-level navigation, so the SameSite=Lax session
 *    cookie is sent); the state must open, be unexpired and belong to the signed-in user. The code is
 *    exchanged (POST /oauth/token), then the account is connected through the accounts service exactly
 *    as with a pasted token (verify_credentials, instance limits, encrypted credentials, audit).
 */

const STATE_AAD = "mastodon-oauth-state";
export const STATE_TTL_MS = 15 * 60_000;
const SCOPES = mastodonConnector.oauthScopes;

interface OAuthState {
  v: 1;
  /** workspace, user, instance URL */
  w: string;
  u: string;
  i: string;
  /** the app's client id and secret on that instance */
  c: string;
  s: string;
  /** expiry (ms since epoch) */
  e: number;
  /** reconnect this account instead of creating one */
  a?: string;
  /** display name chosen by the user */
  n?: string;
  /** nonce: two flows never share a state */
  r: string;
}

const apps = new Map<string, { clientId: string; clientSecret: string }>();

/** Tests: forget the registered apps. */
export function forgetApps(): void {
  apps.clear();
}

export function callbackUrl(ctx: AppContext): string {
  return `${ctx.config.publicUrl}/api/oauth/mastodon/callback`;
}

function envOf(ctx: AppContext): ConnectorEnv {
  return { http: httpClientFor(ctx.config) };
}

async function appFor(ctx: AppContext, env: ConnectorEnv, instanceUrl: string) {
  const redirectUri = callbackUrl(ctx);
  const key = `${instanceUrl} ${redirectUri}`;
  const cached = apps.get(key);
  if (cached) return cached;
  const app = await mastoClient(env, instanceUrl).v1.apps.create({
    clientName: "Relais",
    redirectUris: [redirectUri],
    scopes: SCOPES,
    website: ctx.config.publicUrl,
  });
  if (!app.clientId || !app.clientSecret) {
    throw new ConnectorError("permanent", "The instance registered the app without client credentials");
  }
  const registered = { clientId: app.clientId, clientSecret: app.clientSecret };
  apps.set(key, registered);
  return registered;
}

/** Bad instance URL → the same 400 validation_failed the accounts service gives (body.instanceUrl). */
function inputError(err: ConnectInputError): Error {
  return Object.assign(new Error("validation failed"), {
    validation: err.error.issues.map((issue) => {
      const { path, code, message, ...params } = issue;
      return {
        [Symbol.for("ZodFastifySchemaValidationError")]: true,
        keyword: code,
        instancePath: `/${path.join("/")}`,
        schemaPath: `#/${path.join("/")}/${code}`,
        message,
        params,
      };
    }),
    validationContext: "body",
    statusCode: 400,
  });
}

function connectFailed(err: ConnectorError): AppError {
  return new AppError(
    "account_connect_failed",
    { reason: err.networkMessage },
    { kind: err.kind, status: err.options.status ?? null },
  );
}

/** Step 1: the URL of the instance's authorization page, with a sealed state. */
export async function startMastodon(
  ctx: AppContext,
  user: AuthUser,
  workspaceId: string,
  body: { instanceUrl: string; name?: string; accountId?: string },
): Promise<{ authorizeUrl: string; instanceUrl: string }> {
  await workspaces.authorize(ctx, user, workspaceId, "accounts.manage");
  if (body.accountId) {
    const existing = await repo.find(ctx.db, workspaceId, body.accountId);
    if (!existing || existing.network !== "mastodon") throw notFound("account");
  }
  const env = envOf(ctx);
  let instanceUrl: string;
  let app: { clientId: string; clientSecret: string };
  try {
    instanceUrl = normaliseInstanceUrl(body.instanceUrl, env.http);
    await readInstance(env, instanceUrl);
    app = await appFor(ctx, env, instanceUrl);
  } catch (err) {
    if (err instanceof ConnectInputError) throw inputError(err);
    if (err instanceof ConnectorError) throw connectFailed(err);
    throw err;
  }
  const state: OAuthState = {
    v: 1,
    w: workspaceId,
    u: user.id,
    i: instanceUrl,
    c: app.clientId,
    s: app.clientSecret,
    e: Date.now() + STATE_TTL_MS,
    r: randomBytes(9).toString("base64url"),
    ...(body.accountId ? { a: body.accountId } : {}),
    ...(body.name ? { n: body.name } : {}),
  };
  const sealed = ctx.secrets.encryptJson(state, STATE_AAD);
  const url = new URL("/oauth/authorize", instanceUrl);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: callbackUrl(ctx),
    response_type: "code",
    scope: SCOPES,
    state: sealed,
  }).toString();
  return { authorizeUrl: url.toString(), instanceUrl };
}

/** Opens a state: forged, altered, another user's → oauth_state_invalid; too old → oauth_state_expired. */
function openState(ctx: AppContext, user: AuthUser, sealed: string, now = Date.now()): OAuthState {
  let state: OAuthState;
  try {
    state = ctx.secrets.decryptJson<OAuthState>(sealed, STATE_AAD);
  } catch {
    throw new AppError("oauth_state_invalid");
  }
  if (state?.v !== 1 || state.u !== user.id) throw new AppError("oauth_state_invalid");
  if (!(state.e > now)) throw new AppError("oauth_state_expired");
  return state;
}

function backTo(workspaceId: string, params: Record<string, string>): string {
  return `/w/${workspaceId}/connectors?${new URLSearchParams(params)}`;
}

/**
 * Step 2: the instance sent the user back. Returns where to send the browser: the accounts page with the
 * connected account, or with the reason it failed (the user denied, the code was refused…). A state that
 * does not open is an error (400) and nothing is stored.
 */
export async function completeMastodon(
  ctx: AppContext,
  user: AuthUser,
  query: { state: string; code?: string; error?: string; error_description?: string },
): Promise<{ location: string }> {
  const state = openState(ctx, user, query.state);
  // The user may have lost the right to manage accounts since the flow started.
  await workspaces.authorize(ctx, user, state.w, "accounts.manage");
  if (query.error || !query.code) {
    return { location: backTo(state.w, { oauth: "denied", reason: query.error_description ?? query.error ?? "" }) };
  }
  const env = envOf(ctx);
  let accessToken: string;
  try {
    const token = await mastoOAuthClient(env, state.i).token.create({
      grantType: "authorization_code",
      clientId: state.c,
      clientSecret: state.s,
      redirectUri: callbackUrl(ctx),
      code: query.code,
      scope: SCOPES,
    });
    accessToken = token.accessToken;
  } catch (err) {
    const e = err instanceof ConnectorError ? err : new ConnectorError("transient", String(err));
    // The instance may have forgotten our app (reset, revoked): register again next time.
    apps.delete(`${state.i} ${callbackUrl(ctx)}`);
    return { location: backTo(state.w, { oauth: "failed", reason: e.networkMessage }) };
  }
  const input = {
    instanceUrl: state.i,
    accessToken,
    clientId: state.c,
    ...(state.n ? { name: state.n } : {}),
  };
  try {
    const result = state.a
      ? await accounts.reconnect(ctx, user, state.w, state.a, input)
      : await accounts.connect(ctx, user, state.w, { network: "mastodon", ...input });
    return { location: backTo(state.w, { connected: result.account.id }) };
  } catch (err) {
    if (err instanceof AppError && err.code === "account_connect_failed") {
      return { location: backTo(state.w, { oauth: "failed", reason: String(err.params.reason ?? "") }) };
    }
    throw err;
  }
}
