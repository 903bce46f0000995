import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { ParsedMail } from "mailparser";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containsText, count, value, visible } from "./assert.js";
import {
  createWorkspaceOnWelcome,
  type Inbox,
  type RelaisProcess,
  screenshotDir,
  screenshots,
  signIn,
  startScenario,
  startSmtp,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * Issue 5's curation scenario in a real browser against a real server: subscribe in the reader to a
 * loopback site by its address (autodiscovery through <link rel=alternate>) → its item appears → save it
 * to a new topic with a comment → save another page through the bookmarklet's page (title, description and
 * image fetched) → share into the composer (prefilled) → build the press review, reorder, comment → send
 * it → the e-mail arrives at a real SMTP server with both parts.
 */
const OWNER = { name: "Camille Martin", email: "camille@agence.example", password: "une-phrase-de-passe" };
const WORKSPACE = "Musée des Confluences";
const TZ = "Europe/Paris";
const ARTICLE_TITLE = "Lumières du Nord : l'exposition qui bat tous les records";
const INSIGHT = "Belle couverture 👏 à relayer avec « nos » visuels";
const INTERVIEW_TITLE = "« Dans les coulisses de Lumières du Nord », entretien";
const INTERVIEW_INSIGHT = "Pour la newsletter ✉️";
const CLIENT = "direction@musee.example";

let relais: RelaisProcess;
let inbox: Inbox;
let site: http.Server;
let siteUrl = "";
let browser: Browser;
let page: Page;
let workspaceUrl = "";
let itemLink = "";
const browserErrors: string[] = [];
const screenshot = screenshots("veille-curation");

