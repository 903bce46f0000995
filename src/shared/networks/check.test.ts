import { describe, expect, it } from "vitest";
import { checkDraft } from "./check.js";
import { issueMessage } from "./messages.js";

const photo = {
  kind: "image" as const,
  mimeType: "image/jpeg",
  sizeBytes: 400_000,
  width: 1080,
  height: 1350,
  altText: "Un croissant",
};

describe("checkDraft", () => {
  it("blocks a Bluesky post over 300 graphemes and tells by how much", () => {
    const r = checkDraft("bluesky", { text: "🥐".repeat(301), media: [] });
    expect(r.ok).toBe(false);
    expect(r.length).toBe(301);
    expect(r.issues).toEqual([
      { severity: "error", code: "text_too_long", params: { length: 301, max: 300, over: 1 } },
    ]);
    expect(issueMessage("fr", r.issues[0]!)).toBe("Texte trop long : 301/300 (1 de trop).");
  });

  it("warns, without blocking, for missing alt text and an Instagram post without media", () => {
    const noAlt = checkDraft("mastodon", { text: "Bonjour", media: [{ ...photo, altText: "" }] });
    expect(noAlt.ok).toBe(true);
    expect(noAlt.issues.map((i) => i.code)).toEqual(["alt_text_missing"]);
    const insta = checkDraft("instagram", { text: "Bonjour", media: [] });
    expect(insta.ok).toBe(true);
    expect(insta.issues).toEqual([{ severity: "warning", code: "media_missing", params: { kind: "any" } }]);
  });

  it("limits Instagram to 30 hashtags and feed images to 4:5 … 1.91:1", () => {
    const tags = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(" ");
    expect(checkDraft("instagram", { text: tags, media: [photo] }).issues.map((i) => i.code)).toEqual([
      "too_many_hashtags",
    ]);
    const tall = checkDraft("instagram", { text: "x", media: [{ ...photo, width: 1080, height: 1920 }] });
    expect(tall.issues).toEqual([
      expect.objectContaining({ code: "aspect_ratio", mediaIndex: 0, params: { ratio: 0.56, min: 0.8, max: 1.91 } }),
    ]);
  });

  it("needs a YouTube title of at most 100 characters and a video", () => {
    const r = checkDraft("youtube", { text: "desc", title: "t".repeat(101), media: [photo] });
    expect(r.issues.map((i) => i.code).sort()).toEqual(["media_kind_unsupported", "media_missing", "title_too_long"]);
  });

  it("refuses more than 4 images on X and mixing photos with a video", () => {
    expect(checkDraft("x", { text: "x", media: Array(5).fill(photo) }).issues.map((i) => i.code)).toContain(
      "too_many_media",
    );
    const video = { kind: "video" as const, mimeType: "video/mp4", sizeBytes: 1000, durationMs: 10_000 };
    expect(checkDraft("x", { text: "x", media: [photo, video] }).issues.map((i) => i.code)).toContain(
      "media_kinds_mixed",
    );
  });

  it("accepts LinkedIn's 3,000 and Facebook's 63,206 characters exactly", () => {
    expect(checkDraft("linkedin", { text: "a".repeat(3000), media: [] }).ok).toBe(true);
    expect(checkDraft("linkedin", { text: "a".repeat(3001), media: [] }).ok).toBe(false);
    expect(checkDraft("facebook", { text: "a".repeat(63_206), media: [] }).ok).toBe(true);
    expect(checkDraft("pinterest", { text: "a".repeat(501), media: [photo] }).ok).toBe(false);
  });

  it("refuses an empty post", () => {
    expect(checkDraft("webhook", { text: "  ", media: [] }).issues.map((i) => i.code)).toEqual(["text_empty"]);
  });
});
