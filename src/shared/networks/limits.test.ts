import { describe, expect, it } from "vitest";
import { checkDraft } from "./check.js";
import { accountLimitsOf, profileForAccount } from "./limits.js";
import { issueMessage } from "./messages.js";
import { PROFILES } from "./profiles.js";
import { countText, mastodonLength } from "./text-length.js";

const photo = {
  kind: "image" as const,
  mimeType: "image/jpeg",
  sizeBytes: 400_000,
  width: 1080,
  height: 1350,
  altText: "Le hall du musée, côté jardin 🌿",
};

/** "Café crème ☕ à l'expo « Été 2026 » 🇫🇷👩🏽‍🎨 ! " — 40 graphemes (the flag and the artist count one each). */
const french = "Café crème ☕ à l'expo « Été 2026 » 🇫🇷👩🏽‍🎨 ! ";

describe("Mastodon counting with the instance's URL length", () => {
  it("counts every URL as the reserved length it is given, accents and emoji as one", () => {
    expect(mastodonLength(french)).toBe(40);
    const text = `${french}https://musee-confluences.fr/expositions/ete-2026?lang=fr et http://piaille.fr/b`;
    const words = mastodonLength(`${french} et `);
    expect(mastodonLength(text)).toBe(words + 2 * 23);
    expect(mastodonLength(text, 10)).toBe(words + 2 * 10);
    expect(mastodonLength(text, 64)).toBe(words + 2 * 64);
    expect(countText(text, "mastodon", 10)).toBe(words + 20);
    expect(countText(text, "mastodon")).toBe(words + 46);
    // Other rules ignore it: X always weighs a URL 23, Bluesky counts what is written.
    expect(countText(text, "x-weighted", 10)).toBe(countText(text, "x-weighted"));
  });

  it("still counts a remote mention as its local part", () => {
    expect(mastodonLength("Merci @zoë@piaille.fr pour https://piaille.fr/z 🙏", 5)).toBe(
      mastodonLength("Merci @zoë pour xxxxx 🙏"),
    );
  });
});

describe("profileForAccount", () => {
  it("keeps the network's profile when the account knows no limits", () => {
    expect(profileForAccount("mastodon")).toBe(PROFILES.mastodon);
    expect(profileForAccount("mastodon", null)).toBe(PROFILES.mastodon);
    expect(profileForAccount("mastodon", {})).toEqual(PROFILES.mastodon);
  });

  it("overrides only the limits that are present and usable", () => {
    const p = profileForAccount("mastodon", {
      maxCharacters: 1000,
      charactersReservedPerUrl: null,
      maxMediaAttachments: 0,
      imageSizeLimit: Number.NaN,
      videoSizeLimit: 41_943_040,
      descriptionLimit: -1,
    });
    expect(p.text).toEqual({ max: 1000, counting: "mastodon", required: false, urlLength: 23 });
    expect(p.media).toMatchObject({
      maxCount: 4,
      maxImageBytes: PROFILES.mastodon.media.maxImageBytes,
      maxVideoBytes: 41_943_040,
      altTextMax: 1500,
    });
    expect(p.threads).toBe(true);
    // The shared profile is not changed.
    expect(PROFILES.mastodon.text.max).toBe(500);
  });
});

