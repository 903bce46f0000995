import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, normalizeCharset } from "../../src/modules/veille/feed/charset.js";
import { candidateFeedUrls, discoverFeeds } from "../../src/modules/veille/feed/discovery.js";
import { detectLanguage } from "../../src/modules/veille/feed/language.js";
import { repairXml } from "../../src/modules/veille/feed/lenient.js";

const xml = (encoding: string, body: string) =>
  `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${body}</title></channel></rss>`;

describe("decodeBody: precedence BOM > HTTP charset > XML declaration > UTF-8, checked against the bytes", () => {
  it("a BOM wins over a contradicting HTTP charset", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml("UTF-16", "Été"), "utf16le")]);
    const d = decodeBody(bytes, "text/xml; charset=iso-8859-1");
    expect(d).toMatchObject({ charset: "utf-16le", source: "bom" });
    expect(d.text).toContain("<title>Été</title>");
  });

  it("UTF-32 and UTF-8 BOMs", () => {
    const u32 = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(xml("UTF-32", "Noël"), "utf-32le")]);
    expect(decodeBody(u32).text).toContain("Noël");
    const u8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml("UTF-8", "Déjà"))]);
    expect(decodeBody(u8)).toMatchObject({ charset: "utf-8", source: "bom" });
  });

  it("the HTTP charset beats the XML declaration", () => {
    const bytes = iconv.encode(xml("UTF-8", "Café"), "latin1");
    expect(decodeBody(bytes, "application/rss+xml; charset=ISO-8859-1")).toMatchObject({
      charset: "windows-1252",
      source: "http",
    });
  });

  it("the XML declaration decides without an HTTP charset; UTF-8 by default", () => {
    const sjis = iconv.encode(xml("Shift_JIS", "東京"), "shift_jis");
    expect(decodeBody(sjis, "text/xml")).toMatchObject({ charset: "shift_jis", source: "xml" });
    expect(decodeBody(sjis, "text/xml").text).toContain("東京");
    const euc = iconv.encode(xml("EUC-KR", "서울"), "euc-kr");
    expect(decodeBody(euc).text).toContain("서울");
    const big5 = iconv.encode(xml("Big5", "臺北"), "big5");
    expect(decodeBody(big5).text).toContain("臺北");
    expect(decodeBody(Buffer.from("<rss><channel><title>Ça</title></channel></rss>"))).toMatchObject({
      charset: "utf-8",
      source: "default",
    });
  });

  it("UTF-16 without a BOM is recognised from the NUL pattern", () => {
    const bytes = iconv.encode(xml("UTF-16", "Ça"), "utf16be");
    expect(decodeBody(bytes)).toMatchObject({ charset: "utf-16be", source: "sniff" });
    expect(decodeBody(bytes).text).toContain("Ça");
  });

  it("declared UTF-8 but not UTF-8 → windows-1252, never U+FFFD", () => {
    const bytes = iconv.encode(xml("UTF-8", "L’été à 3 €"), "win1252");
    const d = decodeBody(bytes, "application/xml; charset=utf-8");
    expect(d).toMatchObject({ charset: "windows-1252", source: "fallback", overridden: "utf-8" });
    expect(d.text).toContain("L’été à 3 €");
    expect(d.text).not.toContain("\ufffd");
  });

  it("declared UTF-8 but the bytes are ISO-8859-15 while the declaration says so: the other label is used", () => {
    const bytes = iconv.encode(xml("ISO-8859-15", "Œuvre à 5 €"), "iso-8859-15");
    const d = decodeBody(bytes, "text/xml; charset=utf-8");
    expect(d.charset).toBe("iso-8859-15");
    expect(d.text).toContain("Œuvre à 5 €");
  });

  it("declared Latin-1 but valid UTF-8 with accents → UTF-8 (no Ã©)", () => {
    const d = decodeBody(Buffer.from(xml("ISO-8859-1", "Éléphant")), undefined);
    expect(d).toMatchObject({ charset: "utf-8", source: "fallback" });
    expect(d.text).toContain("Éléphant");
  });

  it("HTML pages: <meta charset>", () => {
    const html = iconv.encode('<!doctype html><html><head><meta charset="windows-1252"><title>Été</title>', "win1252");
    expect(decodeBody(html, "text/html")).toMatchObject({ charset: "windows-1252", source: "meta" });
  });

  it("labels: aliases and unknown ones", () => {
    expect(normalizeCharset("ISO-8859-1")).toBe("windows-1252");
    expect(normalizeCharset('"utf8"')).toBe("utf-8");
    expect(normalizeCharset("x-sjis")).toBe("shift_jis");
    expect(normalizeCharset("GB2312")).toBe("gb18030");
    expect(normalizeCharset("klingon")).toBeNull();
  });
});

