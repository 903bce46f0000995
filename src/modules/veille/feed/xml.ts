import { decodeHTML } from "entities";
import { Tokenizer } from "htmlparser2";
import { LEAF as LEAF_NAMES, STRUCTURE as STRUCTURE_NAMES } from "./lenient.js";

/**
 * The XML reader of the feed parser: htmlparser2's tokenizer in XML mode (a SAX tokenizer that never gives
 * up) building a small element tree. Lenient by construction, like the old repairXml fallback: unclosed or
 * mismatched tags, bare '&', a truncated file — whatever was read is kept:
 *  - a mismatched end tag closes the open elements up to its match; an end tag matching nothing closes the
 *    innermost element (`<ima>…</image>`), except inside a text element that may hold markup (a stray `</b>`
 *    in a description) or in a structure element, where it is ignored unless it looks like the innermost
 *    element's own end tag, mangled (`<title>…</ti>`);
 *  - a text element (title, link, description…) left open is closed by the next text or structure element
 *    (item, entry…) opening inside it (lenient.ts: LEAF, STRUCTURE);
 *  - an item (entry) opening inside an item (entry) closes the open one: they do not nest;
 *  - everything still open at the end is closed there (a partial tag at the very end is dropped).
 *
 * Text is not decoded while tokenizing: each element keeps the offsets of its raw content, and `text()` reads
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
  /** Attribute names as element names; values raw (read them with `attr()`). Null when there are none. */
  attrs: Record<string, string> | null;
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
  source: string;
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

const QUOTE_NONE = 0; // htmlparser2 QuoteType.NoValue

/** An XML name (the tokenizer takes anything up to a space or '>' as a tag name). */
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

class TreeBuilder {
  root: XmlElement | null = null;
  private stack: XmlElement[] = [];
  private readonly primary: readonly string[];
  /** Document prefix → canonical prefix ("" for the primary namespace), null for an unknown namespace. */
  private prefixes = new Map<string, string | null>();
  /** Tag and attribute names as written → canonical names ("" for a name that is no XML name). */
  private names = new Map<string, string>();
  private tagOpen = 0;
  private tagName = "";
  private attrs: Record<string, string> | null = null;
  private attrName = "";
  private attrValue = "";
  /** How many open elements may hold markup (LEAF, MARKUP). */
  private markupDepth = 0;
  /** End of the last complete token: where elements still open at the end are closed. */
  private lastEnd = 0;

  constructor(
    private readonly src: string,
    kind: XmlKind,
  ) {
    this.primary = PRIMARY[kind];
  }

  private canonical(raw: string): string {
    const cached = this.names.get(raw);
    if (cached !== undefined) return cached;
    let name = raw.toLowerCase();
    const colon = name.indexOf(":");
    if (colon !== -1) {
      const prefix = name.slice(0, colon);
      const canonical = prefix === "xml" || prefix === "xmlns" ? null : this.prefixes.get(prefix);
      if (canonical === "") name = name.slice(colon + 1);
      else if (canonical) name = `${canonical}:${name.slice(colon + 1)}`;
    }
    if (!NAME.test(name)) name = "";
    this.names.set(raw, name);
    return name;
  }

  private declare(attrs: Record<string, string>) {
    for (const key in attrs) {
      if (!key.startsWith("xmlns:")) continue;
      const prefix = key.slice(6);
      if (this.prefixes.has(prefix)) continue; // the first declaration of a prefix wins
      const known = PREFIX_OF_URI.get((attrs[key] as string).trim().toLowerCase());
      this.prefixes.set(prefix, known === undefined ? null : this.primary.includes(known) ? "" : known);
      this.names.clear();
    }
  }

  private closeTop(end: number, close: number) {
    const el = this.stack.pop() as XmlElement;
    el.end = end;
    el.close = close;
    if (el.flags & HOLDS_MARKUP) this.markupDepth--;
  }

