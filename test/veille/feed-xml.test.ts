import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { singleByteToUtf8 } from "../../src/modules/veille/feed/charset.js";
import { parseDate } from "../../src/modules/veille/feed/dates.js";
import { FeedParseError, parseFeed } from "../../src/modules/veille/feed/parse.js";
import { resolveUrl } from "../../src/modules/veille/feed/url.js";
import { attr, child, children, readXml, text } from "../../src/modules/veille/feed/xml.js";

/**
 * The XML path of the feed parser (src/modules/veille/feed/xml.ts, parse.ts): a lenient scanner over the
 * bytes, the namespaces the parser reads, and the shortcuts it takes (URLs, dates) checked against the
 * general code they stand for.
 */

const URL_ = "https://feed.example/dir/feed.xml";
const parse = (xml: string, url = URL_) => parseFeed(Buffer.from(xml), { url });
const items = (xml: string) => parse(xml).items;

describe("readXml", () => {
  it("reads names in lower case, raw content by offsets, attributes and CDATA", () => {
    const doc = readXml(
      Buffer.from(
        '<rss version="2.0"><Channel><TITLE>A &amp; B <![CDATA[<b>c</b>]]><!-- no --></TITLE><item isPermaLink="false"/></Channel></rss>',
      ),
      "rss",
    );
    const channel = child(doc.root ?? undefined, "channel");
    expect(doc.root?.name).toBe("rss");
    expect(text(doc, child(channel, "title"))).toBe("A & B <b>c</b>");
    expect(attr(doc, child(channel, "item"), "ispermalink")).toBe("false");
    expect(children(channel, "nothing")).toEqual([]);
  });

  it("maps namespace prefixes from their URI, and drops the format's own", () => {
    const rss = readXml(
      Buffer.from(
        '<rss xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:m="http://search.yahoo.com/mrss/"><channel><item><d:creator>x</d:creator><m:content url="u"/><dc:date>y</dc:date></item></channel></rss>',
      ),
      "rss",
    );
    const item = child(child(rss.root ?? undefined, "channel"), "item");
    expect(item?.children.map((c) => c.name)).toEqual(["dc:creator", "media:content", "dc:date"]);
    const atom = readXml(
      Buffer.from('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry><a:title>t</a:title></a:entry></a:feed>'),
      "atom",
    );
    expect(atom.root?.name).toBe("feed");
    expect(child(child(atom.root ?? undefined, "entry"), "title")).toBeDefined();
  });
});

