import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { visible } from "./assert.js";
import {
  freshDatabase,
  launchChromium,
  type RelaisProcess,
  requireBuiltWeb,
  screenshotDir,
  startRelais,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * The publishing extras in a real browser: an account's weekly posting slots, a post's repeat rule and
 * evergreen recycling, and the per-network crops of an image — each saved to the server and read back.
 */
const OWNER = { name: "Inès Lefèvre", email: "ines@agence.example", password: "une-phrase-de-passe" };
const TZ = "Europe/Paris";

let relais: RelaisProcess;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let receiver: WebhookReceiver;
let browser: Browser;
let page: Page;
let shot = 0;
const browserErrors: string[] = [];

async function screenshot(p: Page, name: string): Promise<void> {
  shot += 1;
  await p.screenshot({ path: path.join(screenshotDir, `extras-${String(shot).padStart(2, "0")}-${name}.png`) });
}

beforeAll(async () => {
  requireBuiltWeb();
  fs.mkdirSync(screenshotDir, { recursive: true });
  receiver = await startWebhookReceiver();
  db = await freshDatabase();
  relais = await startRelais({ ...db.env, RELAIS_ALLOW_PRIVATE_NETWORK: "true" });
  const res = await fetch(`${relais.baseUrl}/api/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...OWNER, locale: "fr" }),
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  page.on("pageerror", (e) => browserErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && browserErrors.push(`console: ${m.text()}`));
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await receiver?.close();
  await db?.drop();
});

describe("publishing extras in the browser: slots, repeat and evergreen, crops", () => {
  it("edits an account's weekly posting slots and reads them back", async () => {
    await page.goto(`${relais.baseUrl}/login`);
    await page.getByRole("textbox", { name: "Adresse e-mail" }).fill(OWNER.email);
    await page.getByLabel("Mot de passe").fill(OWNER.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL("**/welcome");
    await page.getByRole("textbox", { name: "Nom de l'espace" }).fill("Théâtre du Rond-Point");
    await page.getByRole("textbox", { name: "Fuseau horaire" }).fill(TZ);
    await page.getByRole("option", { name: TZ }).first().click();
    await page.getByRole("button", { name: "Créer l'espace" }).click();
    await page.waitForURL(/\/w\/[0-9a-f-]{36}\//);

    await page.getByRole("link", { name: "Comptes & réseaux" }).click();
    await page.getByRole("button", { name: "Connecter un compte Webhook" }).click();
    const connect = page.getByRole("dialog", { name: "Connecter un compte Webhook" });
    await connect.getByRole("textbox", { name: "URL du webhook" }).fill(receiver.url("/hooks/equipe"));
    await connect.getByRole("textbox", { name: "Nom dans Relais" }).fill("Équipe 🎭");
    await connect.getByRole("button", { name: "Connecter" }).click();
    await connect.getByRole("button", { name: "Je l'ai copiée" }).click();
    await visible(page.getByRole("cell", { name: "Équipe 🎭" }).first());

    await page.getByRole("button", { name: "Créneaux de publication de Équipe 🎭" }).click();
    const dialog = page.getByRole("dialog", { name: "Créneaux de publication — Équipe 🎭" });
    await visible(dialog.getByText("Europe/Paris", { exact: false }));
    for (const [day, time] of [
      ["lundi", "09:30"],
      ["lundi", "18:00"],
      ["jeudi", "12:15"],
    ] as const) {
      await dialog.getByLabel(`Nouvelle heure, ${day}`).fill(time);
      await dialog.getByRole("button", { name: `Ajouter un créneau le ${day}` }).click();
    }
    await dialog.getByRole("button", { name: "Retirer le créneau du lundi à 18:00" }).click();
    await screenshot(page, "slots");
    await dialog.getByRole("button", { name: "Enregistrer les créneaux" }).click();
    await visible(page.getByText("Créneaux de Équipe 🎭 enregistrés."));
    await dialog.getByRole("button", { name: "Fermer" }).click();

    // Read back through the API with the browser's session: what was saved, sorted, without the removed time.
    const api = `${relais.baseUrl}/api/workspaces/${page.url().match(/\/w\/([0-9a-f-]{36})\//)?.[1]}`;
    const list = (await (await page.request.get(`${api}/accounts`)).json()) as
      | { id: string }[]
      | { items: { id: string }[] };
    const accountId = (Array.isArray(list) ? list : list.items)[0]?.id;
    const slots = await page.request.get(`${api}/accounts/${accountId}/slots`);
    expect((await slots.json()).slots).toEqual([
      { weekday: 1, time: "09:30" },
      { weekday: 4, time: "12:15" },
    ]);
  });

  it("makes a saved post repeat weekly and evergreen; the picker shows the saved rule", async () => {
    await page.getByRole("link", { name: "Calendrier éditorial" }).click();
    await page.getByRole("link", { name: "Nouvelle publication" }).click();
    await page.getByText("Équipe 🎭", { exact: true }).click();
    await page.getByRole("textbox", { name: "Texte", exact: true }).fill("Relâche le lundi ; billetterie ouverte 🎟️");
    await page.getByLabel("Date et heure").fill("2030-03-04T10:00");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.waitForURL(/\/calendar\/posts\/[0-9a-f-]{36}/);
    await page.getByRole("button", { name: "Programmer" }).click();
    await visible(page.getByText("Programmé", { exact: true }).first());

    await page.getByText("Chaque semaine", { exact: true }).click();
    await page.getByText("lun.", { exact: true }).click();
    await page.getByText("jeu.", { exact: true }).click();
    await visible(page.getByText("FREQ=WEEKLY;BYDAY=MO,TH", { exact: true }));
    await page.getByRole("button", { name: "Enregistrer la répétition" }).click();
    await visible(page.getByText("Répétition enregistrée."));

    await page.getByRole("switch", { name: "Evergreen (republier régulièrement)" }).check();
    await page.getByRole("textbox", { name: "Délai minimal (jours)" }).fill("14");
    await page.getByRole("button", { name: "Enregistrer le recyclage" }).click();
    await visible(page.getByText("Recyclage enregistré."));
    await screenshot(page, "series");

    await page.reload();
    await expect
      .poll(() => page.getByRole("radio", { name: "Chaque semaine" }).isChecked(), { timeout: 15_000 })
      .toBe(true);
    await visible(page.getByText("FREQ=WEEKLY;BYDAY=MO,TH", { exact: true }));
    await expect
      .poll(() => page.getByRole("switch", { name: "Evergreen (republier régulièrement)" }).isChecked(), {
        timeout: 15_000,
      })
      .toBe(true);
  });

  it("crops an uploaded image to 1:1 and 9:16 and shows the renditions", async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#c0392b" } })
      .png()
      .toBuffer();
    await page.getByRole("button", { name: "Ajouter des médias" }).click();
    const library = page.getByRole("dialog", { name: "Médiathèque" });
    await library
      .locator('input[type="file"]')
      .setInputFiles({ name: "affiche.png", mimeType: "image/png", buffer: png });
    await visible(page.getByText("Fichiers importés."));
    await library.getByRole("button", { name: "Cadrages par réseau de affiche.png" }).click();
    const crops = page.getByRole("dialog", { name: "Cadrages par réseau — affiche.png" });
    await visible(crops.getByText("Pas encore de cadrage").first());
    for (const preset of ["1:1", "9:16"]) {
      await crops.getByRole("button", { name: `Recadrer au format ${preset}` }).click();
      const img = crops.getByRole("img", { name: `Cadrage ${preset} de affiche.png` });
      await visible(img);
      await expect
        .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 })
        .toBeGreaterThan(0);
    }
    await visible(crops.getByText("800×800", { exact: false }));
    await screenshot(page, "crops");
  });
});
