import { describe, expect, it } from "vitest";
import { checkTarget, effectiveContent, networkOf } from "./post-view.js";
import { excerpt } from "./publishing.messages.js";

describe("effectiveContent", () => {
  const post = { body: "Base 🇫🇷", media_ids: ["m1"], options: { title: "Titre de base", lang: "fr" } };
  it("uses the post's base where the variant has nothing", () => {
    expect(effectiveContent(post, { body: null, media_ids: null, options: {} })).toEqual({
      text: "Base 🇫🇷",
      mediaIds: ["m1"],
      title: "Titre de base",
    });
  });
  it("uses the variant's text, media and options, even empty ones", () => {
    expect(effectiveContent(post, { body: "", media_ids: [], options: { title: "Variante" } })).toEqual({
      text: "",
      mediaIds: [],
      title: "Variante",
    });
  });
});

describe("checkTarget", () => {
  it("checks unknown networks with the webhook rules and translates issues", () => {
    expect(networkOf("tiktok")).toBe("webhook");
    expect(networkOf("bluesky")).toBe("bluesky");
    const fr = checkTarget("fr", "bluesky", { text: "é".repeat(301), mediaIds: [] }, new Map());
    expect(fr.issues[0]?.message).toBe("Texte trop long : 301/300 (1 de trop).");
    const empty = checkTarget("en", "youtube", { text: "", mediaIds: [] }, new Map());
    expect(empty.ok).toBe(false);
    expect(empty.issues.map((i) => i.code)).toContain("title_missing");
  });
});

describe("excerpt", () => {
  it("cuts at 80 graphemes without splitting an emoji", () => {
    const artist = "👩🏽‍🎨";
    const e = excerpt(`${"a".repeat(78)}${artist.repeat(3)}`);
    expect(e).toBe(`${"a".repeat(78)}${artist}…`);
    expect(excerpt("é".repeat(80))).toBe("é".repeat(80));
    expect(excerpt("  Bonjour\n\ntout le   monde ")).toBe("Bonjour tout le monde");
  });
});
