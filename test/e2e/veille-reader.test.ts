import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attribute, containsText, count, visible } from "./assert.js";
import {
  createWorkspaceOnWelcome,
  type RelaisProcess,
  screenshots,
  signIn,
  startScenario,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * The veille reader in a real browser against a real server: subscribe to a loopback site by its address
 * (the site announces two feeds: the choices are shown) → items appear with unread counts → j/k move,
 * s stars, m marks read, o opens → "/" focuses the search, which finds an accented word with or without
 * its accent → magazine view → a feed that starts failing shows its error.
 */
const OWNER = { name: "Camille Martin", email: "camille@agence.example", password: "une-phrase-de-passe" };
const WORKSPACE = "Office de tourisme de Lyon";
const TZ = "Europe/Paris";

const ITEMS = [
  {
    guid: "lyon-1",
    title: "La fête des Lumières attire deux millions de visiteurs",
    text: "Quatre soirs de projections sur les façades de la Presqu'île, un record d'affluence pour l'édition 2026.",
    minutesAgo: 30,
  },
  {
    guid: "lyon-2",
    title: "Budget 2027 : le conseil municipal adopte le texte",
    text: "Le vote a eu lieu lundi soir après six heures de débat sur les investissements de la ville.",
    minutesAgo: 90,
  },
  {
    guid: "lyon-3",
    title: "Rugby : le LOU s'impose face à Toulouse",
    text: "Une victoire à domicile qui relance les Lyonnais dans la course aux phases finales du championnat.",
    minutesAgo: 150,
  },
];

let relais: RelaisProcess;
let site: http.Server;
let siteUrl = "";
let feedBroken = false;
let browser: Browser;
let page: Page;
let workspaceUrl = "";
const browserErrors: string[] = [];
const screenshot = screenshots("veille-reader");

function rss(base: string): string {
  const items = ITEMS.map(
    (i) => `<item><title>${i.title}</title><link>${base}/articles/${i.guid}</link><guid>${i.guid}</guid>
<pubDate>${new Date(Date.now() - i.minutesAgo * 60_000).toUTCString()}</pubDate>
<description><![CDATA[<p>${i.text}</p>]]></description></item>`,
  ).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Lyon Actualités</title><link>${base}/</link><description>L'actualité lyonnaise</description><language>fr</language>
${items}
</channel></rss>`;
}

/** A local news site: a home page announcing two feeds, the news feed (which can be broken), a podcast feed. */
function startSite(): Promise<void> {
  site = http.createServer((req, res) => {
    const base = siteUrl;
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Lyon Actualités</title>
<link rel="alternate" type="application/rss+xml" title="Lyon Actualités — toutes les infos" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" title="Lyon Actualités — podcasts" href="/podcasts.atom">
</head><body><h1>Lyon Actualités</h1></body></html>`);
    } else if (req.url === "/feed.xml") {
      if (feedBroken) return res.writeHead(500).end("boom");
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
      res.end(rss(base));
    } else if (req.url === "/podcasts.atom") {
      res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" });
      res.end(
        `<feed xmlns="http://www.w3.org/2005/Atom"><title>Podcasts</title><id>p</id><updated>2026-01-01T00:00:00Z</updated></feed>`,
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

const rows = () => page.getByTestId("item-row");
const row = (i: number) => rows().nth(i);

beforeAll(async () => {
  await startSite();
  ({ relais, browser, page } = await startScenario({
    env: { RELAIS_ALLOW_PRIVATE_NETWORK: "true" },
    owner: OWNER,
    context: { viewport: { width: 1400, height: 900 }, locale: "fr-FR" },
    errors: browserErrors,
  }));
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
});

describe("veille reader", () => {
  it("signs in, creates the workspace and opens Veille from the navigation", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    workspaceUrl = await createWorkspaceOnWelcome(page, WORKSPACE, TZ);
    expect(workspaceUrl).not.toBe("");
    await page.goto(`${workspaceUrl}/veille`);
    await visible(page.getByRole("heading", { name: "Veille", level: 1 }));
    await visible(page.getByText("Aucun article ici."));
    await screenshot(page, "empty");
  });

  it("subscribes by the site's address: the two announced feeds are offered, the chosen one's items appear", async () => {
    await page.getByRole("button", { name: "S'abonner", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "S'abonner à un site ou à un flux" });
    await dialog.getByRole("textbox", { name: "Adresse du site ou du flux" }).fill(`${siteUrl}/`);
    await dialog.getByRole("button", { name: "S'abonner", exact: true }).click();
    await visible(dialog.getByText("Ce site propose plusieurs flux"));
    await count(dialog.getByRole("radio"), 2);
    await visible(dialog.getByText("Lyon Actualités — podcasts"));
    await screenshot(page, "choices");
    await dialog.getByRole("radio", { name: /toutes les infos/ }).check();
    await dialog.getByRole("button", { name: "S'abonner à ce flux" }).click();
    await visible(page.getByText("Abonné à « Lyon Actualités » : 3 articles."));
    await count(rows(), 3);
    await containsText(row(0), ITEMS[0]?.title ?? "");
    await containsText(page.getByTestId("reader-heading"), "Lyon Actualités");
    await containsText(page.getByTestId("unread-total"), "3");
    await containsText(page.getByTestId("feed-link"), "3");
    await attribute(row(0), "data-read", "false");
    await screenshot(page, "subscribed");
  });

  it("j/k move the selection, s stars, m marks read (the unread counts follow), o opens the article", async () => {
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await attribute(row(0), "data-selected", "true");
    await page.keyboard.press("j");
    await attribute(row(1), "data-selected", "true");
    await attribute(row(0), "data-selected", "false");
    await page.keyboard.press("j");
    await attribute(row(2), "data-selected", "true");
    await page.keyboard.press("k");
    await attribute(row(1), "data-selected", "true");

    await page.keyboard.press("s");
    await attribute(row(1), "data-starred", "true");
    await page.keyboard.press("m");
    await attribute(row(1), "data-read", "true");
    await containsText(page.getByTestId("unread-total"), "2");
    await page.keyboard.press("m");
    await attribute(row(1), "data-read", "false");
    await containsText(page.getByTestId("unread-total"), "3");

    await page.keyboard.press("k");
    await page.keyboard.press("o");
    const reader = page.getByTestId("item-reader");
    await visible(reader);
    await containsText(reader, "Quatre soirs de projections sur les façades");
    await attribute(row(0), "data-read", "true");
    await containsText(page.getByTestId("unread-total"), "2");
    await visible(reader.getByRole("button", { name: "Enregistrer dans un sujet" }));
    await screenshot(page, "open");

    // The star is stored: the Starred view lists the starred item only, after a reload.
    await page.reload();
    await page
      .getByRole("link", { name: "Favoris" })
      .or(page.getByText("Favoris", { exact: true }))
      .first()
      .click();
    await count(rows(), 1);
    await containsText(row(0), ITEMS[1]?.title ?? "");
    await page.getByText("Tous les articles", { exact: true }).click();
    await count(rows(), 3);
  });

  it("/ focuses the search: an accented word is found, with or without its accent", async () => {
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    const search = page.getByRole("textbox", { name: "Rechercher dans les articles" });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("fête");
    await count(rows(), 1);
    await containsText(row(0), "La fête des Lumières");
    await screenshot(page, "search-accent");
    await search.fill("facades");
    await count(rows(), 1);
    await containsText(row(0), "La fête des Lumières");
    await search.fill("Toulouse");
    await count(rows(), 1);
    await containsText(row(0), "Rugby");
    await search.fill("");
    await count(rows(), 3);
  });

  it("a folder is created, the feed moved into it: the folder shows the unread count and filters the items", async () => {
    page.once("dialog", (d) => void d.accept("Presse locale 📰"));
    await page.getByRole("button", { name: "Nouveau dossier" }).click();
    const folder = page.getByTestId("folder-link");
    await visible(folder);
    await page.getByTestId("feed-link").click();
    await page.getByRole("textbox", { name: "Ranger dans un dossier" }).click();
    await page.getByRole("option", { name: "Presse locale 📰" }).click();
    await containsText(folder, "Presse locale 📰");
    await containsText(folder, "2");
    await folder.getByText("Presse locale 📰").click();
    await containsText(page.getByTestId("reader-heading"), "Presse locale 📰");
    await count(rows(), 3);
    await screenshot(page, "folder");
    await page.getByText("Tous les articles", { exact: true }).click();
  });

  it("the magazine view shows cards, and keys still work there", async () => {
    await page.locator("label", { hasText: "Magazine" }).click();
    await attribute(page.getByTestId("item-list"), "data-view", "magazine");
    await count(rows(), 3);
    // The view switch (a radio input) keeps the focus: shortcuts still work.
    await page.keyboard.press("j");
    await page.keyboard.press("s");
    await attribute(row(1), "data-starred", "false"); // it was starred: s toggles it off
    await screenshot(page, "magazine");
    await page.locator("label", { hasText: "Liste" }).click();
    await attribute(page.getByTestId("item-list"), "data-view", "list");
  });

  it("a feed that starts failing shows its error on the feed", async () => {
    feedBroken = true;
    await page.getByTestId("feed-link").click();
    await page.getByRole("button", { name: "Actualiser maintenant" }).click();
    const error = page.getByTestId("feed-error");
    await visible(error);
    await containsText(error, "500");
    await visible(page.getByTestId("feed-link").getByLabel("Ce flux est en erreur"));
    await screenshot(page, "feed-error");
    expect(browserErrors.filter((e) => !/status of (4|5)\d\d/.test(e))).toEqual([]);
  });
});
