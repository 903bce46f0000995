import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeMastodon } from "../peers/mastodon/fake-instance.js";
import { visible } from "./assert.js";
import {
  createWorkspaceOnWelcome,
  type RelaisProcess,
  screenshots,
  signIn,
  startScenario,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * Connecting Mastodon in a real browser against a real server and the fake instance on loopback: the
 * connect dialog offers Mastodon; the instance URL → "Se connecter avec Mastodon" → the instance's
 * authorization (the fake approves at once) → back on the accounts page with the account connected.
 * Then a second account with a pasted access token; a post published on it is taken down from the
 * composer (« Retirer du réseau », confirmed): the instance deletes the status and the copy shows when.
 */
const OWNER = { name: "Inès Durand", email: "ines@agence.example", password: "une-phrase-de-passe" };
const WORKSPACE = "Festival Lumière";

let relais: RelaisProcess;
let fake: FakeMastodon;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
const screenshot = screenshots("mastodon");

beforeAll(async () => {
  fake = new FakeMastodon({ title: "Piaille 🐘" });
  await fake.start();
  ({ relais, browser, page } = await startScenario({
    env: { RELAIS_ALLOW_PRIVATE_NETWORK: "true" },
    owner: OWNER,
    context: { viewport: { width: 1280, height: 800 } },
    errors: browserErrors,
  }));
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await fake?.stop();
});

describe("Mastodon in the browser", () => {
  it("signs in and opens the accounts page, which offers Mastodon", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    // The login page's own "who am I?" answered 401 before signing in: expected, not a failure.
    browserErrors.length = 0;
    await createWorkspaceOnWelcome(page, WORKSPACE);
    await page.getByRole("link", { name: "Comptes & réseaux" }).click();
    await visible(page.getByText("Aucun compte connecté"));
    await visible(page.getByRole("button", { name: "Connecter un compte Mastodon" }));
  });

  it("connects with OAuth: instance → authorization on the instance → back, connected", async () => {
    await page.getByRole("button", { name: "Connecter un compte Mastodon" }).click();
    const dialog = page.getByRole("dialog", { name: "Connecter un compte Mastodon" });
    await dialog.getByRole("textbox", { name: "Instance Mastodon" }).fill(fake.url);
    await dialog.getByRole("textbox", { name: "Nom dans Relais" }).fill("Festival — Mastodon 🐘");
    await screenshot(page, "connect-dialog");
    await dialog.getByRole("button", { name: "Se connecter avec Mastodon" }).click();
    // Relais → the instance's /oauth/authorize → Relais' callback → the accounts page.
    await page.waitForURL(/\/w\/[0-9a-f-]{36}\/connectors$/);
    await visible(page.getByText("Le compte Mastodon est connecté."));
    await visible(page.getByRole("cell", { name: "Festival — Mastodon 🐘" }).first());
    await visible(page.getByText(`@relais@${new URL(fake.url).host}`).first());
    await visible(page.getByText("Actif", { exact: true }).first());
    await screenshot(page, "connected-by-oauth");
    expect(fake.apps.size).toBe(1);
    expect(fake.requests.some((r) => r.path === "/oauth/token")).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it("connects a second account with a pasted access token", async () => {
    const token = fake.issueToken(fake.addAccount("equipe", "Équipe 🎬").id);
    await page.getByRole("button", { name: "Connecter un compte Mastodon" }).click();
    const dialog = page.getByRole("dialog", { name: "Connecter un compte Mastodon" });
    await dialog.getByRole("textbox", { name: "Instance Mastodon" }).fill(fake.url);
    await dialog.getByLabel("Jeton d'accès (Préférences › Développement)").fill(token);
    await dialog.getByRole("button", { name: "Connecter", exact: true }).click();
    await visible(page.getByText(`@equipe@${new URL(fake.url).host}`).first());
    await screenshot(page, "connected-by-token");
    expect(fake.violations).toEqual([]);
    expect(browserErrors).toEqual([]);
  });

  it("takes a published post down from the instance, after confirmation", async () => {
    const workspaceId = page.url().match(/\/w\/([0-9a-f-]{36})\//)?.[1];
    const api = `${relais.baseUrl}/api/workspaces/${workspaceId}`;
    const { csrfToken } = await (await page.request.get(`${relais.baseUrl}/api/auth/session`)).json();
    const send = (url: string, data: unknown) =>
      page.request.post(url, { data, headers: { "x-csrf-token": csrfToken } });
    const accounts = (await (await page.request.get(`${api}/accounts`)).json()) as
      | { id: string; handle: string | null }[]
      | { items: { id: string; handle: string | null }[] };
    const equipe = (Array.isArray(accounts) ? accounts : accounts.items).find((a) => a.handle?.startsWith("@equipe"));
    // Published through the scheduler (the API schedules two seconds ahead; the worker sends it).
    const created = await send(`${api}/posts`, {
      body: "Projection en plein air annulée ce soir : orage annoncé ⛈️",
      targets: [{ accountId: equipe?.id }],
    });
    expect(created.status(), await created.text()).toBe(201);
    const postId = (await created.json()).id as string;
    const scheduled = await send(`${api}/posts/${postId}/schedule`, { at: new Date(Date.now() + 2_000).toISOString() });
    expect(scheduled.status(), await scheduled.text()).toBe(200);
    await expect
      .poll(async () => (await (await page.request.get(`${api}/posts/${postId}`)).json()).status, { timeout: 60_000 })
      .toBe("published");
    const status = [...fake.statuses.values()].find((x) => x.text.startsWith("Projection en plein air"));
    expect(status?.deleted).toBe(false);

    await page.goto(`${relais.baseUrl}/w/${workspaceId}/calendar/posts/${postId}`);
    await visible(page.getByRole("link", { name: "Voir la publication en ligne" }));
    await page.getByRole("button", { name: /Retirer du réseau la publication sur/ }).click();
    const confirm = page.getByRole("dialog", { name: /Retirer la publication de/ });
    await visible(confirm.getByText("Relais garde l'historique", { exact: false }));
    await screenshot(page, "take-down-confirm");
    await confirm.getByRole("button", { name: "Retirer", exact: true }).click();
    await visible(page.getByText("Publication retirée du réseau."));
    await visible(page.getByText(/^Retirée du réseau le /));
    await screenshot(page, "taken-down");
    expect(await page.getByRole("link", { name: "Voir la publication en ligne" }).count()).toBe(0);
    expect(status?.deleted).toBe(true);
    expect(fake.violations).toEqual([]);
    expect(browserErrors).toEqual([]);
  });
});
