import { describe, expect, it } from "vitest";
import { codePointLength, graphemeLength, hashtags, mastodonLength, xWeightedLength } from "./text-length.js";

describe("graphemes (Bluesky)", () => {
  it("counts what a reader sees", () => {
    expect(graphemeLength("Café")).toBe(4);
    expect(graphemeLength("Cafe\u0301")).toBe(4); // e + combining acute
    expect(graphemeLength("👋🏽")).toBe(1); // emoji with skin tone
    expect(graphemeLength("👨‍👩‍👧‍👦")).toBe(1); // family ZWJ sequence
    expect(graphemeLength("🇫🇷")).toBe(1); // flag
    expect(graphemeLength("Élégance à la française 🥐🇫🇷")).toBe(26);
  });
});

describe("X weighted length (twitter-text)", () => {
  it("counts URLs as 23 and emoji as 2", () => {
    expect(xWeightedLength("Découvrez https://www.exemple.fr/un/tres/long/chemin/qui/ne/compte/pas?utm=1")).toBe(
      10 + 23,
    );
    expect(xWeightedLength("👋🏽")).toBe(2);
    expect(xWeightedLength("été")).toBe(3);
    expect(xWeightedLength("日本語")).toBe(6);
  });
  it("puts a 280-character French text at the limit", () => {
    const text = "é".repeat(280);
    expect(xWeightedLength(text)).toBe(280);
    expect(xWeightedLength(`${text}!`)).toBe(281);
  });
});

describe("Mastodon", () => {
  it("counts every URL with a scheme as 23", () => {
    expect(mastodonLength("Lire https://exemple.fr/article-tres-long-sur-la-veille-2026")).toBe(5 + 23);
    expect(mastodonLength("exemple.fr")).toBe(10); // no scheme: plain text
  });
  it("counts a remote mention as its local part", () => {
    expect(mastodonLength("Merci @camille@piaille.fr !")).toBe("Merci @camille !".length);
    expect(mastodonLength("écrire à contact@exemple.fr")).toBe(27); // an e-mail address is not a mention
  });
  it("counts emoji with skin tones as one", () => {
    expect(mastodonLength("Bravo 👏🏾👏🏾")).toBe(8);
  });
});

describe("code points", () => {
  it("counts astral characters once", () => {
    expect(codePointLength("🥐")).toBe(1);
    expect("🥐".length).toBe(2);
  });
});

describe("hashtags", () => {
  it("finds accented hashtags", () => {
    expect(hashtags("Vive l'#été et le #CaféCrème, pas #123")).toEqual(["été", "CaféCrème"]);
  });
});
