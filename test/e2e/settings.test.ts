import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { count, visible } from "./assert.js";
import { type RelaisProcess, screenshots, signIn, startScenario } from "./harness.js";

/**
 * The rest of the foundation UI against a real server: competitors (with a server-side field error shown
 * next to its field), personal API tokens that really authenticate, password change, and deleting a
 * workspace by typing its name.
 */
const OWNER = { name: "Marie Dupont", email: "marie@agence.example", password: "premier-mot-de-passe" };
const NEW_PASSWORD = "second-mot-de-passe";
const WORKSPACE = "Théâtre des Célestins";

let relais: RelaisProcess;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
const screenshotOf = screenshots("settings");
const screenshot = (name: string) => screenshotOf(page, name);

beforeAll(async () => {
  ({ relais, browser, page } = await startScenario({
    owner: OWNER,
    context: { viewport: { width: 1280, height: 800 }, timezoneId: "Asia/Tokyo" },
    errors: browserErrors,
  }));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== "fail") return;
  await screenshot("FAILED").catch(() => {});
  console.error(`browser errors:\n${browserErrors.join("\n")}\nserver output:\n${relais?.output()}`);
});

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
});

describe("workspace settings and account in the browser", () => {
  it("creates a workspace in the browser's own time zone", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    await page.getByRole("textbox", { name: "Nom de l'espace" }).fill(WORKSPACE);
    expect(await page.getByRole("textbox", { name: "Fuseau horaire" }).inputValue()).toBe("Asia/Tokyo");
    await page.getByRole("button", { name: "Créer l'espace" }).click();
    await page.waitForURL(/\/settings\/profile$/);
  });

  it("adds, edits and deletes a competitor; a bad website is flagged on its field by the server", async () => {
    await page.getByRole("tab", { name: "Concurrents" }).click();
    await visible(page.getByText("Aucun concurrent pour l'instant"));
    await page.getByRole("button", { name: "Ajouter un concurrent" }).click();
    const dialog = page.getByRole("dialog", { name: "Ajouter un concurrent" });
    await dialog.getByRole("textbox", { name: "Nom" }).fill("Opéra de Lyon");
    await dialog.getByRole("textbox", { name: "Site web" }).fill("ftp://opera-lyon.example");
    await dialog.getByRole("button", { name: "Ajouter un compte" }).click();
    await dialog.getByRole("textbox", { name: "Identifiant" }).fill("@operadelyon.bsky.social");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    // The server's validation message sits under the website field (path body.website).
    const website = dialog.getByRole("textbox", { name: "Site web" });
    await expect.poll(() => website.getAttribute("aria-invalid")).toBe("true");
    await visible(page.getByText("Certaines valeurs sont invalides", { exact: false }).first());
    await screenshot("competitor-field-error");
    await website.fill("https://www.opera-lyon.example");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    await visible(page.getByRole("heading", { name: "Opéra de Lyon" }));
    await visible(page.getByText("Bluesky · @operadelyon.bsky.social"));
    await screenshot("competitor-added");

    await page.getByRole("button", { name: "Modifier Opéra de Lyon" }).click();
    const edit = page.getByRole("dialog", { name: "Modifier le concurrent" });
    await edit.getByRole("textbox", { name: "Nom" }).fill("Opéra national de Lyon");
    await edit.getByRole("button", { name: "Enregistrer" }).click();
    await visible(page.getByRole("heading", { name: "Opéra national de Lyon" }));

    await page.getByRole("button", { name: "Supprimer Opéra national de Lyon" }).click();
    await page
      .getByRole("dialog", { name: "Supprimer ce concurrent ?" })
      .getByRole("button", { name: "Supprimer" })
      .click();
    await visible(page.getByText("Aucun concurrent pour l'instant"));
  });

  it("creates a personal API token that really works, shown once, then revokes it", async () => {
    await page.getByRole("button", { name: `Menu de ${OWNER.name}` }).click();
    await page.getByRole("menuitem", { name: "Mon compte" }).click();
    await page.waitForURL("**/account");
    await visible(page.getByText("Aucun jeton pour l'instant."));
    await page.getByRole("textbox", { name: "Nom du jeton" }).fill("n8n");
    await page.getByRole("button", { name: "Créer un jeton" }).click();
    const token = await page.getByRole("textbox", { name: "Jeton « n8n »" }).inputValue();
    expect(token.length).toBeGreaterThan(20);
    await screenshot("token-created");
    const asToken = () => fetch(`${relais.baseUrl}/api/workspaces`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asToken()).status).toBe(200);

    await page.getByRole("button", { name: "Révoquer" }).click();
    await page.getByRole("dialog", { name: "Révoquer ce jeton ?" }).getByRole("button", { name: "Révoquer" }).click();
    await visible(page.getByText("Aucun jeton pour l'instant."));
    expect((await asToken()).status).toBe(401);
  });

  it("changes the password: a wrong current password is refused with the server's message", async () => {
    await page.goto(`${relais.baseUrl}/account/password`);
    await page.getByLabel("Mot de passe actuel").fill("pas-le-bon-mot-de-passe");
    await page.getByLabel(/^Nouveau mot de passe/).fill(NEW_PASSWORD);
    await page.getByLabel("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Changer le mot de passe" }).click();
    await visible(page.getByText("Le mot de passe actuel est incorrect."));
    await page.getByLabel("Mot de passe actuel").fill(OWNER.password);
    await page.getByRole("button", { name: "Changer le mot de passe" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("button", { name: `Menu de ${OWNER.name}` }).click();
    await page.getByRole("menuitem", { name: "Se déconnecter" }).click();
    await page.waitForURL("**/login");
    await signIn(page, relais.baseUrl, { ...OWNER, password: NEW_PASSWORD });
    await page.waitForURL(/\/w\/[0-9a-f-]{36}\/calendar$/);
  });

  it("deletes the workspace only once its name is typed", async () => {
    await page.getByRole("link", { name: "Paramètres de l'espace" }).click();
    await page.getByRole("tab", { name: "Zone de danger" }).click();
    await page.getByRole("button", { name: "Supprimer l'espace" }).click();
    const dialog = page.getByRole("dialog", { name: "Supprimer cet espace ?" });
    const confirm = dialog.getByRole("button", { name: "Supprimer définitivement" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole("textbox").fill(WORKSPACE);
    await screenshot("delete-workspace");
    await confirm.click();
    await page.waitForURL("**/welcome");
    await count(page.getByTestId("workspace-option"), 0);
  });
});