describe("checkDraft with an account's limits", () => {
  const text600 = `${"é".repeat(562)}${french}`; // 562 + 40 graphemes

  it("accepts 600 characters on a 1,000-character instance that the default 500 refuses", () => {
    expect(mastodonLength(text600)).toBe(602);
    const fixed = checkDraft("mastodon", { text: text600, media: [] });
    expect(fixed.ok).toBe(false);
    expect(fixed.issues[0]).toMatchObject({ code: "text_too_long", params: { length: 602, max: 500, over: 102 } });
    const big = checkDraft("mastodon", { text: text600, media: [] }, { maxCharacters: 1000 });
    expect(big).toMatchObject({ ok: true, length: 602, max: 1000, issues: [] });
  });

  it("refuses 301 characters on a 300-character instance, in French and English", () => {
    const text = `${"é".repeat(261)}${french}`; // 261 + 40 = 301
    const r = checkDraft("mastodon", { text, media: [] }, { maxCharacters: 300 });
    expect(r).toMatchObject({ ok: false, length: 301, max: 300 });
    expect(r.issues).toEqual([
      { severity: "error", code: "text_too_long", params: { length: 301, max: 300, over: 1 } },
    ]);
    expect(issueMessage("fr", r.issues[0]!)).toBe("Texte trop long : 301/300 (1 de trop).");
    expect(issueMessage("en", r.issues[0]!)).toBe("Text too long: 301/300 (1 over).");
    // A thread asked for: the instance's limit is where the text is split, a warning only.
    const thread = checkDraft("mastodon", { text, media: [], thread: true }, { maxCharacters: 300 });
    expect(thread.ok).toBe(true);
    expect(thread.issues[0]).toMatchObject({ code: "text_thread", params: { length: 301, max: 300 } });
    expect(checkDraft("mastodon", { text: text.slice(0, -1), media: [] }, { maxCharacters: 300 }).ok).toBe(true);
  });

  it("counts URLs with the instance's reserved length against its limit", () => {
    const url = "https://musee-confluences.fr/programme/nocturne-du-jeudi-soir";
    const text = `${"à".repeat(90)} ${url}`; // 91 + the URL
    const limits = { maxCharacters: 100, charactersReservedPerUrl: 9 };
    expect(checkDraft("mastodon", { text, media: [] }, limits)).toMatchObject({ ok: true, length: 100 });
    expect(checkDraft("mastodon", { text, media: [] }, { maxCharacters: 100 })).toMatchObject({
      ok: false,
      length: 114,
    });
  });

  it("allows at most the instance's media count, image size and alt-text length", () => {
    const limits = { maxMediaAttachments: 2, imageSizeLimit: 1_000_000, descriptionLimit: 20 };
    const three = checkDraft("mastodon", { text: "Trois photos 📸", media: [photo, photo, photo] }, limits);
    expect(three.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.params.max])).toEqual([
      ["too_many_media", 2],
      ["alt_text_too_long", 20],
      ["alt_text_too_long", 20],
      ["alt_text_too_long", 20],
    ]);
    expect(issueMessage("fr", three.issues[0]!)).toBe("Trop de médias : 3 (maximum 2).");
    const two = checkDraft(
      "mastodon",
      { text: "Deux photos", media: [photo, { ...photo, altText: "Hall" }] },
      {
        maxMediaAttachments: 2,
      },
    );
    expect(two.ok).toBe(true);
    const heavy = checkDraft("mastodon", { text: "Lourde", media: [{ ...photo, sizeBytes: 2_000_000 }] }, limits);
    expect(heavy.issues).toContainEqual({
      severity: "error",
      code: "image_too_large",
      params: { size: 2_000_000, max: 1_000_000 },
      mediaIndex: 0,
    });
    // Without the instance's limits the network's 4 media and 16 MB apply.
    expect(checkDraft("mastodon", { text: "Trois", media: [photo, photo, photo] }).ok).toBe(true);
  });
});

describe("accountLimitsOf", () => {
  it("reads a Mastodon account's stored limits, every key present, unusable values as null", () => {
    expect(
      accountLimitsOf("mastodon", {
        maxCharacters: 1000,
        maxMediaAttachments: 4,
        charactersReservedPerUrl: 23,
        imageSizeLimit: 16_777_216,
        videoSizeLimit: "103809024",
        supportedMimeTypes: ["image/jpeg"],
      }),
    ).toEqual({
      maxCharacters: 1000,
      charactersReservedPerUrl: 23,
      maxMediaAttachments: 4,
      imageSizeLimit: 16_777_216,
      videoSizeLimit: null,
      descriptionLimit: null,
    });
    expect(accountLimitsOf("mastodon", undefined)).toEqual({
      maxCharacters: null,
      charactersReservedPerUrl: null,
      maxMediaAttachments: null,
      imageSizeLimit: null,
      videoSizeLimit: null,
      descriptionLimit: null,
    });
  });

  it("is null for networks whose accounts have no limits of their own", () => {
    expect(accountLimitsOf("bluesky", { maxCharacters: 1000 })).toBeNull();
    expect(accountLimitsOf("webhook", null)).toBeNull();
    expect(accountLimitsOf("tiktok", {})).toBeNull();
  });
});