describe("discoverFeeds", () => {
  const page = `<!doctype html><html><head>
    <link rel="alternate" type="application/rss+xml" title="Flux principal" href="/feed/">
    <link rel="alternate" type="application/rss+xml" title="Flux des commentaires" href="/comments/feed/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="alternate" type="application/feed+json" title="JSON" href="https://cdn.example.org/feed.json">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
    <link rel="alternate" type="application/json+oembed" href="/oembed">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="stylesheet" href="/s.css">
  </head><body><a href="/feed/">RSS</a></body></html>`;

  it("finds the declared feeds in page order, resolved, without comment feeds, API or oEmbed links", () => {
    expect(discoverFeeds(page, "https://blog.example.fr/2026/11/article.html").links).toEqual([
      { url: "https://blog.example.fr/feed/", title: "Flux principal", type: "rss" },
      { url: "https://blog.example.fr/2026/11/atom.xml", title: null, type: "atom" },
      { url: "https://cdn.example.org/feed.json", title: "JSON", type: "json" },
    ]);
  });

  it("honours <base href> and rel=feed", () => {
    const html = `<html><head><base href="https://www.example.org/blog/"><link rel="feed alternate" type="application/atom+xml" href="atom"></head></html>`;
    expect(discoverFeeds(html, "https://mirror.example.net/").links).toEqual([
      { url: "https://www.example.org/blog/atom", title: null, type: "atom" },
    ]);
  });

  it("candidates: the usual paths, under the page's directory first", () => {
    expect(candidateFeedUrls("https://example.org/")).toEqual([
      "https://example.org/feed",
      "https://example.org/rss",
      "https://example.org/feed.xml",
      "https://example.org/atom.xml",
      "https://example.org/rss.xml",
      "https://example.org/index.xml",
      "https://example.org/feed.json",
      "https://example.org/feed/atom",
      "https://example.org/?feed=rss2",
    ]);
    const sub = candidateFeedUrls("https://example.org/blog/");
    expect(sub[0]).toBe("https://example.org/blog/feed");
    expect(sub).toContain("https://example.org/feed");
    expect(candidateFeedUrls("not a url")).toEqual([]);
  });
});

describe("detectLanguage", () => {
  it.each([
    [
      "Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs touchés par la sécheresse.",
      "fr",
    ],
    ["The government announced on Tuesday a series of measures to support farmers hit by the drought.", "en"],
    ["Die Regierung hat am Dienstag eine Reihe von Maßnahmen angekündigt, um die Landwirte zu unterstützen.", "de"],
    [
      "El gobierno anunció el martes una serie de medidas para apoyar a los agricultores afectados por la sequía.",
      "es",
    ],
    ["政府は火曜日、干ばつの影響を受けた農家を支援するための一連の措置を発表した。これは大きなニュースです。", "ja"],
  ])("%s → %s", (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it("short or empty texts give null", () => {
    expect(detectLanguage("Bonjour à tous 👋")).toBeNull();
    expect(detectLanguage("")).toBeNull();
    expect(detectLanguage(null)).toBeNull();
    expect(detectLanguage("1234567890 ".repeat(10))).toBeNull();
  });
});

describe("repairXml", () => {
  it("closes what is open, escapes bare ampersands, keeps references and CDATA", () => {
    expect(repairXml("<rss><channel><title>A & B &eacute;<item><title>x</title><description><![CDATA[<b>y]]>")).toBe(
      "<rss><channel><title>A &amp; B &eacute;</title><item><title>x</title><description><![CDATA[<b>y]]></description></item></channel></rss>",
    );
  });

  it("mismatched end tags close up to the match; stray end tags are dropped", () => {
    expect(repairXml("<a><b><c>t</b></x></a>")).toBe("<a><b><c>t</c></b></a>");
  });
});
