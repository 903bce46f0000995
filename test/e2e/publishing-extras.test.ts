import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
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
 * The publishing extras in a real browser: an account's weekly posting slots, a post's repeat rule and
 * evergreen recycling, the per-network crops of an image (automatic, then a box adjusted by hand), and a
 * planned draft (composed from an empty calendar day, dragged to another day, undone) — each saved to the
 * server and read back.
 */
const OWNER = { name: "Inès Lefèvre", email: "ines@agence.example", password: "une-phrase-de-passe" };
const TZ = "Europe/Paris";

let relais: RelaisProcess;
let receiver: WebhookReceiver;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
const screenshot = screenshots("extras");

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ({ relais, browser, page } = await startScenario({
    env: { RELAIS_ALLOW_PRIVATE_NETWORK: "true" },
    owner: OWNER,
    context: { viewport: { width: 1280, height: 900 } },
    errors: browserErrors,
  }));
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await receiver?.close();
});

const workspaceApi = () => `${relais.baseUrl}/api/workspaces/${page.url().match(/\/w\/([0-9a-f-]{36})\//)?.[1]}`;

/** Drags with the mouse in small steps (FullCalendar and the crop box listen to pointer moves). */
async function drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 5, from.y + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

const dayAhead = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString("sv-SE", { timeZone: TZ });

describe("publishing extras in the browser: slots, repeat and evergreen, crops, planned drafts", () => {
  it("edits an account's weekly posting slots and reads them back", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    await createWorkspaceOnWelcome(page, "Théâtre du Rond-Point", TZ);

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

  it("adjusts the 4:5 crop by hand: moves and resizes the box, the server renders that rectangle", async () => {
    const crops = page.getByRole("dialog", { name: "Cadrages par réseau — affiche.png" });
    await crops.getByRole("button", { name: "Ajuster le cadre 4:5 à la main" }).click();
    const box = crops.getByTestId("crop-box");
    await visible(box);
    const values = crops.getByTestId("crop-values");
    // Opens centred: the largest 4:5 box of a 1200×800 image.
    await expect.poll(() => values.textContent()).toContain("x 280, y 0 — 640 × 800");
    const b = await box.boundingBox();
    if (!b) throw new Error("crop box not on screen");
    await drag({ x: b.x + b.width / 2, y: b.y + b.height / 2 }, { x: b.x + b.width / 2 - 400, y: b.y + b.height / 2 });
    await expect.poll(() => values.textContent()).toContain("x 0, y 0 — 640 × 800");
    const h = await crops.getByTestId("crop-handle").boundingBox();
    if (!h) throw new Error("crop handle not on screen");
    await drag(
      { x: h.x + h.width / 2, y: h.y + h.height / 2 },
      { x: h.x + h.width / 2 - 80, y: h.y + h.height / 2 - 80 },
    );
    await expect.poll(async () => (await values.textContent())?.includes("640 × 800")).toBe(false);
    // The keyboard moves it too.
    await box.focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => values.textContent()).toContain("x 12, y 0");
    await screenshot(page, "crop-box");
    await crops.getByRole("button", { name: "Enregistrer le cadrage 4:5" }).click();
    await visible(page.getByText("Cadrage créé.").first());
    await visible(crops.getByText("cadre ajusté à la main"));
    await screenshot(page, "crop-saved");

    const api = workspaceApi();
    const list = (await (await page.request.get(`${api}/media`)).json()) as { items: { id: string; name: string }[] };
    const id = list.items.find((m) => m.name === "affiche.png")?.id;
    const r45 = (
      (await (await page.request.get(`${api}/media/${id}/renditions`)).json()) as {
        preset: string;
        width: number;
        height: number;
        crop: { x: number; y: number; width: number; height: number } | null;
      }[]
    ).find((r) => r.preset === "4:5");
    expect(r45?.crop?.x).toBe(12);
    expect(r45?.crop?.y).toBe(0);
    expect(r45?.crop?.width).toBeLessThan(640);
    expect((r45?.crop?.width ?? 0) / (r45?.crop?.height ?? 1)).toBeCloseTo(0.8, 2);
    expect((r45?.width ?? 0) * 5).toBe((r45?.height ?? 0) * 4);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
  });

  it("plans a draft from an empty calendar day, drags it to another day (still a draft), and undoes", async () => {
    const planned = dayAhead(3);
    const later = dayAhead(4);
    await page.goto(`${page.url().replace(/\/calendar.*$/, "")}/calendar`);
    const day = page.locator(`td.fc-daygrid-day[data-date="${planned}"]`);
    await visible(day);
    await day.click({ position: { x: 20, y: 60 } });
    await page.waitForURL(/\/calendar\/new\?at=/);
    await page.getByText("Équipe 🎭", { exact: true }).click();
    await page.getByRole("textbox", { name: "Texte", exact: true }).fill("Générale publique jeudi 🎭 — entrée libre");
    expect(await page.getByLabel("Date et heure").inputValue()).toBe(`${planned}T09:00`);
    await visible(page.getByTestId("planned-hint"));
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.waitForURL(/\/calendar\/posts\/[0-9a-f-]{36}/);
    const postId = page.url().match(/posts\/([0-9a-f-]{36})/)?.[1];
    await visible(page.getByText("Brouillon", { exact: true }).first());

    await page.getByRole("link", { name: "Retour au calendrier" }).click();
    const event = page.locator(".fc-event", { hasText: "Générale publique" });
    await visible(event);
    expect(await event.getAttribute("class")).toContain("relais-planned");
    await visible(event.getByText("Planifié · Brouillon"));
    await screenshot(page, "planned-in-calendar");

    const from = await event.boundingBox();
    const to = await page.locator(`td.fc-daygrid-day[data-date="${later}"]`).boundingBox();
    if (!from || !to) throw new Error("event or target day not on screen");
    await drag(
      { x: from.x + from.width / 2, y: from.y + from.height / 2 },
      { x: to.x + to.width / 2, y: to.y + to.height / 2 },
    );
    await visible(page.getByText("Publication déplacée"));
    const api = workspaceApi();
    const read = async () =>
      (await (await page.request.get(`${api}/posts/${postId}`)).json()) as {
        status: string;
        planned: { local: string } | null;
        targets: { status: string }[];
      };
    await expect.poll(async () => (await read()).planned?.local).toBe(`${later}T09:00`);
    expect((await read()).status).toBe("draft");
    expect((await read()).targets[0]?.status).toBe("pending");
    await visible(page.locator(`td.fc-daygrid-day[data-date="${later}"] .fc-event.relais-planned`));
    await screenshot(page, "planned-dragged");

    await page.getByRole("button", { name: "Annuler" }).click();
    await expect.poll(async () => (await read()).planned?.local).toBe(`${planned}T09:00`);
    await visible(
      page.locator(`td.fc-daygrid-day[data-date="${planned}"] .fc-event`, { hasText: "Générale publique" }),
    );
  });
});
