import { decodeHTML } from "entities";
import { LEAF as LEAF_NAMES, STRUCTURE as STRUCTURE_NAMES } from "./lenient.js";

/**
 * The XML reader of the feed parser: a lenient scanner over the document's UTF-8 bytes that builds a small
 * element tree. It never gives up; like the old repairXml fallback, whatever was read is kept:
 *  - a mismatched end tag closes the open elements up to its match; an end tag matching nothing closes the
 *    innermost element (`<ima>…</image>`), except inside a text element that may hold markup (a stray `</b>`
 *    in a description) or in a structure element, where it is ignored unless it looks like the innermost
 *    element's own end tag, mangled (`<title>…</ti>`);
 *  - a text element (title, link, description…) left open is closed by the next text or structure element
 *    (item, entry…) opening inside it (lenient.ts: LEAF, STRUCTURE); any element closes a text element that
 *    never holds markup (link, guid, dates…);
 *  - an item (entry) opening inside an item (entry) closes the open one: they do not nest;
 *  - a '<' that starts no tag is text (`a < b`); a tag broken by a '<' before its '>' ends there (a start
 *    tag as an empty element, unless it is the root or a structure element); a tag name that is no XML name
 *    (`<title[CDATA…`) is ignored;
 *  - everything still open at the end is closed there (a partial tag at the very end is dropped).
 *
 * Why bytes and not a string: markup is ASCII and UTF-8 never puts an ASCII byte inside a multi-byte
 * character, so the scan can run on the bytes with Buffer.indexOf (native) between tags; only the values the
 * parser reads are decoded, as small strings. Decoding a 2 MB feed to one string costs more than the whole
 * scan (V8 allocates it in the large-object space), and htmlparser2's XML tokenizer, tried first, walks every
 * character of the CDATA-wrapped HTML in JavaScript (bench/README.md, docs/FEEDS.md). Other encodings are
 * decoded by charset.ts and re-encoded to UTF-8 first.
 *
 * Text is not decoded while scanning: each element keeps the offsets of its raw content, and `text()` reads
 * it as feedsmith read its "stop nodes" — comments removed, CDATA sections taken as they are, HTML character
 * references decoded elsewhere (`&eacute;` works without a DTD), trimmed. An element holding unescaped markup
 * (`<description><p>…</p></description>`) thus gives that markup, for the sanitizer.
 *
 * Names are lower case. The prefixes of the namespaces the parser reads (content, dc, dcterms, media, itunes,
 * atom, rdf) are mapped from their URI to their usual prefix whatever the document calls them, and the
 * format's own namespace loses its prefix (`atom:feed` → `feed` in Atom, `rdf:about` → `about` in RDF).
 */

export interface XmlElement {
  /** Lower case, with the canonical namespace prefix (see above). */
  name: string;
  /**
   * The attributes, flat, three entries each: name, then where the raw value starts and ends in the document
   * (read it with `attr()`). Names as element names. Null when there are none.
   */
  attrs: (string | number)[] | null;
  children: XmlElement[];
  /** Offset of the start tag's '<'. */
  open: number;
  /** Raw content: from after the start tag to the end tag (or to where the element was closed implicitly). */
  start: number;
  end: number;
  /** Offset after the end tag (`end` when there was none). */
  close: number;
  /** The reader's own classification of the name (text element, structure…). */
  flags: number;
}

export interface XmlDocument {
  /** The document, UTF-8; offsets in the tree are byte offsets. */
  bytes: Buffer;
  /** The first element of the document, or null when there is none. */
  root: XmlElement | null;
}

