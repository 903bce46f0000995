import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { attribute, containsText, count, disabled, value, visible } from "./assert.js";
import {
  collectErrors,
  type Inbox,
  launchChromium,
  type RelaisProcess,
  screenshots,
  startServer,
  startSmtp,
} from "./harness.js";

/**
 * The foundation, walked in a real browser against a real server: first-run setup, sign out and in, a
 * workspace and its brand book, the English UI, an invitation really e-mailed, and the invited client
 * joining with a read-only view of that one workspace.
 */
const OWNER = { name: "Camille Martin", email: "camille@agence.example", password: "une-phrase-de-passe" };
const REVIEWER = { name: "Léa Client", email: "lea@musee.example", password: "mot-de-passe-client" };
const WORKSPACE = "Musée des Confluences";
const OTHER_WORKSPACE = "Librairie Mollat";

let relais: RelaisProcess;
let smtp: Inbox;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let workspaceUrl = "";
let invitationLink = "";
/** Browser-side errors, printed when a step fails. */
const browserErrors: string[] = [];
let current: Page | undefined;

const screenshot = screenshots("");

/** Picks an option in a Mantine Select (an input opening a listbox). */
async function choose(p: Page, label: string, option: string): Promise<void> {
  await p.getByRole("textbox", { name: label, exact: true }).click();
  await p.getByRole("option", { name: option, exact: true }).click();
}

async function newContext(b: Browser): Promise<BrowserContext> {
  const context = await b.newContext({
    viewport: { width: 1280, height: 800 },
    timezoneId: "Europe/Paris",
    locale: "fr-FR",
  });
  collectErrors(context, browserErrors);
  context.on("page", (p) => {
    current = p;
  });
  return context;
}

beforeAll(async () => {
  smtp = await startSmtp();
  relais = await startServer({ RELAIS_SMTP_URL: smtp.url });
  browser = await launchChromium();
  owner = await newContext(browser);
  page = await owner.newPage();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== "fail") return;
  if (current && !current.isClosed()) await screenshot(current, "FAILED").catch(() => {});
  console.error(`browser errors:\n${browserErrors.join("\n")}\nserver output:\n${relais?.output()}`);
});

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await smtp?.close();
});