  // ---- tokenizer callbacks
  onopentagname(start: number, end: number) {
    this.tagOpen = start - 1;
    this.tagName = this.src.slice(start, end);
    this.attrs = null;
  }
  onattribname(start: number, end: number) {
    this.attrName = this.src.slice(start, end).toLowerCase();
    this.attrValue = "";
  }
  onattribdata(start: number, end: number) {
    this.attrValue += this.src.slice(start, end);
  }
  onattribentity() {}
  onattribend(quote: number) {
    if (!this.attrs) this.attrs = {};
    if (!(this.attrName in this.attrs)) this.attrs[this.attrName] = quote === QUOTE_NONE ? "" : this.attrValue;
  }
  onopentagend(endIndex: number) {
    this.openElement(endIndex + 1);
  }
  onselfclosingtag(endIndex: number) {
    const el = this.openElement(endIndex + 1);
    if (this.stack[this.stack.length - 1] === el) this.closeTop(endIndex + 1, endIndex + 1);
  }
  private openElement(start: number): XmlElement | null {
    this.lastEnd = start;
    let attrs = this.attrs;
    this.attrs = null;
    if (attrs) {
      let prefixed = false;
      for (const key in attrs) {
        if (key.includes(":")) {
          prefixed = true;
          break;
        }
      }
      if (prefixed) {
        if (hasDeclaration(attrs)) this.declare(attrs);
        const renamed: Record<string, string> = {};
        for (const key in attrs) {
          const name = key.includes(":") ? this.canonical(key) || key : key;
          if (!(name in renamed)) renamed[name] = attrs[key] as string;
        }
        attrs = renamed;
      }
    }
    const name = this.canonical(this.tagName);
    if (!name) return null; // "<title[CDATA…": tag soup, not an element
    const flags = FLAGS.get(name) ?? 0;
    const stack = this.stack;
    // Items and entries do not nest: one opening inside another means the other was left open.
    if (flags & NESTLESS) {
      for (let i = stack.length - 1; i > 0; i--) {
        if ((stack[i] as XmlElement).name !== name) continue;
        while (stack.length > i) this.closeTop(this.tagOpen, this.tagOpen);
        break;
      }
    }
    const top = stack[stack.length - 1];
    // A text element left open: the next text or structure element opening inside it closes it; any element
    // does for the ones that never hold markup.
    if (top && (top.flags & NO_MARKUP || (top.flags & LEAF && flags & (LEAF | STRUCTURE))))
      this.closeTop(this.tagOpen, this.tagOpen);
    const el: XmlElement = {
      name,
      attrs,
      children: NO_CHILDREN,
      open: this.tagOpen,
      start,
      end: start,
      close: start,
      flags,
    };
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
  onclosetag(start: number, endIndex: number) {
    this.lastEnd = endIndex + 1;
    const name = this.canonical(this.src.slice(start, endIndex));
    const lt = this.src.lastIndexOf("<", start);
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      if ((stack[i] as XmlElement).name !== name) continue;
      while (stack.length > i) this.closeTop(lt, endIndex + 1);
      return;
    }
    // An end tag matching nothing. Inside a text element that may hold markup (a stray `</b>` in a
    // description) or in a structure element, it is ignored, unless it looks like the innermost element's own
    // end tag, mangled (`<title>…</ti>`, `<pubDate>…</pubDatetem>`). Any other element is closed by it, under
    // the end tag's name when the start tag looks cut short (`<ima>…</image>`, `<ytlId>…</yt:channelId>`).
    const top = stack[stack.length - 1];
    if (!top || stack.length === 1 || !name) return; // the root element stays open until its own end tag
    if (this.markupDepth > 0 || top.flags & STRUCTURE) {
      if (similar(top.name, name) || similar(name, top.name)) this.closeTop(lt, endIndex + 1);
      return;
    }
    if (similar(name, top.name)) top.name = name;
    this.closeTop(lt, endIndex + 1);
  }
  ontext(_start: number, end: number) {
    this.lastEnd = end;
  }
  ontextentity() {}
  oncdata(_start: number, endIndex: number) {
    this.lastEnd = Math.min(endIndex + 1, this.src.length);
  }
  oncomment(_start: number, endIndex: number) {
    this.lastEnd = Math.min(endIndex + 1, this.src.length);
  }
  ondeclaration(_start: number, endIndex: number) {
    this.lastEnd = endIndex + 1;
  }
  onprocessinginstruction(_start: number, endIndex: number) {
    this.lastEnd = endIndex + 1;
  }
  onend() {
    while (this.stack.length) this.closeTop(this.lastEnd, this.lastEnd);
  }
}

/** `b` is `a` cut short at either end. */
function similar(a: string, b: string): boolean {
  return b.length > 1 && (a.startsWith(b) || a.endsWith(b));
}

function hasDeclaration(attrs: Record<string, string>): boolean {
  for (const key in attrs) if (key.startsWith("xmlns:")) return true;
  return false;
}

/** Reads an XML document into an element tree (see above). `kind` tells which namespace is the format's own. */
export function readXml(source: string, kind: XmlKind): XmlDocument {
  // New objects per document: htmlparser2's reset() does not clear every state a truncated document leaves.
  const builder = new TreeBuilder(source, kind);
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
  tokenizer.write(source);
  tokenizer.end();
  return { source, root: builder.root };
}

// ------------------------------------------------------------------------------------------------ reading

/** The first child element with that (canonical) name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element with that name, in document order. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (el) for (const c of el.children) if (c.name === name) out.push(c);
  return out;
}

/** The element's raw content (markup, CDATA sections and references as written). */
export function raw(doc: XmlDocument, el: XmlElement): string {
  return doc.source.slice(el.start, el.end);
}

/** The element's text: comments removed, CDATA unwrapped, references decoded, trimmed; undefined when empty. */
export function text(doc: XmlDocument, el: XmlElement | undefined): string | undefined {
  if (!el || el.start === el.end) return undefined;
  return decodeText(doc.source.slice(el.start, el.end)) || undefined;
}

/** An attribute's value, references decoded and trimmed; undefined when missing or empty. */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.attrs?.[name];
  if (v === undefined || v === "") return undefined;
  return decodeText(v) || undefined;
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
