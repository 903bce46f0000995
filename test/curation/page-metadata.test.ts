import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { cleanText, decodeHtml, extractMetadata } from "../../src/modules/curation/page-metadata.js";
import { pages } from "./pages.js";

describe("link metadata from real page shapes", () => {
  it("reads Open Graph first (news article with og:, twitter: and a <title> that differs)", () => {
    const m = extractMetadata(
      pages.openGraph,
      "https://www.lemonde.example/culture/article/2026/11/20/musees.html?utm=x",
    );
    expect(m).toEqual({
      url: "https://www.lemonde.example/culture/article/2026/11/20/musees.html",
      title: "Les musées français battent des records de fréquentation",
      description: "Près de 70 millions d'entrées en 2025 : « un engouement inédit », selon le ministère.",
      imageUrl: "https://img.lemonde.example/2026/11/20/0/0/1200/630/musee.jpg",
      siteName: "Le Monde.example",
      publishedAt: "2026-11-20T06:30:00.000Z",
    });
  });

  it("falls back to the Twitter card (name= attributes, relative image resolved, twitter:image:src)", () => {
    const m = extractMetadata(pages.twitterCard, "https://blog.example.org/billets/été-2026");
    expect(m.title).toBe("Un été au musée 🏛️ : nos coups de cœur");
    expect(m.description).toBe("Sélection d'expositions pour petits & grands.");
    expect(m.imageUrl).toBe("https://blog.example.org/media/cartes/ete.png");
    expect(m.siteName).toBe("blog.example.org");
  });

  it("without metadata uses <title>, the meta description and the first large image (not the logo)", () => {
    const m = extractMetadata(pages.plain, "http://mairie.example.fr/actualites/fete.html");
    expect(m.title).toBe("Fête de la Science — Mairie de Saint-Étienne");
    expect(m.description).toBe("Ateliers gratuits les 10 et 11 octobre.");
    expect(m.imageUrl).toBe("http://mairie.example.fr/images/ateliers-grand.jpg");
    expect(m.siteName).toBe("mairie.example.fr");
    expect(m.publishedAt).toBe("2026-10-01T08:00:00.000Z");
  });

  it("a bare page: <h1> as title, no image, no description; a page's javascript: image is dropped", () => {
    const m = extractMetadata(pages.bare, "https://exemple.fr/x");
    expect(m).toMatchObject({ title: "Communiqué", description: null, imageUrl: null, siteName: "exemple.fr" });
  });

  it("keeps the page read when the canonical URL points to another site", () => {
    const m = extractMetadata(
      '<html><head><link rel="canonical" href="https://autre.example/original"><title>Repris</title></head></html>',
      "https://agregateur.example/a/1",
    );
    expect(m.url).toBe("https://agregateur.example/a/1");
  });

  it("strips markup smuggled into meta content and caps long text", () => {
    const m = extractMetadata(
      `<meta property="og:title" content="<script>alert(1)</script>Titre &amp; <b>gras</b>"><meta name="description" content="${"é".repeat(1500)}">`,
      "https://exemple.fr/",
    );
    expect(m.title).toBe("alert(1) Titre & gras");
    expect(m.title).not.toContain("<");
    expect(Array.from(m.description ?? "").length).toBe(1000);
    expect(m.description?.endsWith("…")).toBe(true);
  });
});

describe("charset of fetched pages", () => {
  const html = (charsetMeta: string, body: string) =>
    `<html><head>${charsetMeta}<title>${body}</title></head><body></body></html>`;

  it("decodes windows-1252 declared in <meta>", () => {
    const bytes = iconv.encode(html('<meta charset="windows-1252">', "Événement à Besançon – 5 €"), "windows-1252");
    expect(extractMetadata(decodeHtml(bytes, "text/html"), "https://x.example/").title).toBe(
      "Événement à Besançon – 5 €",
    );
  });

  it("the HTTP header wins over the meta (ISO-8859-1 served, page says nothing)", () => {
    const bytes = iconv.encode(html("", "Café crème"), "latin1");
    expect(decodeHtml(bytes, "text/html; charset=ISO-8859-1")).toContain("Café crème");
  });

  it("a page labelled UTF-8 whose bytes are Latin-1 reads as windows-1252, not U+FFFD", () => {
    const bytes = iconv.encode(html('<meta charset="utf-8">', "Hôtel de Ville — été"), "windows-1252");
    const text = decodeHtml(bytes, "text/html; charset=utf-8");
    expect(text).toContain("Hôtel de Ville — été");
    expect(text).not.toContain("\ufffd");
  });

  it("a UTF-8 BOM beats a wrong header", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(html("", "Noël 🎄"), "utf8")]);
    expect(decodeHtml(bytes, "text/html; charset=iso-8859-1")).toContain("Noël 🎄");
  });

  it("Shift_JIS declared in the meta", () => {
    const bytes = iconv.encode(
      html('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "東京の美術館"),
      "shift_jis",
    );
    expect(extractMetadata(decodeHtml(bytes, "text/html"), "https://x.example/").title).toBe("東京の美術館");
  });
});

describe("cleanText", () => {
  it("collapses whitespace and never cuts an emoji in half", () => {
    expect(cleanText("  a \n\t b  ", 10)).toBe("a b");
    const cut = cleanText("😀".repeat(20), 5) as string;
    expect(Array.from(cut)).toHaveLength(5);
    expect(cut).toBe("😀😀😀😀…");
    expect(cleanText("   ", 5)).toBeNull();
  });
});
