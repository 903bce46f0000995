import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { count, visible } from "./assert.js";
import { launchChromium, type RelaisProcess, screenshotDir, sessionFetch, setupOwner, startServer } from "./harness.js";

/**
 * Every way through an invitation link: creating the account, accepting while signed in, signing in
 * first and coming back, and links that were already used or revoked. Without SMTP the link comes from
 * the API answer (what the UI shows for copying).
 */
const PAUL = { name: "Paul Bernard", email: "paul@client.example", password: "mot-de-passe-de-paul" };

let relais: RelaisProcess;
let browser: Browser;
let ownerApi: (method: string, url: string, body?: unknown) => Promise<Response>;
const workspaces: Record<string, string> = {};
let firstLink = "";

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

async function invite(workspace: string, email: string, role: string): Promise<{ id: string; url: string }> {
  const res = await ownerApi("POST", `/api/workspaces/${workspaces[workspace]}/invitations`, { email, role });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { acceptUrl: string; emailed: boolean; invitation: { id: string } };
  expect(body.emailed).toBe(false);
  return { id: body.invitation.id, url: body.acceptUrl };
}

beforeAll(async () => {
  relais = await startServer();
  const owner = { name: "Owner", email: "owner@agence.example", password: "owner-password-123" };
  ownerApi = sessionFetch(relais.baseUrl, await setupOwner(relais.baseUrl, owner));
  for (const name of ["Festival Lumière", "Halles Paul Bocuse", "Parc de la Tête d'Or"]) {
    const res = await ownerApi("POST", "/api/workspaces", { name, timezone: "Europe/Paris", locale: "fr" });
    workspaces[name] = ((await res.json()) as { id: string }).id;
  }
  browser = await launchChromium();
});

afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.error(`server output:\n${relais?.output()}`);
});

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
});

describe("invitation links in the browser", () => {
  let paul: Page;

  it("creates the account from a first invitation", async () => {
    const { url } = await invite("Festival Lumière", PAUL.email, "editor");
    firstLink = url;
    paul = await newPage();
    await paul.goto(url);
    await visible(paul.getByText("Rédacteur", { exact: true }));
    await paul.getByRole("textbox", { name: "Nom", exact: true }).fill(PAUL.name);
    await paul.getByLabel("Mot de passe").fill("court");
    await paul.getByRole("button", { name: "Créer mon compte et rejoindre l'espace" }).click();
    await visible(paul.getByText("Le mot de passe doit contenir au moins 10 caractères."));
    await paul.getByLabel("Mot de passe").fill(PAUL.password);
    await paul.getByRole("button", { name: "Créer mon compte et rejoindre l'espace" }).click();
    await paul.waitForURL(`**/w/${workspaces["Festival Lumière"]}/calendar`);
  });

  it("accepts a second invitation while signed in", async () => {
    const { url } = await invite("Halles Paul Bocuse", PAUL.email, "viewer");
    await paul.goto(url);
    await visible(paul.getByText(`Vous êtes connecté en tant que ${PAUL.email}.`));
    await paul.screenshot({ path: path.join(screenshotDir, "invitation-signed-in.png") });
    await paul.getByRole("button", { name: "Accepter l'invitation" }).click();
    await paul.waitForURL(`**/w/${workspaces["Halles Paul Bocuse"]}/calendar`);
    await paul.getByTestId("workspace-switcher").click();
    await count(paul.getByTestId("workspace-option"), 2);
  });

  it("asks an existing account to sign in first, then comes back to accept", async () => {
    const { url } = await invite("Parc de la Tête d'Or", PAUL.email, "reviewer");
    const fresh = await newPage();
    await fresh.goto(url);
    await fresh.getByRole("link", { name: "Se connecter pour accepter" }).click();
    await fresh.waitForURL("**/login?next=*");
    await fresh.getByRole("textbox", { name: "Adresse e-mail" }).fill(PAUL.email);
    await fresh.getByLabel("Mot de passe").fill(PAUL.password);
    await fresh.getByRole("button", { name: "Se connecter" }).click();
    await fresh.waitForURL(url);
    await fresh.getByRole("button", { name: "Accepter l'invitation" }).click();
    await fresh.waitForURL(`**/w/${workspaces["Parc de la Tête d'Or"]}/calendar`);
  });

  it("explains that a used or revoked link no longer works", async () => {
    const visitor = await newPage();
    await visitor.goto(firstLink);
    await visible(visitor.getByText("Invitation invalide"));
    await visible(visitor.getByText("Cette invitation n'est plus valable", { exact: false }));
    await visitor.screenshot({ path: path.join(screenshotDir, "invitation-used.png") });

    const revoked = await invite("Festival Lumière", "someone@client.example", "viewer");
    const res = await ownerApi("DELETE", `/api/workspaces/${workspaces["Festival Lumière"]}/invitations/${revoked.id}`);
    expect(res.status).toBe(204);
    await visitor.goto(revoked.url);
    await visible(visitor.getByText("Invitation invalide"));
  });
});
