import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDate } from "../../src/modules/veille/feed/dates.js";
import { FeedParseError, parseFeed } from "../../src/modules/veille/feed/parse.js";
import { htmlToText, sanitizeHtml } from "../../src/modules/veille/feed/sanitize.js";
import type { NormalizedFeed } from "../../src/modules/veille/feed/types.js";
import { CORPUS } from "./feed-corpus.js";

const dir = path.resolve(import.meta.dirname, "../fixtures/feeds");
const read = (file: string) => fs.readFileSync(path.join(dir, file));
const parse = (file: string): NormalizedFeed => {
  const entry = CORPUS.find((c) => c.file === file);
  return parseFeed(read(file), { url: entry?.url, contentType: entry?.contentType });
};

describe("parseFeed over the corpus", () => {
  // Each file's whole normalized output is pinned in fixtures/feeds/expected (reviewed by hand); the tests
  // below spell out the behaviours that matter.
  for (const entry of CORPUS) {
    it(`${entry.file} gives its expected normalized feed`, () => {
      const expected = JSON.parse(
        fs.readFileSync(path.join(dir, "expected", entry.file.replace(/\.[a-z]+$/, ".json")), "utf8"),
      );
      expect(parse(entry.file)).toEqual(expected);
    });
  }

  it("detects every format and version", () => {
    const formats = Object.fromEntries(CORPUS.map((c) => [c.file, parse(c.file).format]));
    expect(formats).toMatchObject({
      "lemonde-rss2.xml": "rss2.0",
      "rss091.xml": "rss0.9x",
      "rss092.xml": "rss0.9x",
      "rdf-rss1.xml": "rss1.0",
      "atom03.xml": "atom0.3",
      "atom10-xmlbase.xml": "atom1.0",
      "jsonfeed10.json": "json1.0",
      "jsonfeed11.json": "json1.1",
    });
  });

  it("RSS 2.0 news feed: French text, dates with zones to UTC, media:content as an enclosure", () => {
    const feed = parse("lemonde-rss2.xml");
    expect(feed.language).toBe("fr");
    expect(feed.updated).toBe("2026-11-21T09:12:03.000Z");
    const [first, second] = feed.items;
    expect(first?.title).toBe("Retraites : le Conseil d’État rend son avis sur la réforme, « un texte fragile »");
    expect(first?.published).toBe("2026-11-21T08:47:12.000Z");
    expect(first?.enclosures).toEqual([
      {
        url: "https://img.lemde.fr/2026/11/21/0/0/4000/2666/644/322/60/0/a1b2c3d_5001.jpg",
        type: "image/jpeg",
        length: null,
      },
    ]);
    expect(second?.title).toContain("🌍");
  });

  it("WordPress: content:encoded sanitized with absolute links, dc:creator, categories deduplicated", () => {
    const item = parse("wordpress-rss2.xml").items[0];
    expect(item?.author).toBe("Émilie Rousseau");
    expect(item?.id).toBe("https://blog-cm.example.fr/?p=4242");
    expect(item?.categories).toEqual(["Stratégie", "Réseaux sociaux"]);
    const content = item?.content ?? "";
    expect(content).toContain(
      '<a href="https://blog-cm.example.fr/guide-objectifs/" rel="noopener noreferrer nofollow">',
    );
    expect(content).toContain('<img src="https://blog-cm.example.fr/wp-content/uploads/2026/11/calendrier.png"');
    for (const bad of ["<script", "evil", "<iframe", "onclick", "style=", "javascript:", "srcset", "target="])
      expect(content).not.toContain(bad);
    expect(content).toContain("<span>clic</span>");
    expect(parse("wordpress-rss2.xml").items[1]?.title).toBe("Newsletter & réseaux : le duo gagnant");
  });

  it("RSS 0.91 with HTML entities from its DTD, RSS 0.92 items without title or link", () => {
    const feed = parse("rss091.xml");
    expect(feed.title).toBe("Mairie de Saint-Étienne – Actualités");
    expect(feed.items[0]?.title).toBe("Fête des lumières : programme");
    expect(feed.items[0]?.summary).toBe("Découvrez le programme «\u00a0complet\u00a0» de l’édition 2026.");
    const radio = parse("rss092.xml");
    expect(radio.items[0]?.title).toBeNull();
    expect(radio.items[0]?.link).toBeNull();
    expect(radio.items[0]?.id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(radio.items[0]?.summary).toBe("<p>Interview de l’équipe du festival <b>Les Nuits</b>.</p>");
    expect(radio.items[0]?.enclosures[0]).toEqual({
      url: "http://radio-campus.example.org/audio/nuits.mp3",
      type: "audio/mpeg",
      length: 12216320,
    });
  });

  it("RSS 1.0 (RDF): dc:date, dc:subject, dc:creator, escaped content:encoded with a relative image", () => {
    const item = parse("rdf-rss1.xml").items[0];
    expect(item).toMatchObject({
      id: "https://linuxfr.example.org/news/sortie-de-gimp-3-2",
      published: "2026-11-20T21:15:00.000Z",
      author: "Benoît Sibaud",
      categories: ["Graphisme"],
      content:
        '<p>GIMP 3.2 apporte l\'édition non destructive. <img src="https://linuxfr.example.org/images/gimp.png" alt="GIMP" /></p>',
    });
  });

  it("Atom 0.3: issued/modified, tagline, escaped content, the feed's author inherited", () => {
    const feed = parse("atom03.xml");
    expect(feed.description).toBe("Notes sur le web");
    expect(feed.items[0]).toMatchObject({
      published: "2005-03-14T09:00:00.000Z",
      updated: "2005-03-14T10:30:00.000Z",
      author: "Tristan Nitot",
      summary: "Une étape importante.",
      content: "<p>Le navigateur a été téléchargé <em>25 millions</em> de fois.</p>",
    });
  });

  it("Atom 1.0: xml:base on feed, entry and content resolves relative links; html title as text", () => {
    const feed = parse("atom10-xmlbase.xml");
    expect(feed.title).toBe("Le journal de Léa");
    expect(feed.link).toBe("https://journal.example.org/blog/");
    expect(feed.language).toBe("fr");
    const [neige, tarte] = feed.items;
    expect(neige?.link).toBe("https://journal.example.org/blog/2026/11/premiere-neige.html");
    expect(neige?.enclosures).toEqual([
      { url: "https://journal.example.org/media/neige.jpg", type: "image/jpeg", length: 245000 },
    ]);
    expect(neige?.content).toBe(
      '<p>La ville est <strong>blanche</strong>. <img src="https://journal.example.org/assets/neige-small.jpg" alt="Neige" /> <a href="https://journal.example.org/about" rel="noopener noreferrer nofollow">À propos</a></p>',
    );
    expect(neige?.summary).toBe("Il a neigé &lt;enfin&gt; !");
    expect(neige?.categories).toEqual(["Météo", "montreal"]);
    expect(tarte?.title).toBe("Recette : tarte au sucre & sirop d'érable");
    expect(tarte?.link).toBe("https://journal.example.org/blog/recettes/tarte-au-sucre");
    expect(tarte?.author).toBe("Marc, Léa Tremblay");
    expect(tarte?.published).toBe("2026-11-18T12:00:00.000Z"); // no <published>: the updated date
  });

  it("JSON Feed 1.0 and 1.1: numeric id, content_text as paragraphs, attachments, authors", () => {
    const j10 = parse("jsonfeed10.json");
    expect(j10.items.map((i) => i.id)).toEqual(["2", "1"]);
    expect(j10.items[0]?.content).toBe("<p>Café, croissant et</p><p>revue de presse ☕</p>");
    expect(j10.items[1]?.link).toBe("https://jules.example.fr/2026/11/20/outil");
    expect(j10.items[1]?.content).not.toContain("onerror");
    expect(j10.items[1]?.summary).toBe("Outils &amp; méthodes");
    const j11 = parse("jsonfeed11.json");
    expect(j11.language).toBe("fr");
    expect(j11.items[0]?.author).toBe("Sophie Durand, Paul Girard");
    expect(j11.items[0]?.enclosures).toEqual([
      { url: "https://cdn.example.com/ep12.m4a", type: "audio/x-m4a", length: 31457280 },
    ]);
  });

  it("podcast: itunes:author, itunes:summary and itunes:image", () => {
    const item = parse("podcast-itunes.xml").items[0];
    expect(item).toMatchObject({
      id: "lpst-2026-11-20",
      author: "Sonia Kronlund",
      summary: "Quand la cage d'escalier devient un village.",
      published: "2026-11-20T12:30:00.000Z",
    });
    expect(item?.enclosures.map((e) => e.url)).toEqual([
      "https://media.radiofrance.example/lpst/voisins.mp3",
      "https://www.radiofrance.example/img/voisins.jpg",
    ]);
  });

  it("YouTube: media:group thumbnail and description", () => {
    const item = parse("youtube-atom.xml").items[0];
    expect(item?.link).toBe("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    expect(item?.summary).toBe("Au programme : le budget, la COP et la météo.<br />Abonnez-vous !");
    expect(item?.enclosures).toContainEqual({
      url: "https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
      type: "image/jpeg",
      length: null,
    });
  });

  it("Google Alerts: redirect links unwrapped to the real article, <b> removed from titles", () => {
    const feed = parse("google-alerts.xml");
    expect(feed.items.map((i) => i.link)).toEqual([
      "https://www.journaldunet.example/relais-outil-libre-cm/",
      "https://blog.agence.example/pourquoi-relais?utm_source=x",
    ]);
    expect(feed.items[0]?.title).toBe("Relais : l'outil libre qui séduit les community managers");
  });

  it("HTML entities (&eacute;, &nbsp;, &rsquo;) and double-escaped HTML", () => {
    const feed = parse("entities.xml");
    expect(feed.title).toBe("Ouest Actu – Région");
    expect(feed.description).toBe("L’info de l’Ouest & d'ailleurs");
    expect(feed.items[0]?.title).toBe("Nantes : l’été indien se prolonge …");
    expect(feed.items[0]?.link).toBe("https://ouest-actu.example.fr/nantes-ete-indien?a=1&b=2");
    expect(feed.items[0]?.summary).toBe(
      "<p>Des températures de <strong>22\u00a0°C</strong> attendues &amp; du soleil.</p>",
    );
  });

  it("malformed XML (bare &, unclosed and truncated elements) is repaired and read", () => {
    const feed = parse("malformed.xml");
    expect(feed.title).toBe("Le Petit Journal & Cie");
    expect(feed.items.map((i) => [i.title, i.link])).toEqual([
      ["Prix & récompenses : le palmarès", "https://petit-journal.example.fr/palmares?id=3&page=1"],
      ["Article sans fin", "https://petit-journal.example.fr/sans-fin"],
      ["Dernier article, coupé", "https://petit-journal.example.fr/coupe"],
    ]);
    expect(feed.items[0]?.summary).toBe("Le jury a <b>tranché</b>");
  });

  it("an empty feed has its channel and no items", () => {
    expect(parse("empty.xml")).toEqual({
      format: "rss2.0",
      title: "Flux vide",
      link: "https://vide.example.org/",
      description: "Rien pour l'instant",
      language: null,
      updated: null,
      items: [],
    });
  });

  it("an HTML page is not a feed: the error lists the feeds it declares", () => {
    let error: unknown;
    try {
      parseFeed(read("site.html"), { url: "https://blog-cm.example.fr/", contentType: "text/html; charset=utf-8" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FeedParseError);
    const e = error as FeedParseError;
    expect(e.kind).toBe("not_a_feed");
    expect(e.details.feeds).toEqual([
      { url: "https://blog-cm.example.fr/feed/", title: "Le Blog du Community Manager » Flux", type: "rss" },
      { url: "https://blog-cm.example.fr/feed/atom/", title: "Atom", type: "atom" },
    ]);
    expect(e.details.candidates?.[0]).toBe("https://blog-cm.example.fr/feed");
  });

  it("refuses what cannot be read: empty, binary, other XML, other JSON, broken JSON", () => {
    const kind = (input: Buffer | string) => {
      try {
        parseFeed(typeof input === "string" ? Buffer.from(input) : input);
        return "parsed";
      } catch (err) {
        return (err as FeedParseError).kind;
      }
    };
    expect(kind("")).toBe("empty");
    expect(kind("   \n")).toBe("empty");
    expect(kind(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe("unreadable");
    expect(kind('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')).toBe("not_a_feed");
    expect(kind('{"data": [1, 2]}')).toBe("not_a_feed");
    expect(kind('{"version": "https://jsonfeed.org/version/1", "items": [')).toBe("unreadable");
  });

  it("a huge feed (5,000 items) is parsed whole, quickly", () => {
    const items = Array.from(
      { length: 5000 },
      (_, i) =>
        `<item><title>Article n°${i} &amp; été</title><link>/a/${i}</link><guid>id-${i}</guid><pubDate>Sat, 21 Nov 2026 10:00:00 +0100</pubDate><description><![CDATA[<p>Paragraphe <b>${i}</b> <a href="/x/${i}">lien</a></p>]]></description></item>`,
    ).join("\n");
    const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Énorme</title>${items}</channel></rss>`;
    const started = performance.now();
    const feed = parseFeed(Buffer.from(xml), { url: "https://huge.example/feed" });
    const ms = performance.now() - started;
    expect(feed.items).toHaveLength(5000);
    expect(feed.items[4999]).toMatchObject({
      id: "id-4999",
      title: "Article n°4999 & été",
      link: "https://huge.example/a/4999",
      summary:
        '<p>Paragraphe <b>4999</b> <a href="https://huge.example/x/4999" rel="noopener noreferrer nofollow">lien</a></p>',
    });
    expect(ms).toBeLessThan(15_000);
  });

  it("resolves relative links against the feed URL when there is no xml:base", () => {
    const xml = `<rss version="2.0"><channel><title>t</title><link>/</link><item><title>a</title><link>../b?x=1</link><description>&lt;img src="img/c.png"&gt;</description></item></channel></rss>`;
    const feed = parseFeed(Buffer.from(xml), { url: "https://site.example/blog/feed/index.xml" });
    expect(feed.link).toBe("https://site.example/");
    expect(feed.items[0]?.link).toBe("https://site.example/blog/b?x=1");
    expect(feed.items[0]?.summary).toBe('<img src="https://site.example/blog/feed/img/c.png" />');
  });
});

describe("dates", () => {
  it.each([
    ["Sat, 21 Nov 2026 09:00:00 CET", "2026-11-21T08:00:00.000Z"],
    ["Sat, 21 Nov 2026 09:00:00 +0100", "2026-11-21T08:00:00.000Z"],
    ["Sun, 21 Jun 2026 09:00:00 CEST", "2026-06-21T07:00:00.000Z"],
    ["21 Nov 26 09:00 EST", "2026-11-21T14:00:00.000Z"],
    ["Wed, 02 Oct 2002 08:00:00 EST (Eastern)", "2002-10-02T13:00:00.000Z"],
    ["Mon, 02 Jun 2025 9:05:01 GMT", "2025-06-02T09:05:01.000Z"],
    ["Tue, 10 Jun 2003 04:00:00 Z", "2003-06-10T04:00:00.000Z"],
    ["Tue, 10 Jun 2003 04:00:00 +05:30", "2003-06-09T22:30:00.000Z"],
    ["2026-11-20T10:00:00+01:00", "2026-11-20T09:00:00.000Z"],
    ["2026-11-20T10:00:00.123Z", "2026-11-20T10:00:00.123Z"],
    ["2026-11-20", "2026-11-20T00:00:00.000Z"],
    ["2026-11-20 10:00:00", "2026-11-20T10:00:00.000Z"],
    ["samedi 21 novembre 2026 10:00:00 +0100", "2026-11-21T09:00:00.000Z"],
    ["21 nov. 2026", "2026-11-21T00:00:00.000Z"],
    ["1er décembre 2026 à 14h30", "2026-12-01T14:30:00.000Z"],
    ["Nov 21, 2026 10:00 PST", "2026-11-21T18:00:00.000Z"],
  ])("%s → %s", (raw, iso) => {
    expect(parseDate(raw)).toBe(iso);
  });

  it.each(["", "garbage", "32 Foo 2026", "Sat, 21 Nov 1066 09:00:00 GMT"])("%j is no date", (raw) => {
    expect(parseDate(raw)).toBeNull();
  });
});

describe("sanitize", () => {
  it("keeps structure and images, drops scripts, handlers, styles, javascript: and data: URLs", () => {
    const html =
      '<div onmouseover="x()"><h2 style="color:red">Titre</h2><img src="data:image/png;base64,AAA"><img src="/a.png" onerror="x()"><a href="javascript:alert(1)">x</a><a href="//evil.example/">proto</a><style>p{}</style><script>alert(1)</script><object data="x"></object><form><input></form><p>fin</p></div>';
    expect(sanitizeHtml(html, "https://site.example/")).toBe(
      '<div><h2>Titre</h2><img src="https://site.example/a.png" /><span>x</span><a href="https://evil.example/" rel="noopener noreferrer nofollow">proto</a><p>fin</p></div>',
    );
  });

  it("text without markup is returned as it is; html to text for snippets", () => {
    expect(sanitizeHtml("Déjà vu 🎉")).toBe("Déjà vu 🎉");
    expect(htmlToText("<p>Un&nbsp;été</p><p>chaud &amp; <b>sec</b></p><script>x</script>")).toBe(
      "Un\u00a0été chaud & sec".replace("\u00a0", " "),
    );
  });
});