describe("parseFeed: malformed XML is read as far as it goes", () => {
  it("closes a text element left open when the next one opens, and a date or link at any element", () => {
    const feed = parse(
      `<rss version="2.0"><channel><title>T & Co<link>https://s.example/</link><item><title>One<link>/1</link><pubDate>Sat, 21 Nov 2026 10:00:00 +0100<guid>g1</guid></item><item><title>Two</title><description>Le <b>jury</description></item></channel></rss>`,
    );
    expect(feed.title).toBe("T & Co");
    expect(feed.link).toBe("https://s.example/");
    expect(feed.items.map((i) => [i.id, i.title, i.link, i.published, i.summary])).toEqual([
      ["g1", "One", "https://feed.example/1", "2026-11-21T09:00:00.000Z", null],
      [expect.stringMatching(/^sha256:/), "Two", null, null, "Le <b>jury</b>"],
    ]);
  });

  it("items do not nest; a start tag broken by the next tag ends there", () => {
    const [a, b] = items(
      `<rss version="2.0"><channel><title>N</title><item><title>A</title><enclosure url="/a.mp3" type="audio/mpeg"\n</item><item><title>B</title><link>/b</link></channel></rss>`,
    );
    expect(a?.title).toBe("A");
    expect(a?.enclosures).toEqual([{ url: "https://feed.example/a.mp3", type: "audio/mpeg", length: null }]);
    expect(b).toMatchObject({ title: "B", link: "https://feed.example/b" });
  });

  it("mangled tags: a cut start or end tag still closes its element; names that are no XML names are ignored", () => {
    const [item] = items(
      `<rss version="2.0"><channel><title>M</title><ima><url>x</url></image><item><ti>Cut start</title><pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDatexx><title[CDATA>no</title[CDATA><link>/m</link></item></channel></rss>`,
    );
    expect(item).toMatchObject({
      title: "Cut start",
      published: "2026-11-21T10:00:00.000Z",
      link: "https://feed.example/m",
    });
  });

  it("a stray end tag inside a description is left to the sanitizer; a '<' starting no tag is text", () => {
    const [item] = items(
      `<rss version="2.0"><channel><title>S</title><item><title>x</title><description>a</b> b < c</description></item></channel></rss>`,
    );
    expect(item?.summary).toBe("a b &lt; c");
  });

  it("a truncated file: everything read until the cut, an unclosed CDATA section included", () => {
    const feed = parse(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Tr</title><item><title>Whole</title><link>/w</link></item><item><title>Cut <![CDATA[in the mid`,
    );
    expect(feed.items.map((i) => i.title)).toEqual(["Whole", "Cut in the mid"]);
  });

  it("a second root element, a BOM and leading whitespace", () => {
    expect(
      parse(
        "\uFEFF  \n<rss><channel><title>First</title></channel></rss><rss><channel><title>2</title></channel></rss>",
      ).title,
    ).toBe("First");
  });

  it("an <rss> without a channel is unreadable; an empty channel is an empty feed; a bare <channel> is a feed", () => {
    expect(() => parse('<rss version="2.0"></rss>')).toThrow(FeedParseError);
    expect(parse('<rss version="2.0"><channel></channel></rss>')).toMatchObject({ title: null, items: [] });
    expect(parse("<channel><title>C</title><item><title>i</title></item></channel>").items).toHaveLength(1);
  });
});

describe("parseFeed: fields", () => {
  it("RSS <author> ('email (Name)') and dcterms:issued / dcterms:modified", () => {
    const [item] = items(
      `<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>A</title><item><title>i</title><author>jo@example.com (Jo Bloggs)</author><dcterms:issued>2026-01-02T03:04:05Z</dcterms:issued><dcterms:modified>2026-01-03T00:00:00Z</dcterms:modified></item></channel></rss>`,
    );
    expect(item).toMatchObject({
      author: "Jo Bloggs",
      published: "2026-01-02T03:04:05.000Z",
      updated: "2026-01-03T00:00:00.000Z",
    });
  });

  it("namespaces under other prefixes", () => {
    const [item] = items(
      `<rss version="2.0" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:c="http://purl.org/rss/1.0/modules/content/"><channel><title>P</title><item><title>t</title><d:creator>Ann</d:creator><c:encoded>&lt;p&gt;Hi&lt;/p&gt;</c:encoded></item></channel></rss>`,
    );
    expect(item).toMatchObject({ author: "Ann", content: "<p>Hi</p>" });
  });

  it("a prefixed Atom root, xhtml content under a prefix, xml:base on feed, entry and content", () => {
    const feed = parseFeed(
      Buffer.from(
        `<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:h="http://www.w3.org/1999/xhtml" xml:base="https://x.example/base/"><a:title>X</a:title><a:entry xml:base="e/"><a:title>E</a:title><a:id>urn:1</a:id><a:link href="p.html"/><a:content type="xhtml" xml:base="c/"><h:div><h:p>Hi <h:a href="l">l</h:a></h:p></h:div></a:content></a:entry></a:feed>`,
      ),
    );
    expect(feed.format).toBe("atom1.0");
    expect(feed.items[0]).toMatchObject({
      id: "urn:1",
      link: "https://x.example/base/e/p.html",
      content: '<p>Hi <a href="https://x.example/base/e/c/l" rel="noopener noreferrer nofollow">l</a></p>',
    });
  });

  it("RSS 1.0 items in the order of the channel's rdf:Seq", () => {
    const feed = parse(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://r.example/"><title>R</title><items><rdf:Seq><rdf:li rdf:resource="https://r.example/2"/><rdf:li rdf:resource="https://r.example/1"/></rdf:Seq></items></channel><item rdf:about="https://r.example/1"><title>One</title></item><item rdf:about="https://r.example/2"><title>Two</title></item></rdf:RDF>`,
    );
    expect(feed.format).toBe("rss1.0");
    expect(feed.items.map((i) => [i.id, i.title])).toEqual([
      ["https://r.example/2", "Two"],
      ["https://r.example/1", "One"],
    ]);
  });

  it("a description wins over itunes:summary and media:description (which are not even read)", () => {
    const [item] = items(
      `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>P</title><item><title>e</title><description>Desc</description><itunes:summary>Sum</itunes:summary></item><item><title>f</title><itunes:summary>Only summary</itunes:summary></item></channel></rss>`,
    );
    expect(item?.summary).toBe("Desc");
    expect(
      parse(
        `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>P</title><item><title>f</title><itunes:summary>Only summary</itunes:summary></item></channel></rss>`,
      ).items[0]?.summary,
    ).toBe("Only summary");
  });
});

// Seeded pseudo-random generator for the checks against the general code.
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

describe("resolveUrl: the same result as new URL whenever it answers", () => {
  it("on generated links and bases", () => {
    const next = random(5);
    const pieces = [
      "https://",
      "http://",
      "HTTPS://",
      "www.",
      "example",
      ".com",
      ".fr",
      "/",
      "a",
      "B",
      "..",
      ".",
      "%2e",
      "?",
      "#",
      "&",
      "=",
      "'",
      "%20",
      " ",
      "xn--",
      "-",
      "_",
      "~",
      ":",
      "@",
      ":443",
      "1.2.3.4",
      "\\",
      "|",
      "é",
      "mailto:",
      "javascript:",
      "//",
      "index.html",
      "q=1",
    ];
    const bases = [
      "https://site.example/blog/feed/index.xml",
      "http://h.example/",
      "https://x.example/a/b?q=1#f",
      "https://x.example",
      "https://x.example/a/../b/",
      undefined,
    ];
    let answered = 0;
    for (let i = 0; i < 20000; i++) {
      let href = "";
      for (let k = 0, n = 1 + next(8); k < n; k++) href += pieces[next(pieces.length)];
      const base = bases[next(bases.length)];
      const fast = resolveUrl(href, base);
      if (fast === undefined) continue;
      answered++;
      let expected: string | null;
      try {
        expected = (base ? new URL(href, base) : new URL(href)).toString();
      } catch {
        expected = null;
      }
      expect(fast, `${href} against ${base}`).toBe(expected);
    }
    expect(answered).toBeGreaterThan(2000);
  });

  it("answers the common cases", () => {
    expect(resolveUrl("https://www.lemonde.fr/a/b.html?x=1", "https://www.lemonde.fr/rss/une.xml")).toBe(
      "https://www.lemonde.fr/a/b.html?x=1",
    );
    expect(resolveUrl("/wp-content/i.jpg", "https://blog.example.fr/feed/")).toBe(
      "https://blog.example.fr/wp-content/i.jpg",
    );
    expect(resolveUrl("img/c.png", "https://site.example/blog/feed/index.xml")).toBe(
      "https://site.example/blog/feed/img/c.png",
    );
    expect(resolveUrl("../b", "https://site.example/blog/")).toBeUndefined(); // dot segments: new URL decides
  });
});

describe("parseDate: the usual forms read directly give what the general path gives", () => {
  it("RFC 822 and ISO 8601, with an extra space to force the general path", () => {
    const next = random(11);
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    const zones = ["+0100", "-0500", "GMT", "UT", "UTC", "Z", "+2400", "-0030", "EST"];
    for (let i = 0; i < 5000; i++) {
      const rfc = `${["Mon, ", "Sat, ", ""][next(3)]}${1 + next(31)} ${["Jan", "Feb", "Nov", "Dec"][next(4)]} ${1960 + next(150)} ${pad(next(25))}:${pad(next(61))}:${pad(next(61))}`;
      const zone = zones[next(zones.length)] as string;
      // the general path collapses spaces: "a  b" is read as "a b" but is no strict form
      expect(parseDate(`${rfc} ${zone}`)).toBe(parseDate(`${rfc}  ${zone}`));
      const iso = `${1960 + next(150)}-${pad(1 + next(12))}-${pad(1 + next(28))}T${pad(next(24))}:${pad(next(60))}:${pad(next(60))}`;
      const frac = next(2) ? `.${next(1000)}` : "";
      const offset = ["Z", "+01:00", "-05:30"][next(3)];
      expect(parseDate(`${iso}${frac}${offset}`)).toBe(parseDate(` ${iso}${frac}${offset}`));
    }
  });

  it("formats like Date#toISOString over 1970–2100", () => {
    const next = random(3);
    for (let i = 0; i < 5000; i++) {
      const t = next(2 ** 31) * 2048 + next(2048); // 0 … 4.4e12 ms
      if (t >= Date.UTC(2101, 0, 1)) continue;
      const iso = new Date(t).toISOString();
      expect(parseDate(iso)).toBe(iso);
    }
    expect(parseDate("2100-12-31T23:59:59.999Z")).toBe("2100-12-31T23:59:59.999Z");
    expect(parseDate("2101-01-01T00:00:00Z")).toBeNull();
    expect(parseDate("1969-12-31T23:59:59Z")).toBeNull();
  });
});

describe("singleByteToUtf8: the same bytes as decoding with iconv-lite, then encoding", () => {
  it("for every byte of the single-byte charsets; null for the others", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const charset of ["windows-1250", "windows-1251", "windows-1252", "iso-8859-2", "iso-8859-15", "koi8-r"])
      expect(singleByteToUtf8(all, charset)?.equals(Buffer.from(iconv.decode(all, charset), "utf8")), charset).toBe(
        true,
      );
    for (const charset of ["shift_jis", "gb18030", "utf-16le", "utf-8"])
      expect(singleByteToUtf8(all, charset)).toBeNull();
    const ascii = Buffer.from("<rss/>");
    expect(singleByteToUtf8(ascii, "windows-1252")).toBe(ascii);
  });
});