const NAMESPACES: Record<string, readonly string[]> = {
  atom: ["http://www.w3.org/2005/Atom", "http://www.w3.org/2005/Atom/", "http://purl.org/atom/ns#"],
  content: ["http://purl.org/rss/1.0/modules/content/", "http://purl.org/rss/1.0/modules/content"],
  dc: [
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/elements/1.1",
    "http://purl.org/dc/elements/1.0/",
    "http://purl.org/dc/elements/1.0",
    "http://dublincore.org/documents/dcmi-namespace/",
    "http://dublincore.org/documents/dcmi-namespace",
  ],
  dcterms: [
    "http://purl.org/dc/terms/",
    "http://purl.org/dc/terms",
    "http://dublincore.org/documents/dcmi-terms/",
    "http://dublincore.org/documents/dcmi-terms",
    "http://dublincore.org/specifications/dublin-core/dcmi-terms/",
    "http://dublincore.org/specifications/dublin-core/dcmi-terms",
  ],
  itunes: ["http://www.itunes.com/dtds/podcast-1.0.dtd"],
  media: [
    "http://search.yahoo.com/mrss/",
    "http://search.yahoo.com/mrss",
    "http://video.search.yahoo.com/mrss",
    "http://video.search.yahoo.com/mrss/",
    "http://www.rssboard.org/media-rss",
    "http://www.rssboard.org/media-rss/",
    "http://search.yahoo.com/searchmonkey/media/",
    "http://search.yahoo.com/searchmonkey/media",
    "http://tools.search.yahoo.com/mrss/",
    "http://tools.search.yahoo.com/mrss",
  ],
  rdf: ["http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
  rss: ["http://purl.org/rss/1.0/", "http://purl.org/rss/1.0"],
};

/** Namespace URI (lower case, http and https) → canonical prefix. */
const PREFIX_OF_URI = new Map<string, string>();
for (const [prefix, uris] of Object.entries(NAMESPACES))
  for (const uri of uris) {
    const u = uri.toLowerCase();
    PREFIX_OF_URI.set(u, prefix);
    PREFIX_OF_URI.set(u.replace(/^http:/, "https:"), prefix);
  }

/** The namespaces whose prefix is dropped, by feed kind. */
export type XmlKind = "rss" | "rdf" | "atom";
const PRIMARY: Record<XmlKind, readonly string[]> = { rss: [], rdf: ["rdf", "rss"], atom: ["atom"] };

/** An XML name (the scanner takes anything up to a space, '/', '>' or '<' as a tag name). */
const NAME = /^[\p{L}_][\p{L}\p{N}_.:-]*$/u;

/** Text elements that never hold markup: an element opening inside one means it was left open. */
const NO_MARKUP_NAMES = [
  "link",
  "guid",
  "pubdate",
  "lastbuilddate",
  "language",
  "comments",
  "id",
  "updated",
  "published",
  "issued",
  "modified",
  "dc:date",
  "dc:language",
];

/** Text elements besides LEAF that may hold unescaped markup. */
const MARKUP_NAMES = [
  "content",
  "content:encoded",
  "subtitle",
  "tagline",
  "rights",
  "dc:description",
  "itunes:summary",
  "itunes:subtitle",
  "media:description",
];

// Element flags.
const LEAF = 1;
const STRUCTURE = 2;
const NO_MARKUP = 4;
const HOLDS_MARKUP = 8;
const NESTLESS = 16;
const FLAGS = new Map<string, number>();
const flag = (names: Iterable<string>, f: number) => {
  for (const n of names) FLAGS.set(n, (FLAGS.get(n) ?? 0) | f);
};
flag(LEAF_NAMES, LEAF | HOLDS_MARKUP);
flag(STRUCTURE_NAMES, STRUCTURE);
flag(NO_MARKUP_NAMES, NO_MARKUP);
flag(MARKUP_NAMES, HOLDS_MARKUP);
flag(["item", "entry"], NESTLESS);

/** Shared by every element without children until its first child. */
const NO_CHILDREN: XmlElement[] = [];

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LBRACKET = 0x5b;
const COMMENT_START = Buffer.from("<!--");
const COMMENT_END = Buffer.from("-->");
const CDATA_START = Buffer.from("<![CDATA[");
const CDATA_END = Buffer.from("]]>");
const PI_END = Buffer.from("?>");
const SUBSET_END = Buffer.from("]>");

/**
 * `b.indexOf(byte, from)`, looking at the next bytes in JavaScript first: between tags and in attribute
 * values the distance is usually short, and Buffer.indexOf is a native call.
 */
function find(b: Buffer, byte: number, from: number): number {
  const limit = Math.min(b.length, from + 32);
  for (let i = from; i < limit; i++) if (b[i] === byte) return i;
  return limit < b.length ? b.indexOf(byte, limit) : -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;
}
/** A byte that can start a tag name: a letter, '_', ':' or any non-ASCII byte. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}
function startsWith(b: Buffer, at: number, what: Buffer): boolean {
  if (at + what.length > b.length) return false;
  for (let k = 0; k < what.length; k++) if (b[at + k] !== what[k]) return false;
  return true;
}

/**
 * Unprefixed tag names by their bytes (a slot by hash, then compared): their canonical name does not depend
 * on the document, and looking them up this way spares a string per tag. A colliding name takes the slot.
 */
interface CachedName {
  bytes: Uint8Array;
  name: string;
}
const SLOTS = 1024;
const NAME_CACHE: (CachedName | undefined)[] = new Array(SLOTS);

function cachedIn(cache: (CachedName | undefined)[], b: Buffer, from: number, to: number, hash: number) {
  const entry = cache[hash & (SLOTS - 1)];
  if (!entry) return undefined;
  const bytes = entry.bytes;
  if (bytes.length !== to - from) return undefined;
  for (let k = 0; k < bytes.length; k++) if (bytes[k] !== b[from + k]) return undefined;
  return entry.name;
}

function remember(cache: (CachedName | undefined)[], b: Buffer, from: number, to: number, hash: number, name: string) {
  cache[hash & (SLOTS - 1)] = { bytes: Uint8Array.prototype.slice.call(b, from, to), name };
}

/** Prefixed names as written → their prefix and canonical name when the prefix keeps its own name. */
const PREFIXED_CACHE = new Map<string, { prefix: string; name: string }>();

/** Attribute names by their bytes, lower case (attributes are not checked as XML names). */
const ATTR_CACHE: (CachedName | undefined)[] = new Array(SLOTS);

/**
 * Buffer's own utf8Slice/latin1Slice, which toString(encoding, from, to) ends up calling after checking its
 * arguments and looking the encoding up (a third of the cost of the short slices the reader makes by the
 * thousand). Offsets here are always valid. Plain toString where a runtime lacks them.
 */
interface Slicing {
  utf8Slice(from: number, to: number): string;
  latin1Slice(from: number, to: number): string;
}
const DIRECT =
  typeof (Buffer.prototype as unknown as Partial<Slicing>).utf8Slice === "function" &&
  typeof (Buffer.prototype as unknown as Partial<Slicing>).latin1Slice === "function";

/** UTF-8 bytes [from, to) as a string. */
export function utf8(b: Buffer, from: number, to: number): string {
  return DIRECT ? (b as unknown as Slicing).utf8Slice(from, to) : b.toString("utf8", from, to);
}
/** Bytes [from, to) as Latin-1 (a copy: for ASCII). */
export function latin1(b: Buffer, from: number, to: number): string {
  return DIRECT ? (b as unknown as Slicing).latin1Slice(from, to) : b.toString("latin1", from, to);
}

/**
 * The names the feed parser asks for, as string literals: V8 keeps one copy of each literal, so a tree name
 * replaced by its literal compares with the parser's own literals by pointer.
 */
const KNOWN_NAMES = new Map(
  [
    "rss",
    "rdf",
    "feed",
    "channel",
    "item",
    "items",
    "entry",
    "seq",
    "li",
    "title",
    "link",
    "description",
    "language",
    "lastbuilddate",
    "pubdate",
    "guid",
    "author",
    "category",
    "enclosure",
    "comments",
    "source",
    "image",
    "url",
    "name",
    "email",
    "uri",
    "id",
    "updated",
    "published",
    "issued",
    "modified",
    "created",
    "subtitle",
    "tagline",
    "summary",
    "content",
    "rights",
    "content:encoded",
    "dc:creator",
    "dc:date",
    "dc:description",
    "dc:language",
    "dc:subject",
    "dc:title",
    "dcterms:issued",
    "dcterms:modified",
    "atom:link",
    "atom:updated",
    "atom:modified",
    "itunes:author",
    "itunes:image",
    "itunes:subtitle",
    "itunes:summary",
    "itunes:title",
    "media:content",
    "media:description",
    "media:group",
    "media:keywords",
    "media:thumbnail",
    "rdf:li",
    "rdf:seq",
  ].map((n) => [n, n]),
);

const ASCII_NAME = /^[a-z_][a-z0-9_.:-]*$/;

/** A canonical name, checked: the parser's own literal when it is one of its names, "" when no XML name. */
function checkedName(name: string): string {
  const known = KNOWN_NAMES.get(name);
  if (known !== undefined) return known;
  return ASCII_NAME.test(name) || NAME.test(name) ? name : "";
}

/** The canonical form of an unprefixed name: lower case, "" when it is no XML name. */
function plainName(raw: string): string {
  return checkedName(raw.toLowerCase());
}

/** Shared empty maps: most documents declare their few namespaces on the root, some none. */
const NO_PREFIXES: Map<string, string | null> = new Map();
const NO_NAMES: Map<string, string> = new Map();

class TreeBuilder {
  root: XmlElement | null = null;
  private stack: XmlElement[] = [];
  private readonly primary: readonly string[];
  /** Document prefix → canonical prefix ("" for the primary namespace), null for an unknown namespace. */
  private prefixes: Map<string, string | null> = NO_PREFIXES;
  /** Prefixed names as written → canonical names ("" for a name that is no XML name). */
  private names: Map<string, string> = NO_NAMES;
  /** How many open elements may hold markup (LEAF, MARKUP). */
  private markupDepth = 0;

  constructor(
    private readonly b: Buffer,
    kind: XmlKind,
  ) {
    this.primary = PRIMARY[kind];
  }

  /** Bytes → string: latin1 (a plain copy) when they are ASCII, else UTF-8. */
  private str(from: number, to: number, ascii: boolean): string {
    return ascii ? latin1(this.b, from, to) : utf8(this.b, from, to);
  }

  /**
   * A tag name: its canonical form (a string) when it has no prefix, else `{ raw }` to be resolved once the
   * tag's namespace declarations are known.
   */
  private name(from: number, to: number, ascii: boolean, colon: boolean, hash: number): string | { raw: string } {
    if (colon || !ascii) {
      const raw = this.str(from, to, ascii);
      return colon ? { raw } : plainName(raw);
    }
    const cached = cachedIn(NAME_CACHE, this.b, from, to, hash);
    if (cached !== undefined) return cached;
    const name = plainName(this.str(from, to, true));
    remember(NAME_CACHE, this.b, from, to, hash, name);
    return name;
  }

  /** An attribute name, lower case. */
  private attrName(from: number, to: number, ascii: boolean, hash: number): string {
    if (!ascii) return this.str(from, to, false).toLowerCase();
    const cached = cachedIn(ATTR_CACHE, this.b, from, to, hash);
    if (cached !== undefined) return cached;
    const name = this.str(from, to, true).toLowerCase();
    remember(ATTR_CACHE, this.b, from, to, hash, name);
    return name;
  }

  /** Scans the document from `from`. */
  run(from: number) {
    const b = this.b;
    const n = b.length;
    let i = from;
    let end = n; // where the elements still open at the end are closed
    for (;;) {
      const lt = find(b, LT, i);
      if (lt === -1) break;
      const c = b[lt + 1];
      if (c === undefined) {
        end = lt;
        break;
      }
      if (c === BANG) {
        let skip: number;
        if (startsWith(b, lt, COMMENT_START)) {
          const e = b.indexOf(COMMENT_END, lt + 4);
          skip = e === -1 ? n : e + 3;
        } else if (startsWith(b, lt, CDATA_START)) {
          const e = b.indexOf(CDATA_END, lt + 9);
          skip = e === -1 ? n : e + 3;
        } else {
          // a declaration (DOCTYPE), its internal subset [ … ] included
          const gt = b.indexOf(GT, lt + 2);
          const bracket = b.indexOf(LBRACKET, lt + 2);
          const e = bracket !== -1 && (gt === -1 || bracket < gt) ? b.indexOf(SUBSET_END, bracket) : gt;
          if (e === -1) {
            end = lt;
            break;
          }
          skip = e + (e === gt ? 1 : 2);
        }
        i = skip;
        continue;
      }
      if (c === QUESTION) {
        const e = b.indexOf(PI_END, lt + 2);
        const gt = e === -1 ? b.indexOf(GT, lt + 2) : e + 1;
        if (gt === -1) {
          end = lt;
          break;
        }
        i = gt + 1;
        continue;
      }
      if (c === SLASH) {
        const next = this.endTag(lt);
        if (next === -1) {
          end = lt;
          break;
        }
        i = next;
        continue;
      }
      if (isNameStart(c)) {
        const next = this.startTag(lt);
        if (next === -1) {
          end = lt;
          break;
        }
        i = next;
        continue;
      }
      i = lt + 1; // a '<' that starts no tag: text
    }
    while (this.stack.length) this.closeTop(end, end);
  }

  /** A start tag at `lt`: the offset to go on from, or -1 when the document ends inside it. */
  private startTag(lt: number): number {
    const b = this.b;
    const n = b.length;
    let p = lt + 1;
    let ascii = true;
    let colon = false;
    let hash = 0;
    for (; p < n; p++) {
      const c = b[p] as number;
      if (isSpace(c) || c === SLASH || c === GT || c === LT) break;
      if (c >= 0x80) ascii = false;
      else if (c === 0x3a) colon = true;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (p >= n) return -1;
    const rawName = this.name(lt + 1, p, ascii, colon, hash);
    let attrs: (string | number)[] | null = null;
    for (;;) {
      while (p < n && isSpace(b[p] as number)) p++;
      if (p >= n) return -1;
      const c = b[p] as number;
      if (c === GT) {
        this.open(rawName, attrs, lt, p + 1);
        return p + 1;
      }
      if (c === SLASH) {
        if (b[p + 1] === GT) {
          const el = this.open(rawName, attrs, lt, p + 2);
          if (el && this.stack[this.stack.length - 1] === el) this.closeTop(p + 2, p + 2);
          return p + 2;
        }
        p++;
        continue;
      }
      if (c === LT) {
        // A start tag broken by the next tag ends there, as an empty element (`<enclosure url="…"` then
        // `</item>`), unless it is the root or a structure element (item, channel…), which stays open.
        const el = this.open(rawName, attrs, lt, p);
        if (el && this.stack.length > 1 && !(el.flags & STRUCTURE) && this.stack[this.stack.length - 1] === el)
          this.closeTop(p, p);
        return p;
      }
      // an attribute
      const nameStart = p;
      let asciiName = true;
      let hash = 0;
      for (; p < n; p++) {
        const x = b[p] as number;
        if (isSpace(x) || x === EQUALS || x === GT || x === SLASH || x === LT) break;
        if (x >= 0x80) asciiName = false;
        hash = (Math.imul(hash, 31) + x) | 0;
      }
      const name = p > nameStart ? this.attrName(nameStart, p, asciiName, hash) : "";
      while (p < n && isSpace(b[p] as number)) p++;
      let from = 0;
      let to = 0;
      if (b[p] === EQUALS) {
        p++;
        while (p < n && isSpace(b[p] as number)) p++;
        const q = b[p];
        if (q === DQUOTE || q === SQUOTE) {
          const e = find(b, q, p + 1);
          if (e === -1) return -1;
          from = p + 1;
          to = e;
          p = e + 1;
        } else {
          from = p;
          for (; p < n; p++) {
            const x = b[p] as number;
            if (isSpace(x) || x === GT || x === LT) break;
          }
          to = p;
        }
      } else if (p === nameStart) {
        p++; // a stray byte ('=' without a name…)
        continue;
      }
      if (!name) continue;
      if (!attrs) attrs = [name, from, to];
      else if (indexOfAttr(attrs, name) === -1) attrs.push(name, from, to);
    }
  }

  /** An end tag at `lt`: the offset to go on from, or -1 when the document ends inside it. */
  private endTag(lt: number): number {
    const b = this.b;
    const n = b.length;
    let p = lt + 2;
    while (p < n && isSpace(b[p] as number)) p++;
    const start = p;
    let ascii = true;
    let colon = false;
    let hash = 0;
    for (; p < n; p++) {
      const c = b[p] as number;
      if (isSpace(c) || c === GT || c === LT) break;
      if (c >= 0x80) ascii = false;
      else if (c === 0x3a) colon = true;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    const nameEnd = p;
    while (p < n && b[p] !== GT && b[p] !== LT) p++;
    if (p >= n) return -1;
    const next = b[p] === GT ? p + 1 : p; // an end tag broken by a '<' ends there
    if (nameEnd > start) {
      const name = this.name(start, nameEnd, ascii, colon, hash);
      this.close(typeof name === "string" ? name : this.canonical(name.raw), lt, next);
    }
    return next;
  }

  private canonical(raw: string): string {
    const cached = this.names.get(raw);
    if (cached !== undefined) return cached;
    // The usual case: a prefix declared with its usual URI (dc:, media:…), with an unknown one, or not at all:
    // lower case only.
    const usual = PREFIXED_CACHE.get(raw);
    if (usual !== undefined) {
      const mapped = this.prefixes.get(usual.prefix);
      if (mapped === undefined || mapped === null || mapped === usual.prefix) return usual.name;
    }
    let name = raw.toLowerCase();
    const colon = name.indexOf(":");
    if (colon !== -1) {
      const prefix = name.slice(0, colon);
      const canonical = prefix === "xml" || prefix === "xmlns" ? null : this.prefixes.get(prefix);
      if (canonical === "") name = name.slice(colon + 1);
      else if (canonical) name = `${canonical}:${name.slice(colon + 1)}`;
    }
    name = checkedName(name);
    if (this.names === NO_NAMES) this.names = new Map();
    this.names.set(raw, name);
    if (colon !== -1 && PREFIXED_CACHE.size < 4096) {
      const prefix = raw.slice(0, colon).toLowerCase();
      const mapped = this.prefixes.get(prefix);
      if (mapped === undefined || mapped === null || mapped === prefix) PREFIXED_CACHE.set(raw, { prefix, name });
    }
    return name;
  }

  private declare(attrs: (string | number)[]) {
    for (let i = 0; i < attrs.length; i += 3) {
      const key = attrs[i] as string;
      if (!key.startsWith("xmlns:")) continue;
      const prefix = key.slice(6);
      if (this.prefixes.has(prefix)) continue; // the first declaration of a prefix wins
      if (this.prefixes === NO_PREFIXES) this.prefixes = new Map();
      const known = PREFIX_OF_URI.get(
        utf8(this.b, attrs[i + 1] as number, attrs[i + 2] as number)
          .trim()
          .toLowerCase(),
      );
      this.prefixes.set(prefix, known === undefined ? null : this.primary.includes(known) ? "" : known);
      if (this.names !== NO_NAMES) this.names.clear();
    }
  }

  private closeTop(end: number, close: number) {
    const el = this.stack.pop() as XmlElement;
    el.end = end;
    el.close = close;
    if (el.flags & HOLDS_MARKUP) this.markupDepth--;
  }

  private open(
    tagName: string | { raw: string },
    attrs: (string | number)[] | null,
    lt: number,
    start: number,
  ): XmlElement | null {
    if (attrs) {
      let prefixed = false;
      for (let i = 0; i < attrs.length; i += 3) {
        if ((attrs[i] as string).includes(":")) {
          prefixed = true;
          break;
        }
      }
      if (prefixed) {
        if (hasDeclaration(attrs)) this.declare(attrs);
        const renamed: (string | number)[] = [];
        for (let i = 0; i < attrs.length; i += 3) {
          const key = attrs[i] as string;
          const name = key.includes(":") ? this.canonical(key) || key : key;
          if (indexOfAttr(renamed, name) === -1) renamed.push(name, attrs[i + 1] as number, attrs[i + 2] as number);
        }
        attrs = renamed;
      }
    }
    const name = typeof tagName === "string" ? tagName : this.canonical(tagName.raw);
    if (!name) return null; // "<title[CDATA…": tag soup, not an element
    const flags = FLAGS.get(name) ?? 0;
    const stack = this.stack;
    // Items and entries do not nest: one opening inside another means the other was left open.
    if (flags & NESTLESS) {
      for (let i = stack.length - 1; i > 0; i--) {
        if ((stack[i] as XmlElement).name !== name) continue;
        while (stack.length > i) this.closeTop(lt, lt);
        break;
      }
    }
    const top = stack[stack.length - 1];
    // A text element left open: the next text or structure element opening inside it closes it; any element
    // does for the ones that never hold markup.
    if (top && (top.flags & NO_MARKUP || (top.flags & LEAF && flags & (LEAF | STRUCTURE)))) this.closeTop(lt, lt);
    const el: XmlElement = { name, attrs, children: NO_CHILDREN, open: lt, start, end: start, close: start, flags };
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    } else if (!this.root) this.root = el;
    else return null; // a second root element: ignored
    stack.push(el);
    if (flags & HOLDS_MARKUP) this.markupDepth++;
    return el;
  }

  private close(name: string, lt: number, next: number) {
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      if ((stack[i] as XmlElement).name !== name) continue;
      while (stack.length > i) this.closeTop(lt, next);
      return;
    }
    // An end tag matching nothing. Inside a text element that may hold markup (a stray `</b>` in a
    // description) or in a structure element, it is ignored, unless it looks like the innermost element's own
    // end tag, mangled (`<title>…</ti>`, `<pubDate>…</pubDatetem>`). Any other element is closed by it, under
    // the end tag's name when the start tag looks cut short (`<ima>…</image>`, `<ytlId>…</yt:channelId>`).
    const top = stack[stack.length - 1];
    if (!top || stack.length === 1 || !name) return; // the root element stays open until its own end tag
    if (this.markupDepth > 0 || top.flags & STRUCTURE) {
      if (similar(top.name, name) || similar(name, top.name)) this.closeTop(lt, next);
      return;
    }
    if (similar(name, top.name)) top.name = name;
    this.closeTop(lt, next);
  }
}

/** `b` is `a` cut short at either end. */
function similar(a: string, b: string): boolean {
  return b.length > 1 && (a.startsWith(b) || a.endsWith(b));
}

function indexOfAttr(attrs: (string | number)[], name: string): number {
  for (let i = 0; i < attrs.length; i += 3) if (attrs[i] === name) return i;
  return -1;
}

function hasDeclaration(attrs: (string | number)[]): boolean {
  for (let i = 0; i < attrs.length; i += 3) if ((attrs[i] as string).startsWith("xmlns:")) return true;
  return false;
}

/**
 * Reads an XML document (UTF-8 bytes, from `from`) into an element tree (see above). `kind`: the format's own
 * namespace.
 */
export function readXml(bytes: Buffer, kind: XmlKind, from = 0): XmlDocument {
  const builder = new TreeBuilder(bytes, kind);
  builder.run(from);
  return { bytes, root: builder.root };
}

// ------------------------------------------------------------------------------------------------ reading

/** The first child element with that (canonical) name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element with that name, in document order (do not modify the array: it may be shared). */
export function children(el: XmlElement | undefined, name: string): readonly XmlElement[] {
  let out: XmlElement[] | undefined;
  if (el)
    for (const c of el.children) {
      if (c.name !== name) continue;
      if (out) out.push(c);
      else out = [c];
    }
  return out ?? NO_CHILDREN;
}

/** A part of the document, as written (byte offsets). */
export function slice(doc: XmlDocument, from: number, to: number): string {
  return from < to ? utf8(doc.bytes, from, to) : "";
}

/** The element's text: comments removed, CDATA unwrapped, references decoded, trimmed; undefined when empty. */
export function text(doc: XmlDocument, el: XmlElement | undefined): string | undefined {
  if (!el || el.start >= el.end) return undefined;
  return decodeText(utf8(doc.bytes, el.start, el.end)) || undefined;
}

/** An attribute's value, references decoded and trimmed; undefined when missing or empty. */
export function attr(doc: XmlDocument, el: XmlElement | undefined, name: string): string | undefined {
  const attrs = el?.attrs;
  if (!attrs) return undefined;
  const i = indexOfAttr(attrs, name);
  if (i === -1) return undefined;
  const from = attrs[i + 1] as number;
  const to = attrs[i + 2] as number;
  if (from >= to) return undefined;
  return decodeText(utf8(doc.bytes, from, to)) || undefined;
}

function decodeReferences(s: string): string {
  const amp = s.indexOf("&");
  return amp !== -1 && s.indexOf(";", amp) !== -1 ? decodeHTML(s) : s;
}

/** Raw XML text → its value (see `text`). */
export function decodeText(value: string): string {
  if (!value.includes("<")) return decodeReferences(value).trim();
  let out = "";
  let last = 0;
  for (;;) {
    const i = value.indexOf("<!", last);
    if (i === -1) break;
    if (value.startsWith("<!--", i)) {
      out += decodeReferences(value.slice(last, i));
      const end = value.indexOf("-->", i + 4);
      last = end === -1 ? value.length : end + 3; // an unclosed comment runs to the end
    } else if (value.startsWith("<![CDATA[", i)) {
      out += decodeReferences(value.slice(last, i));
      const end = value.indexOf("]]>", i + 9);
      out += value.slice(i + 9, end === -1 ? value.length : end); // an unclosed section runs to the end
      last = end === -1 ? value.length : end + 3;
    } else {
      out += decodeReferences(value.slice(last, i + 2));
      last = i + 2;
    }
  }
  return (out + decodeReferences(value.slice(last))).trim();
}
