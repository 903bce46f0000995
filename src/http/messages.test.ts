import { describe, expect, it } from "vitest";
import { errorMessage, localeFromHeader } from "./messages.js";

describe("localeFromHeader", () => {
  it.each([
    [undefined, "fr"],
    ["en-US,en;q=0.9", "en"],
    ["de-DE,de;q=0.9,en;q=0.5,fr;q=0.8", "fr"],
    ["fr-CA", "fr"],
    ["es", "fr"],
    ["en;q=0.2, fr;q=0.1", "en"],
  ])("%s → %s", (header, locale) => expect(localeFromHeader(header)).toBe(locale));
});

describe("errorMessage", () => {
  it("translates resources and fills parameters", () => {
    expect(errorMessage("fr", "not_found", { resource: "workspace" })).toBe("Espace de travail introuvable.");
    expect(errorMessage("en", "rate_limited", { retry: 42 })).toBe("Too many attempts. Try again in 42 seconds.");
  });
});