/** A small news site: a home page announcing its feed, the feed, an article with Open Graph tags, an image. */
function startSite(): Promise<void> {
  site = http.createServer((req, res) => {
    const base = siteUrl;
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><title>La Gazette des musées</title>
<link rel="alternate" type="application/rss+xml" title="La Gazette — actualités" href="/feed.xml"></head>
<body><h1>La Gazette des musées</h1></body></html>`);
    } else if (req.url === "/feed.xml") {
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>La Gazette des musées</title><link>${base}/</link><description>Actualités</description>
<item><title>${ARTICLE_TITLE}</title><link>${base}/articles/lumieres-du-nord</link><guid>gazette-1</guid>
<pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate>
<description>Plus de 100 000 visiteurs en un mois pour l'exposition du musée.</description></item>
</channel></rss>`);
    } else if (req.url === "/articles/lumieres-du-nord") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><title>${ARTICLE_TITLE} | La Gazette</title>
<meta property="og:title" content="${ARTICLE_TITLE}">
<meta property="og:description" content="Plus de 100 000 visiteurs en un mois : un record pour le musée.">
<meta property="og:image" content="${base}/images/expo.png">
<meta property="og:site_name" content="La Gazette des musées"></head><body><article>…</article></body></html>`);
    } else if (req.url === "/articles/entretien") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><title>Entretien</title>
<meta property="og:title" content="${INTERVIEW_TITLE}">
<meta property="og:description" content="La commissaire de l'exposition raconte les coulisses.">
<meta property="og:image" content="${base}/images/expo.png">
<meta property="og:site_name" content="Radio Culture"></head><body></body></html>`);
    } else if (req.url === "/images/expo.png") {
      // 1×1 PNG
      res.writeHead(200, { "content-type": "image/png" });
      res.end(
        Buffer.from(
          "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
          "base64",
        ),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    site.listen(0, "127.0.0.1", () => {
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  await startSite();
  inbox = await startSmtp();
  ({ relais, browser, page } = await startScenario({
    env: {
      RELAIS_ALLOW_PRIVATE_NETWORK: "true",
      RELAIS_SMTP_URL: inbox.url,
      RELAIS_MAIL_FROM: "Relais <relais@agence.example>",
    },
    owner: OWNER,
    context: { viewport: { width: 1280, height: 900 }, locale: "fr-FR" },
    errors: browserErrors,
  }));
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await inbox?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
});

describe("veille → curation → composer → press review e-mail", () => {
  it("signs in and creates the workspace", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    workspaceUrl = await createWorkspaceOnWelcome(page, WORKSPACE, TZ);
    expect(workspaceUrl).not.toBe("");
  });

  it("subscribes by the site's address in the reader (autodiscovery) and the item appears", async () => {
    await page.goto(`${workspaceUrl}/veille`);
    await visible(page.getByRole("heading", { name: "Veille", level: 1 }));
    await page.getByRole("button", { name: "S'abonner", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "S'abonner à un site ou à un flux" });
    await dialog.getByRole("textbox", { name: "Adresse du site ou du flux" }).fill(`${siteUrl}/`);
    await dialog.getByRole("button", { name: "S'abonner", exact: true }).click();
    await visible(page.getByText("Abonné à « La Gazette des musées » : 1 article."));
    const row = page.getByTestId("item-row").first();
    await containsText(row, ARTICLE_TITLE);
    itemLink = `${siteUrl}/articles/lumieres-du-nord`;
    await screenshot(page, "reader");
  });

  it("saves the item from the reader to a new topic with a comment", async () => {
    await page.getByTestId("item-row").first().getByTestId("item-title").click();
    const reader = page.getByTestId("item-reader");
    await visible(reader);
    await reader.getByRole("button", { name: "Enregistrer dans un sujet" }).click();
    const dialog = page.getByRole("dialog", { name: ARTICLE_TITLE });
    // No topic yet: the dialog creates one.
    await dialog.getByRole("textbox", { name: "Nom du nouveau sujet" }).fill("Revue culture 🎨");
    await dialog.getByRole("textbox", { name: "Votre avis" }).fill(INSIGHT);
    await screenshot(page, "save-item");
    await dialog.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await visible(page.getByText("Lien enregistré."));

    await page.goto(`${workspaceUrl}/curation`);
    await visible(page.getByRole("heading", { name: "Curation", level: 1 }));
    await page.getByTestId("topic-card").filter({ hasText: "Revue culture 🎨" }).click();
    await page.waitForURL(/\/curation\/topics\/[0-9a-f-]{36}$/);
    const card = page.getByTestId("entry-card");
    await visible(card.getByRole("link", { name: ARTICLE_TITLE }));
    await containsText(card.getByTestId("entry-insight"), INSIGHT);
    await containsText(card, "La Gazette des musées");
    await containsText(card, "Plus de 100 000 visiteurs en un mois pour l'exposition du musée.");
  });

  it("saves another page through the bookmarklet's page: title, description and image fetched", async () => {
    await page.goto(`${workspaceUrl}/curation`);
    const href = await page.getByTestId("bookmarklet").getAttribute("href");
    expect(href).toMatch(/^javascript:/);
    expect(href).toContain(`${workspaceUrl}/curation/save`);
    await page.goto(
      `${workspaceUrl}/curation/save?url=${encodeURIComponent(`${siteUrl}/articles/entretien`)}&title=${encodeURIComponent("Entretien")}`,
    );
    await value(page.getByRole("textbox", { name: "Titre" }), INTERVIEW_TITLE);
    await value(
      page.getByRole("textbox", { name: "Description" }),
      "La commissaire de l'exposition raconte les coulisses.",
    );
    await visible(page.getByTestId("link-preview").locator("img"));
    await expect.poll(() => page.getByRole("textbox", { name: "Sujet" }).inputValue()).toBe("Revue culture 🎨");
    await page.getByRole("textbox", { name: "Votre avis" }).fill(INTERVIEW_INSIGHT);
    await screenshot(page, "save-link");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.waitForURL(/\/curation\/topics\/[0-9a-f-]{36}$/);
    await count(page.getByTestId("entry-card"), 2);
    // Newest first.
    await containsText(page.getByTestId("entry-card").first(), INTERVIEW_TITLE);
    await containsText(page.getByTestId("entry-card").first(), "Radio Culture");
    await screenshot(page, "topic");
  });

  it("publishes the topic: a public page (no account) and its feeds, at an unguessable URL", async () => {
    // A controlled switch: it turns on when the server has answered.
    await page.getByRole("switch", { name: "Publier ce sujet (page web et flux RSS / JSON Feed)" }).click();
    const field = page.getByRole("textbox", { name: "Page publique" });
    await visible(field);
    const publicUrl = await field.inputValue();
    expect(publicUrl).toMatch(/\/api\/public\/topics\/[A-Za-z0-9_-]{43}$/);
    const anonymous = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const p = await anonymous.newPage();
    await p.goto(publicUrl);
    await visible(p.getByRole("heading", { name: "Revue culture 🎨", level: 1 }));
    await visible(p.getByRole("link", { name: ARTICLE_TITLE }));
    await visible(p.getByText(INSIGHT));
    await visible(p.getByText(`Sélection de ${WORKSPACE}`, { exact: false }));
    await p.screenshot({ path: path.join(screenshotDir, "veille-curation-public-topic.png") });
    const rss = await (await fetch(`${publicUrl}/rss`)).text();
    expect(rss).toContain(`<title>${ARTICLE_TITLE.replace(/'/g, "&#39;")}</title>`);
    await anonymous.close();
  });

  it("shares the entry into the composer, prefilled with the comment and the link", async () => {
    await page
      .getByTestId("entry-card")
      .filter({ hasText: ARTICLE_TITLE })
      .getByRole("link", { name: "Partager dans une publication" })
      .click();
    await page.waitForURL(/\/calendar\/new\?/);
    await visible(page.getByRole("heading", { name: "Nouvelle publication", level: 1 }));
    await value(page.getByRole("textbox", { name: "Texte", exact: true }), INSIGHT);
    await value(page.getByRole("textbox", { name: "Lien", exact: true }), itemLink);
    await screenshot(page, "composer-prefilled");
  });

  it("builds the press review, edits it and sends it; the e-mail arrives with HTML and text parts", async () => {
    await page.goto(`${workspaceUrl}/curation/reviews`);
    await visible(page.getByRole("heading", { name: "Revues de presse", level: 1 }));
    await expect.poll(() => page.getByRole("textbox", { name: "Sujet" }).inputValue()).toBe("Revue culture 🎨");
    await page.getByRole("button", { name: "Préparer la revue" }).click();
    await page.waitForURL(/\/curation\/reviews\/[0-9a-f-]{36}$/);
    const items = page.getByTestId("review-item");
    await count(items, 2);
    await containsText(items.nth(0), INTERVIEW_TITLE);
    await containsText(items.nth(1), ARTICLE_TITLE);
    // The reader's article first: up on the second item.
    await items.nth(1).getByRole("button", { name: "Monter" }).click();
    await containsText(items.nth(0), ARTICLE_TITLE);
    await value(items.nth(0).getByRole("textbox", { name: "Votre commentaire" }), INSIGHT);
    await page.getByRole("textbox", { name: "Introduction" }).fill("Bonjour à toutes et à tous,\n\nvoici la semaine.");
    await items.nth(0).getByRole("textbox", { name: "Votre commentaire" }).fill("À lire en priorité : « un record ».");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await visible(page.getByText("Revue de presse enregistrée."));
    const recipients = page.getByRole("textbox", { name: "Destinataires" });
    await recipients.fill(CLIENT);
    await recipients.press("Enter");
    await screenshot(page, "review-builder");
    await page.getByRole("button", { name: "Envoyer la revue" }).click();
    await visible(page.getByTestId("review-sent"));
    await containsText(page.getByTestId("review-sent"), CLIENT);
    await screenshot(page, "review-sent");

    const mail: ParsedMail = await inbox.waitFor(CLIENT);
    expect(mail.subject).toBe("Revue de presse — Revue culture 🎨");
    expect(mail.text).toContain("Bonjour à toutes et à tous,");
    expect(mail.text).toContain(`1. ${ARTICLE_TITLE}`);
    expect(mail.text).toContain("   À lire en priorité : « un record ».");
    expect(mail.text).toContain(`Lire l'article\u00a0: ${itemLink}`);
    expect(mail.text).toContain(`2. ${INTERVIEW_TITLE}`);
    expect(mail.text).toContain(`   ${INTERVIEW_INSIGHT}`);
    expect((mail.text ?? "").indexOf(ARTICLE_TITLE)).toBeLessThan((mail.text ?? "").indexOf(INTERVIEW_TITLE));
    const html = mail.html as string;
    expect(html).toContain(`href="${itemLink}"`);
    expect(html).toContain("À lire en priorité : « un record ».");
    expect(html).toContain(`src="${siteUrl}/images/expo.png"`);
    expect(html).not.toMatch(/<script|<style/i);

    // History: sent once, to the client.
    await page.getByRole("link", { name: "Revues de presse" }).first().click();
    await visible(page.getByRole("cell", { name: /Revue de presse — Revue culture/ }));
    await visible(page.getByText("Envoyée", { exact: true }));
    await screenshot(page, "history");
  });
});
