import type { Locator } from "playwright-core";
import { expect } from "vitest";

/** Retrying assertions on playwright-core locators (playwright-core has no expect of its own). */
const TIMEOUT = 15_000;

export async function visible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: TIMEOUT });
}

export async function count(locator: Locator, n: number): Promise<void> {
  await expect.poll(() => locator.count(), { timeout: TIMEOUT }).toBe(n);
}

export async function value(locator: Locator, v: string): Promise<void> {
  await expect.poll(() => locator.inputValue(), { timeout: TIMEOUT }).toBe(v);
}

export async function attribute(locator: Locator, name: string, v: string): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout: TIMEOUT }).toBe(v);
}

export async function disabled(locator: Locator): Promise<void> {
  await expect.poll(() => locator.isDisabled(), { timeout: TIMEOUT }).toBe(true);
}

export async function containsText(locator: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await locator.textContent()) ?? "", { timeout: TIMEOUT }).toContain(text);
}
