import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { containsText, count, visible } from "./assert.js";
import {
  createWorkspaceOnWelcome,
  type RelaisProcess,
  screenshots,
  signIn,
  startScenario,
  stopAfterFirstFailure,
} from "./harness.js";

/**
 * The scenario in a real browser against a real server: connect two webhooks, compose one post
 * with two variants (live checks), request approval, the client approves through the signed link (no
 * account), schedule, drag the post to another day in the calendar (undo offered), and the scheduler
 * delivers each variant, signed, to a webhook receiver on loopback.
 */
const OWNER = { name: "Camille Martin", email: "camille@agence.example", password: "une-phrase-de-passe" };
const WORKSPACE = "Musée des Confluences";
const TZ = "Europe/Paris";
const BASE_TEXT = "Nouvelle exposition « Lumières du Nord » ✨ dès samedi ! #musée https://musee.example/expo";
const VARIANT_TEXT = "Pour la communauté Discord : visite guidée gratuite samedi 👋🏽 #musée";

let relais: RelaisProcess;
let receiver: WebhookReceiver;
let browser: Browser;
let page: Page;
let postUrl = "";
let approvalLink = "";
const secrets: Record<string, string> = {};
const browserErrors: string[] = [];
const screenshot = screenshots("publishing");

/** "YYYY-MM-DDTHH:mm" of an instant in the workspace zone. */
function localIn(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: TZ,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The publication time: today (workspace zone) about two minutes from now; it is first planned a day later. */
const due = new Date(Math.ceil((Date.now() + 150_000) / 60_000) * 60_000);
const dueLocal = localIn(due);
const dayAfterLocal = localIn(new Date(due.getTime() + 86_400_000));

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The browser is in another zone than the workspace: every time on screen must still be Paris time.
  ({ relais, browser, page } = await startScenario({
    env: { RELAIS_ALLOW_PRIVATE_NETWORK: "true" },
    owner: OWNER,
    context: { viewport: { width: 1280, height: 800 }, timezoneId: "America/New_York" },
    errors: browserErrors,
  }));
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
});

stopAfterFirstFailure({ page: () => page, relais: () => relais, errors: browserErrors, screenshot });

afterAll(async () => {
  await browser?.close();
  await relais?.stop();
  await receiver?.close();
});

