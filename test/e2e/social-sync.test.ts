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
 * The account page in a real browser against a real server and the fake Mastodon instance on loopback:
 * connect with a pasted token, people like, boost, reply and follow on the instance, "Synchroniser
 * maintenant" → the interactions and the counters show; the token is revoked → the next sync marks the
 * account "to reconnect" and the page offers the reconnect flow.
 */
const OWNER = { name: "Chloé Bernard", email: "chloe@agence.example", password: "une-phrase-de-passe" };
const WORKSPACE = "Opéra de Lyon";

let relais: RelaisProcess;
let fake: FakeMastodon;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
const screenshot = screenshots("social-sync", { fullPage: true });

beforeAll(async () => {
  fake = new FakeMastodon({ title: "Piaille 🐘" });
  await fake.start();
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
  await fake?.stop();
});

describe("account page in the browser", () => {
  it("connects a Mastodon account with a pasted token and opens its page", async () => {
    await signIn(page, relais.baseUrl, OWNER);
    await page.waitForURL("**/welcome");
    browserErrors.length = 0;
    await createWorkspaceOnWelcome(page, WORKSPACE);
    await page.getByRole("link", { name: "Comptes & réseaux" }).click();
    await page.getByRole("button", { name: "Connecter un compte Mastodon" }).click();
    const dialog = page.getByRole("dialog", { name: "Connecter un compte Mastodon" });
    await dialog.getByRole("textbox", { name: "Instance Mastodon" }).fill(fake.url);
    await dialog.getByLabel("Jeton d'accès (Préférences › Développement)").fill(fake.issueToken());
    await dialog.getByRole("button", { name: "Connecter", exact: true }).click();
    await visible(page.getByText(`@relais@${new URL(fake.url).host}`).first());

    await page.getByTestId("account-link").first().click();
    await page.waitForURL(/\/connectors\/[0-9a-f-]{36}$/);
    await visible(page.getByRole("heading", { name: "Relais Démo 🌿", level: 1 }));
    await visible(page.getByText("Aucune interaction pour l'instant"));
    await visible(page.getByRole("button", { name: "Synchroniser maintenant" }));
  });

  it("sync now shows the interactions, the counters and the sparkline", async () => {
    const fan = fake.addAccount("zoe", "Zoé Fan 🎨");
    const ours = fake.post(fake.me, "Première de « La Traviata » ce soir 🎭");
    fake.favourite(fan, ours.id);
    fake.reblog(fan, ours.id);
    fake.post(fan, "@relais Magnifique soirée, bravo à toute l'équipe ! 👏🏽", { inReplyToId: ours.id });
    fake.follow(fan);

    await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
    await visible(page.getByText("Synchronisé : 4 nouvelles interactions."));
    const list = page.getByTestId("interactions");
    await visible(list.getByText("Magnifique soirée, bravo à toute l'équipe ! 👏🏽", { exact: false }));
    await visible(list.getByText("a aimé votre publication", { exact: false }));
    await visible(list.getByText("a partagé votre publication", { exact: false }));
    await visible(list.getByText("s'est abonné", { exact: false }));
    expect(await list.getByText("Zoé Fan 🎨").count()).toBe(4);
    await visible(page.getByTestId("followers-sparkline"));
    expect(await page.getByTestId("counter-followers").textContent()).toBe(String(fake.me.followers));
    await visible(page.getByText("Dernière synchronisation"));
    await screenshot(page, "synced");
    expect(fake.violations).toEqual([]);

    // A second sync finds nothing new.
    await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
    await visible(page.getByText("Synchronisé : 0 nouvelle interaction."));
    expect(await list.locator("[data-kind]").count()).toBe(4);
  });

  it("a revoked token: the next sync marks the account to reconnect and offers the reconnect flow", async () => {
    fake.revokeAllTokens();
    await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
    const alert = page.getByTestId("reconnect-alert");
    await visible(alert);
    await visible(alert.getByText("Ce compte doit être reconnecté"));
    await visible(page.getByText("À reconnecter", { exact: false }).first());
    expect(await page.getByRole("button", { name: "Synchroniser maintenant" }).isDisabled()).toBe(true);
    await screenshot(page, "reconnect-needed");
    await alert.getByRole("button", { name: "Reconnecter" }).click();
    await visible(page.getByRole("dialog"));
    await screenshot(page, "reconnect-dialog");
    expect(browserErrors.filter((e) => !e.includes("409"))).toEqual([]);
  });
});
