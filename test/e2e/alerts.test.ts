import pg from "pg";
import PgBoss from "pg-boss";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visible } from "./assert.js";
import {
  freshDatabase,
  launchChromium,
  openPage,
  type RelaisProcess,
  screenshots,
  sessionFetch,
  setupOwner,
  signIn,
  startServer,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * Alerts in the browser against a real server on PostgreSQL: a preset from the brand, live validation of a
 * broken query (the parser's translated message and position), the preview, saving; then feed items
 * appear in the database, the real worker's scan job matches them, and the matches view shows them and
 * marks them seen. Feed items are written with SQL (the veille's subscribe route is another area).
 */
const OWNER = { name: "Chloé Martin", email: "chloe@agence.example", password: "mot-de-passe-solide" };
const POSTGRES = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let relais: RelaisProcess | undefined;
let browser: Browser;
let page: Page | undefined;
let db: pg.Client;
let dbUrl = "";
let ownerApi: ReturnType<typeof sessionFetch>;
let workspaceId = "";
const errors: string[] = [];

const screenshot = screenshots("alerts");
stopAfterFirstFailure({ page: () => page, relais: () => relais, errors, screenshot });

/** The owner's calls that prepare the scenario: a failure stops it. */
async function api(method: string, url: string, body: unknown) {
  const res = await ownerApi(method, url, body);
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  // Always PostgreSQL: the scan job is sent through pg-boss and the items are written with SQL.
  const database = await freshDatabase(POSTGRES);
  dbUrl = database.env.DATABASE_URL ?? "";
  relais = await startServer({}, database);
  db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  ownerApi = sessionFetch(relais.baseUrl, await setupOwner(relais.baseUrl, OWNER));
  workspaceId = (
    await api("POST", "/api/workspaces", { name: "Orange Mécanique", timezone: "Europe/Paris", locale: "fr" })
  ).id;
  await api("POST", `/api/workspaces/${workspaceId}/competitors`, { name: "Free Mobile", website: "https://free.fr" });
  // A feed with a few items already read (the preview looks at them).
  const feed = await db.query(
    `insert into feeds (workspace_id, url, title) values ($1, 'https://presse.example/rss', 'Presse régionale') returning id`,
    [workspaceId],
  );
  await insertItem(feed.rows[0].id, "old1", "« Orange Mécanique » rouvre la salle", "Le cinéma fête ses 50 ans 🎬.");
  await insertItem(feed.rows[0].id, "old2", "Une orangeade offerte", "Boisson fraîche.");
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1360, height: 900 }, locale: "fr-FR" }, errors);
});

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await relais?.stop();
});

async function insertItem(feedId: string, guid: string, title: string, summary: string) {
  await db.query(
    `insert into feed_items (workspace_id, feed_id, guid, link, content_hash, title, summary, published_at, search)
     values ($1, $2, $3, $4, $3, $5, $6, now(), to_tsvector('simple', $5))`,
    [workspaceId, feedId, guid, `https://presse.example/${guid}`, title, summary],
  );
}

describe("alerts in the browser", () => {
  it("creates an alert from the brand preset, with live validation and a preview", async () => {
    const p = page!;
    await signIn(p, relais!.baseUrl, OWNER);
    await p.waitForURL(/\/w\//);
    await p.goto(`${relais!.baseUrl}/w/${workspaceId}/veille/alerts`);
    await visible(p.getByText("Aucune alerte pour l'instant"));
    await visible(p.getByText("Marque — Orange Mécanique"));
    await visible(p.getByText("Concurrent — Free Mobile"));
    await screenshot(p, "empty-with-presets");

    await p.getByTestId("preset-use").first().click();
    const dialog = p.getByRole("dialog", { name: "Nouvelle alerte" });
    const query = dialog.getByTestId("alert-query");
    expect(await query.inputValue()).toBe('"Orange Mécanique" -"offre d\'emploi" -recrutement -"job offer"');
    await visible(dialog.getByText("1 résultat parmi les 2 derniers articles"));
    // A broken query: the parser's message, in French, with the position.
    await query.fill('("Orange Mécanique" OU');
    await visible(dialog.getByText("Requête d'alerte invalide (caractère 23)", { exact: false }));
    await screenshot(p, "editor-invalid-query");
    await query.fill("(orange OU cinéma) -orangeade");
    await visible(dialog.getByText("1 résultat parmi les 2 derniers articles"));
    await screenshot(p, "editor-preview");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    await visible(p.getByTestId("alert-card").getByText("Marque — Orange Mécanique"));
    await visible(p.getByText("Aucun résultat"));
  });

  it("new items are matched by the worker and shown; marking them seen clears the count", async () => {
    const p = page!;
    const feed = await db.query(`select id from feeds where workspace_id = $1`, [workspaceId]);
    await insertItem(
      feed.rows[0].id,
      "new1",
      "Orange : panne géante en Bretagne",
      "Des milliers d'abonnés privés de réseau 📵.",
    );
    await insertItem(feed.rows[0].id, "new2", "Le cinéma de quartier résiste", "Une salle « Art et essai » à Lyon.");
    await insertItem(feed.rows[0].id, "new3", "Recette d'orangeade maison", "Sans orange ? Impossible.");
    // The scan job (cron every 5 minutes) is sent now through pg-boss, as the scheduler would.
    const boss = new PgBoss({
      connectionString: dbUrl,
      schema: "pgboss",
      supervise: false,
      schedule: false,
      migrate: false,
    });
    await boss.start();
    await boss.send("alerts.scan", {});
    await boss.stop({ graceful: false });
    await expect
      .poll(async () => (await db.query(`select count(*)::int as n from alert_matches`)).rows[0].n, { timeout: 30_000 })
      .toBe(2);
    await p.reload();
    // « orangeade » is excluded, and the older article (fetched before the alert existed) is not matched.
    await expect.poll(() => p.getByTestId("alert-match").count(), { timeout: 15_000 }).toBe(2);
    await visible(p.getByText("Orange : panne géante en Bretagne"));
    await visible(p.getByTestId("unseen-count").getByText("2"));
    await screenshot(p, "matches");
    await p.getByTestId("alert-match").first().getByRole("button", { name: "Marquer comme vu" }).click();
    await expect.poll(() => p.getByTestId("alert-match").count()).toBe(1);
    await visible(p.getByTestId("unseen-count").getByText("1"));
    await p.getByRole("button", { name: "Tout marquer comme vu" }).click();
    await visible(p.getByText("Aucun résultat"));
    await p.getByText("Vus", { exact: true }).click();
    await expect.poll(() => p.getByTestId("alert-match").count()).toBe(2);
    await screenshot(p, "seen");
  });
});