describe("publishing in the browser: compose → approve by link → drag → published", () => {
  it("creates a Paris workspace and connects two webhooks; the signing secret is shown once", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    await createWorkspaceOnWelcome(page, WORKSPACE, TZ);

    await page.getByRole("link", { name: "Comptes & réseaux" }).click();
    await visible(page.getByText("Aucun compte connecté"));
    await visible(page.getByText("Bientôt").first());
    for (const [name, hook] of [
      ["Slack équipe", "/hooks/slack-equipe"],
      ["Discord client", "/hooks/discord-client"],
    ] as const) {
      await page.getByRole("button", { name: "Connecter un compte Webhook" }).click();
      const dialog = page.getByRole("dialog", { name: "Connecter un compte Webhook" });
      await dialog.getByRole("textbox", { name: "URL du webhook" }).fill(receiver.url(hook));
      await dialog.getByRole("textbox", { name: "Nom dans Relais" }).fill(name);
      await dialog.getByRole("button", { name: "Connecter" }).click();
      const secret = dialog.getByRole("textbox", { name: "Clé de signature" });
      await visible(secret);
      secrets[hook] = await secret.inputValue();
      expect(secrets[hook]?.length).toBeGreaterThan(20);
      if (name === "Slack équipe") await screenshot(page, "secret-once");
      await dialog.getByRole("button", { name: "Je l'ai copiée" }).click();
      await visible(page.getByRole("cell", { name }).first());
    }
    await count(page.getByText("Actif", { exact: true }), 2);
    await screenshot(page, "accounts");
  });

  it("composes one post with a variant for Discord, with live checks and previews", async () => {
    await page.getByRole("link", { name: "Calendrier éditorial" }).click();
    await visible(page.getByText(`fuseau de l'espace : ${TZ}`, { exact: false }));
    await page.getByRole("link", { name: "Nouvelle publication" }).click();
    await visible(page.getByRole("heading", { name: "Nouvelle publication", level: 1 }));
    await page.getByText("Slack équipe", { exact: true }).click();
    await page.getByText("Discord client", { exact: true }).click();
    await page.getByRole("textbox", { name: "Texte", exact: true }).fill(BASE_TEXT);
    // The live counter counts the way the network counts (code points for webhooks).
    await containsText(page.getByTestId("checks-webhook").first(), `${[...BASE_TEXT].length} / 40000`);

    await page.getByRole("tab", { name: "Discord client" }).click();
    await page.getByRole("switch", { name: "Adapter le texte pour Discord client" }).check();
    await page.getByRole("textbox", { name: "Texte pour Discord client" }).fill(VARIANT_TEXT);
    await visible(page.getByRole("tab", { name: "Discord client •" }));
    await visible(page.getByLabel("Aperçu Webhook — Discord client").getByText("visite guidée", { exact: false }));
    await visible(page.getByLabel("Aperçu Webhook — Slack équipe").getByText("Lumières du Nord", { exact: false }));
    // The hashtag is highlighted in the preview.
    await visible(page.getByLabel("Aperçu Webhook — Slack équipe").getByText("#musée", { exact: true }));

    // The day after the due time: the drag in the calendar brings it back to today.
    await page.getByLabel("Date et heure").fill(dayAfterLocal);
    await visible(page.getByText(`Fuseau de l'espace : ${TZ}`));
    await screenshot(page, "composer");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.waitForURL(/\/calendar\/posts\/[0-9a-f-]{36}\?at=/);
    postUrl = page.url();
    await visible(page.getByText("Brouillon", { exact: true }).first());
  });

  it("requests approval and creates the client's approval link", async () => {
    await page.getByRole("button", { name: "Demander la validation" }).click();
    await visible(page.getByText("En validation", { exact: true }).first());
    await page.getByRole("button", { name: "Lien de validation client" }).click();
    const dialog = page.getByRole("dialog", { name: "Lien de validation pour le client" });
    await dialog.getByRole("textbox", { name: "Nom du client (facultatif)" }).fill("Léa (Musée)");
    await dialog.getByRole("button", { name: "Créer le lien" }).click();
    const link = dialog.getByRole("textbox", { name: "Lien à envoyer" });
    await visible(link);
    approvalLink = await link.inputValue();
    expect(approvalLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approve\/.+/);
    await screenshot(page, "approval-link");
    await page.keyboard.press("Escape");
  });

  it("lets the client approve through the link, without an account", async () => {
    const client = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "fr-FR" });
    const p = await client.newPage();
    await p.goto(approvalLink);
    await visible(p.getByRole("heading", { name: "Validation d'une publication" }));
    await visible(p.getByText(WORKSPACE));
    await visible(p.getByLabel("Aperçu Webhook — Discord client").getByText("visite guidée", { exact: false }));
    await visible(p.getByLabel("Aperçu Webhook — Slack équipe").getByText("Lumières du Nord", { exact: false }));
    await screenshot(p, "client-approval-page");
    await p.getByRole("textbox", { name: "Commentaire" }).fill("Parfait, merci !");
    await p.getByRole("button", { name: "Valider la publication" }).click();
    await visible(p.getByText("Merci, la publication est validée."));
    await screenshot(p, "client-approved");
    // The link served its one decision.
    await p.reload();
    await visible(p.getByText("Décision déjà prise").or(p.getByText("Ce lien n'est plus valable")));
    await client.close();
  });

  it("schedules the approved post; the trail says who did what", async () => {
    await page.goto(postUrl);
    await visible(page.getByText("Validé", { exact: true }).first());
    await page.getByRole("tab", { name: "Historique" }).click();
    await visible(page.getByText("→ Validé", { exact: false }).first());
    await page.getByRole("button", { name: "Programmer" }).click();
    await visible(page.getByText("Programmé", { exact: true }).first());
    await screenshot(page, "scheduled");
  });

  it("drags the post back to today in the calendar; the move can be undone", async () => {
    await page.getByRole("link", { name: "Retour au calendrier" }).click();
    const event = page.locator(".fc-event", { hasText: "Nouvelle exposition" });
    await visible(event);
    const target = page.locator(`td.fc-daygrid-day[data-date="${dueLocal.slice(0, 10)}"]`);
    const from = await event.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error("event or target day not on screen");
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 3 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    await visible(page.getByText("Publication déplacée"));
    await visible(page.getByRole("button", { name: "Annuler" }));
    await screenshot(page, "dragged");
    await visible(target.locator(".fc-event", { hasText: "Nouvelle exposition" }));
  });

  it("publishes each variant once, signed, to the webhook receiver", async () => {
    const requests = await receiver.waitFor(2 + 2, 240_000); // two connect pings, then the two deliveries
    const deliveries = requests.filter((r) => r.body.includes("Lumières du Nord") || r.body.includes("visite guidée"));
    expect(deliveries).toHaveLength(2);
    const slack = deliveries.find((r) => r.path === "/hooks/slack-equipe");
    const discord = deliveries.find((r) => r.path === "/hooks/discord-client");
    expect(slack?.body).toContain("Lumières du Nord");
    expect(discord?.body).toContain("visite guidée");
    expect(discord?.body).not.toContain("Lumières du Nord");
    for (const r of [slack, discord]) {
      expect(r?.headers["idempotency-key"]).toBeTruthy();
      expect(receiver.verify(r as (typeof requests)[number], secrets[r?.path ?? ""] ?? "")).toBe(true);
    }
    await page.goto(postUrl);
    await visible(page.getByText("Publié", { exact: true }).first());
    await screenshot(page, "published");
    // No duplicate delivery arrives later.
    await new Promise((r) => setTimeout(r, 3000));
    expect(receiver.requests.filter((r) => r.body.includes("visite guidée"))).toHaveLength(1);
  }, 300_000);
});