describe("onboarding in the browser", () => {
  it("creates the owner on first run, in French", async () => {
    await page.goto(relais.baseUrl);
    await page.waitForURL("**/setup");
    await attribute(page.locator("html"), "lang", "fr");
    await visible(page.getByRole("heading", { name: "Bienvenue sur Relais" }));
    await page.getByRole("textbox", { name: "Nom", exact: true }).fill(OWNER.name);
    await page.getByRole("textbox", { name: "Adresse e-mail" }).fill(OWNER.email);
    await page.getByLabel("Mot de passe").fill("court");
    await page.getByRole("button", { name: "Créer le compte propriétaire" }).click();
    await visible(page.getByText("Le mot de passe doit contenir au moins 10 caractères."));
    await screenshot(page, "setup-validation");
    await page.getByLabel("Mot de passe").fill(OWNER.password);
    await page.getByRole("button", { name: "Créer le compte propriétaire" }).click();
    await page.waitForURL("**/welcome");
    await visible(page.getByRole("heading", { name: `Bonjour ${OWNER.name} !` }));
    await screenshot(page, "welcome");
  });

  it("signs out and back in", async () => {
    await page.getByRole("button", { name: `Menu de ${OWNER.name}` }).click();
    await page.getByRole("menuitem", { name: "Se déconnecter" }).click();
    await page.waitForURL("**/login");
    await page.getByRole("textbox", { name: "Adresse e-mail" }).fill(OWNER.email);
    await page.getByLabel("Mot de passe").fill("mauvais-mot-de-passe");
    await page.getByRole("button", { name: "Se connecter" }).click();
    // The server's own message, in French.
    await visible(page.getByText("Adresse e-mail ou mot de passe incorrect."));
    await screenshot(page, "login-failed");
    await page.getByLabel("Mot de passe").fill(OWNER.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL("**/welcome");
  });

  it("creates workspaces with the browser's time zone", async () => {
    await page.getByRole("textbox", { name: "Nom de l'espace" }).fill(WORKSPACE);
    await value(page.getByRole("textbox", { name: "Fuseau horaire" }), "Europe/Paris");
    await page.getByRole("button", { name: "Créer l'espace" }).click();
    await page.waitForURL(/\/w\/[0-9a-f-]{36}\/settings\/profile$/);
    workspaceUrl = page.url().replace(/\/settings\/profile$/, "");
    await value(page.getByRole("textbox", { name: "Nom de l'espace" }), WORKSPACE);
    const nav = page.getByRole("navigation", { name: "Modules de l'espace" });
    for (const module of [
      "Calendrier éditorial",
      "Comptes & réseaux",
      "Veille",
      "Curation",
      "Boîte de réception & modération",
      "Écoute & e-réputation",
      "Liens",
      "Statistiques & KPI",
      "Rapports",
      "Jeux-concours",
      "Boîte à outils",
      "Paramètres de l'espace",
    ]) {
      await visible(nav.getByRole("link", { name: module }));
    }
    await screenshot(page, "workspace-profile");

    // A second workspace from the switcher, so the invited client has something not to see.
    await page.getByTestId("workspace-switcher").click();
    await page.getByRole("menuitem", { name: "Créer un espace de travail" }).click();
    const dialog = page.getByRole("dialog", { name: "Nouvel espace de travail" });
    await dialog.getByRole("textbox", { name: "Nom de l'espace" }).fill(OTHER_WORKSPACE);
    await dialog.getByRole("button", { name: "Créer l'espace" }).click();
    await value(page.getByRole("textbox", { name: "Nom de l'espace" }), OTHER_WORKSPACE);
    await page.getByTestId("workspace-switcher").click();
    await count(page.getByTestId("workspace-option"), 2);
    await page.getByTestId("workspace-option").filter({ hasText: WORKSPACE }).click();
    await page.waitForURL(`${workspaceUrl}/settings/profile`);
    await value(page.getByRole("textbox", { name: "Nom de l'espace" }), WORKSPACE);
  });

  it("edits and saves the brand book, with a Markdown preview", async () => {
    await page.getByRole("tab", { name: "Charte de marque" }).click();
    await page.waitForURL(`${workspaceUrl}/settings/brand`);
    await page
      .getByRole("textbox", { name: "Présentation du client" })
      .fill("Musée de sciences et de sociétés à **Lyon**.");
    const values = page.getByRole("textbox", { name: "Valeurs de la marque" });
    await values.fill("Curiosité");
    await values.press("Enter");
    await values.fill("Partage");
    await values.press("Enter");
    await page.getByRole("textbox", { name: "Ton et style" }).fill("Vouvoiement, chaleureux, jamais condescendant.");
    await page
      .getByRole("textbox", { name: "Charte de modération" })
      .fill("## Règles\n\n- **Pas d'insultes** : masquer\n- Spam : signaler\n\n<script>alert(1)</script>");
    await page
      .getByRole("radiogroup", { name: "Mode d'affichage de « Charte de modération »" })
      .getByText("Aperçu")
      .click();
    const preview = page.getByLabel("Aperçu de « Charte de modération »");
    await visible(preview.getByRole("heading", { name: "Règles" }));
    await visible(preview.locator("strong", { hasText: "Pas d'insultes" }));
    expect(await preview.locator("script").count()).toBe(0);
    await screenshot(page, "brand-book-preview");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await visible(page.getByText("Charte de marque enregistrée."));

    await page.reload();
    await value(
      page.getByRole("textbox", { name: "Présentation du client" }),
      "Musée de sciences et de sociétés à **Lyon**.",
    );
    await visible(page.getByText("Curiosité", { exact: true }));
    await visible(page.getByText("Partage", { exact: true }));
    await screenshot(page, "brand-book-saved");
  });

  it("switches the interface to English, remembered on the account", async () => {
    await page.getByText("EN", { exact: true }).click();
    await attribute(page.locator("html"), "lang", "en");
    await visible(page.getByRole("heading", { name: "Workspace settings" }));
    await visible(page.getByRole("tab", { name: "Brand book" }));
    await visible(page.getByRole("textbox", { name: "About the client" }));
    await visible(page.getByRole("link", { name: "Editorial calendar" }));
    await visible(page.getByRole("link", { name: "Inbox & moderation" }));
    await visible(page.getByRole("button", { name: "Save" }));
    // Stored on the account too: the session says so.
    await expect
      .poll(async () => (await (await page.request.get(`${relais.baseUrl}/api/auth/session`)).json()).user.locale)
      .toBe("en");
    await page.goto(`${workspaceUrl}/inbox`);
    await visible(page.getByText("Coming soon", { exact: true }));
    await screenshot(page, "coming-soon-en");
  });

  it("invites a reviewer, and the invitation is really e-mailed", async () => {
    await page.goto(`${workspaceUrl}/settings/members`);
    await page.getByRole("textbox", { name: "E-mail address" }).fill(REVIEWER.email);
    await choose(page, "Role", "Reviewer");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await visible(page.getByText(`Invitation e-mailed to ${REVIEWER.email}`));
    const shownLink = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();
    await visible(page.getByRole("cell", { name: REVIEWER.email }));
    await screenshot(page, "invitation-sent");

    const mail = await smtp.waitFor(REVIEWER.email);
    expect(mail.subject).toContain(WORKSPACE);
    const link = /https?:\/\/\S+\/invite\/\S+/.exec(mail.text ?? "")?.[0];
    expect(link, `no invitation link in:\n${mail.text}`).toBeTruthy();
    invitationLink = link as string;
    expect(invitationLink).toBe(shownLink);
  });

  it("lets the reviewer create an account from the link and see only that workspace, read-only", async () => {
    const client = await newContext(browser);
    const p = await client.newPage();
    await p.goto(invitationLink);
    await visible(p.getByRole("heading", { name: "Invitation" }));
    await visible(p.getByText(WORKSPACE).first());
    await visible(p.getByText("Validateur", { exact: true }));
    await p.getByRole("textbox", { name: "Nom", exact: true }).fill(REVIEWER.name);
    await p.getByLabel("Mot de passe").fill(REVIEWER.password);
    await screenshot(p, "invitation-page");
    await p.getByRole("button", { name: "Créer mon compte et rejoindre l'espace" }).click();
    await p.waitForURL(`${workspaceUrl}/calendar`);
    await visible(p.getByRole("heading", { name: "Calendrier éditorial", level: 1 }));

    await p.getByTestId("workspace-switcher").click();
    await count(p.getByTestId("workspace-option"), 1);
    await containsText(p.getByTestId("workspace-option"), WORKSPACE);
    await count(p.getByText(OTHER_WORKSPACE), 0);
    await count(p.getByRole("menuitem", { name: "Créer un espace de travail" }), 0);
    await p.keyboard.press("Escape");

    await p.getByRole("link", { name: "Paramètres de l'espace" }).click();
    await p.getByRole("tab", { name: "Charte de marque" }).click();
    await p.waitForURL(`${workspaceUrl}/settings/brand`);
    await visible(p.getByText("Lecture seule"));
    // Read-only: the Markdown is shown rendered, and its source cannot be edited.
    await visible(p.getByLabel("Aperçu de « Présentation du client »").locator("strong", { hasText: "Lyon" }));
    await p
      .getByRole("radiogroup", { name: "Mode d'affichage de « Présentation du client »" })
      .getByText("Écrire")
      .click();
    await disabled(p.getByRole("textbox", { name: "Présentation du client" }));
    await value(
      p.getByRole("textbox", { name: "Présentation du client" }),
      "Musée de sciences et de sociétés à **Lyon**.",
    );
    await disabled(p.getByRole("textbox", { name: "Valeurs de la marque" }));
    await count(p.getByRole("button", { name: "Enregistrer" }), 0);
    await count(p.getByRole("tab", { name: "Journal d'audit" }), 0);
    await screenshot(p, "reviewer-brand-book");

    // The server agrees: a reviewer's write is refused with a translated message.
    const csrf = (await (await p.request.get(`${relais.baseUrl}/api/auth/session`)).json()).csrfToken as string;
    const id = workspaceUrl.split("/").pop();
    const res = await p.request.patch(`${relais.baseUrl}/api/workspaces/${id}`, {
      headers: { "x-csrf-token": csrf, "accept-language": "fr" },
      data: { toneOfVoice: "piraté" },
    });
    expect(res.status()).toBe(403);
    await client.close();
  });

  it("shows the new member to the owner, with the audit trail", async () => {
    await page.goto(`${workspaceUrl}/settings/members`);
    await visible(page.getByRole("cell", { name: REVIEWER.email }));
    await visible(page.getByText("No pending invitations."));
    await choose(page, `Role of ${REVIEWER.name}`, "Viewer");
    await visible(page.getByText("Role changed."));
    await page.getByRole("tab", { name: "Audit log" }).click();
    await visible(page.getByRole("cell", { name: "Invitation accepted" }));
    await visible(page.getByRole("cell", { name: "Reviewer → Viewer" }));
    await screenshot(page, "audit-log");
  });

  it("removes a member after confirmation", async () => {
    await page.getByRole("tab", { name: "Members & invitations" }).click();
    const row = page.getByRole("row").filter({ hasText: REVIEWER.email });
    await row.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("dialog", { name: "Remove this member?" }).getByRole("button", { name: "Remove" }).click();
    await visible(page.getByText("Member removed."));
    await count(page.getByRole("cell", { name: REVIEWER.email }), 0);
  });
});
