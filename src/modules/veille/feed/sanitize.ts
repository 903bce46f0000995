import { decodeHTML } from "entities";
import { decodeHTMLAttribute, fromCodePoint } from "entities/lib/decode.js";
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";
import { resolveUrl } from "./url.js";

/**
 * HTML from feeds is untrusted: everything goes through this allow-list sanitizer before it is stored or
 * shown. Kept: text structure (p, lists, headings, quotes, code, tables, figure), links (http, https, mailto;
 * made absolute, rel="noopener noreferrer nofollow"), images (http/https src made absolute; alt, title,
 * width, height). Removed: every other tag (its text kept), every other attribute (event handlers, style,
 * class, srcset, target…), and script, style, textarea, option, noscript, iframe, object, embed, template
 * with their content.
 *
 * It reads the markup with htmlparser2's tokenizer and the implied-close rules of its HTML parser (`<p>`
 * closed by a block, void elements, everything closed at the end) — through a faster scanner for common
 * markup, below — and writes only what the allow-list keeps, every text and attribute value re-escaped. Its
 * output is the one sanitize-html 2.17 gave with the options this module used before it (pinned by
 * test/fixtures/feeds/expected and test/veille/feed-sanitize.test.ts; same output on 450,000 fuzzed inputs
 * when it was written); it is ~4× faster, which the feed parse needs (docs/FEEDS.md, bench/README.md).
 */

const ALLOWED_TAGS = new Set([
  "a",
  "abbr",
  "b",
  "blockquote",
  "br",
  "caption",
  "cite",
  "code",
  "dd",
  "del",
  "dfn",
  "div",
  "dl",
  "dt",
  "em",
  "figcaption",
  "figure",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "img",
  "ins",
  "kbd",
  "li",
  "mark",
  "ol",
  "p",
  "pre",
  "q",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "time",
  "tr",
  "u",
  "ul",
]);

/** Attributes kept as they are (when not empty) on the other allowed tags; `a` and `img` are rewritten. */
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  abbr: ["title"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan", "scope"],
  time: ["datetime"],
  ol: ["start"],
};

/** Disallowed tags whose content goes too (the others are dropped but their text is kept). */
const DROP_CONTENT = new Set([
  "script",
  "style",
  "textarea",
  "option",
  "noscript",
  "iframe",
  "object",
  "embed",
  "template",
]);

/** Written `<br />`, never closed. */
const VOID = new Set(["img", "br", "hr"]);

const REL = ' rel="noopener noreferrer nofollow"';

function escapeText(s: string): string {
  if (!/[&<>]/.test(s)) return s;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(s: string): string {
  if (!/[&<>"]/.test(s)) return s;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function absolute(href: string | undefined, base: string | undefined): string | null {
  if (!href) return null;
  const h = href.trim();
  if (!h) return null;
  const plain = resolveUrl(h, base);
  if (plain !== undefined) return plain;
  try {
    return base ? new URL(h, base).toString() : new URL(h).toString();
  } catch {
    return null;
  }
}

/** `<a>`: an absolute http(s) or mailto target, or null (the link then keeps only its text, in a `<span>`). */
function linkTarget(href: string | undefined, base: string | undefined): string | null {
  const target = href?.startsWith("mailto:") ? href : absolute(href, base);
  return target && /^(https?|mailto):/i.test(target) ? target : null;
}

/** `<img>`: an absolute http(s) source (src, else data-src), or null (the image is then removed). */
function imageSource(attribs: Record<string, string>, base: string | undefined): string | null {
  const src = absolute(attribs.src ?? attribs["data-src"], base);
  return src && /^https?:/i.test(src) ? src : null;
}

// ------------------------------------------------------------------------------------------- HTML events
//
// What htmlparser2's Parser does in HTML mode, on its Tokenizer, reduced to what the sanitizer needs (it is
// two thirds of the sanitizer's time otherwise: an attribute object for every tag, a method call per event):
// tag and attribute names lower-cased; a tag implicitly closing open ones (`<p>` by a block, `<li>` by `<li>`);
// void elements closed at once; `</p>` and `</br>` without an open element acting as `<p></p>` and `<br>`;
// `<x/>` self-closing only inside svg/math; everything still open closed at the end. The outputs pinned in
// test/veille/feed-sanitize.test.ts are sanitize-html's (which runs on htmlparser2's Parser).

const formTags = new Set(["input", "option", "optgroup", "select", "button", "datalist", "textarea"]);
const pTag = new Set(["p"]);
const tableSectionTags = new Set(["thead", "tbody"]);
const ddtTags = new Set(["dd", "dt"]);
const rtpTags = new Set(["rt", "rp"]);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ["p", pTag],
  ["h1", pTag],
  ["h2", pTag],
  ["h3", pTag],
  ["h4", pTag],
  ["h5", pTag],
  ["h6", pTag],
  ["select", formTags],
  ["input", formTags],
  ["output", formTags],
  ["button", formTags],
  ["datalist", formTags],
  ["textarea", formTags],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", ddtTags],
  ["dt", ddtTags],
  ["address", pTag],
  ["article", pTag],
  ["aside", pTag],
  ["blockquote", pTag],
  ["details", pTag],
  ["div", pTag],
  ["dl", pTag],
  ["fieldset", pTag],
  ["figcaption", pTag],
  ["figure", pTag],
  ["footer", pTag],
  ["form", pTag],
  ["header", pTag],
  ["hr", pTag],
  ["main", pTag],
  ["nav", pTag],
  ["ol", pTag],
  ["pre", pTag],
  ["section", pTag],
  ["table", pTag],
  ["ul", pTag],
  ["rt", rtpTags],
  ["rp", rtpTags],
  ["tbody", tableSectionTags],
  ["tfoot", tableSectionTags],
]);
const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);
const FOREIGN_CONTEXT = new Set(["math", "svg"]);
const HTML_INTEGRATION = new Set(["mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title"]);

/**
 * Tag and attribute names as strings without slicing the input each time: the names HTML content uses, by the
 * hash of their lower-case characters, checked character by character (a slice of the input, lower-cased,
 * otherwise).
 */
const COMMON_TAGS = [
  ...ALLOWED_TAGS,
  ...DROP_CONTENT,
  ...VOID_ELEMENTS,
  ...FOREIGN_CONTEXT,
  ...HTML_INTEGRATION,
  ...OPEN_IMPLIES_CLOSE.keys(),
  ..."html head body font center article section header footer nav aside main picture video audio form label big tt nobr details summary hgroup data var samp bdi bdo ruby g path".split(
    " ",
  ),
  // attribute names too
  ..."href src data-src alt width height rel class style id srcset sizes loading decoding target colspan rowspan scope start datetime type lang dir".split(
    " ",
  ),
];
const TAG_BY_HASH = new Map<number, string>();
function tagHash(s: string, from: number, to: number): number {
  let h = to - from;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    h = (Math.imul(h, 31) + (c >= 0x41 && c <= 0x5a ? c + 32 : c)) | 0;
  }
  return h;
}
for (const t of COMMON_TAGS) if (!TAG_BY_HASH.has(tagHash(t, 0, t.length))) TAG_BY_HASH.set(tagHash(t, 0, t.length), t);

function tagName(html: string, from: number, to: number): string {
  const known = TAG_BY_HASH.get(tagHash(html, from, to));
  if (known !== undefined && known.length === to - from) {
    let same = true;
    for (let i = 0; i < known.length; i++) {
      const c = html.charCodeAt(from + i);
      if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== known.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  return html.slice(from, to).toLowerCase();
}

/** Tags whose attributes the sanitizer reads. */
const READS_ATTRIBUTES = new Set(["a", "img", ...Object.keys(ALLOWED_ATTRIBUTES)]);

/** `<p>` and `</p>` for every allowed tag, written without attributes (most of them). */
const OPEN_TAG = new Map([...ALLOWED_TAGS].map((t) => [t, VOID.has(t) ? `<${t} />` : `<${t}>`]));
const CLOSE_TAG = new Map([...ALLOWED_TAGS].map((t) => [t, `</${t}>`]));

/**
 * One run: the tokenizer calls back synchronously; the output, in pieces (joined once at the end: a chain of
 * `+=` left a rope node per piece for the garbage collector), is `result()`.
 */
class Sanitizer implements TokenizerCallbacks {
  private out: string[] = [];
  /** The open elements, as htmlparser2's Parser keeps them. */
  private stack: string[] = [];
  /**
   * The elements the sanitizer saw open (sanitize-html's frames): name, and what to write when it closes.
   * A close event for another name (a tag cut by the end of the document, never reported open) is ignored.
   */
  private frames: string[] = [];
  private closers: (string | null)[] = [];
  /** svg/math (true) and their HTML integration points (false), for self-closing tags. */
  private foreign: boolean[] = [];
  /** > 0 inside an element whose content is dropped (script, style…): the number of elements open in it. */
  private dropDepth = 0;
  private tagName = "";
  private attribs: Record<string, string> | null = null;
  private attribName = "";
  private attribValue = "";

  private html = "";
  private base: string | undefined = undefined;

  /** Starts a run (a Sanitizer is reused from run to run). */
  reset(html: string, base: string | undefined) {
    this.html = html;
    this.base = base;
    this.out.length = 0;
    this.stack.length = 0;
    this.frames.length = 0;
    this.closers.length = 0;
    this.foreign.length = 0;
    this.dropDepth = 0;
    this.tagName = "";
    this.attribs = null;
    this.attribName = "";
    this.attribValue = "";
  }

  // ---- the sanitizer proper, on open / text / close events

  private open(name: string, attribs: Record<string, string> | null) {
    if (this.dropDepth > 0) {
      this.dropDepth++;
      return;
    }
    this.frames.push(name);
    if (!ALLOWED_TAGS.has(name)) {
      this.closers.push(null);
      if (DROP_CONTENT.has(name)) this.dropDepth = 1;
      return;
    }
    const a = attribs ?? NO_ATTRIBUTES;
    if (name === "a") {
      const href = linkTarget(a.href, this.base);
      if (!href) {
        this.out.push("<span>");
        this.closers.push("</span>");
        return;
      }
      let tag = `<a href="${escapeAttribute(href)}"${REL}`;
      if (a.title) tag += ` title="${escapeAttribute(a.title)}"`;
      this.out.push(`${tag}>`);
      this.closers.push("</a>");
      return;
    }
    if (name === "img") {
      this.closers.push(null);
      const src = imageSource(a, this.base);
      if (!src) return; // an image without a usable source is removed
      let tag = `<img src="${escapeAttribute(src)}"`;
      if (a.alt !== undefined) tag += a.alt ? ` alt="${escapeAttribute(a.alt)}"` : ' alt=""';
      for (const k of ["title", "width", "height"]) {
        const v = a[k];
        if (v) tag += ` ${k}="${escapeAttribute(v)}"`;
      }
      this.out.push(`${tag} />`);
      return;
    }
    const allowed = ALLOWED_ATTRIBUTES[name];
    let tag: string | undefined;
    if (allowed) {
      for (const k in a) {
        const v = a[k];
        if (v && allowed.includes(k)) tag = `${tag ?? `<${name}`} ${k}="${escapeAttribute(v)}"`;
      }
    }
    const isVoid = VOID.has(name);
    this.out.push(tag === undefined ? (OPEN_TAG.get(name) as string) : isVoid ? `${tag} />` : `${tag}>`);
    this.closers.push(isVoid ? null : (CLOSE_TAG.get(name) as string));
  }

  private text(text: string) {
    if (this.dropDepth === 0) this.out.push(escapeText(text));
  }

  /** The output of the run. */
  result(): string {
    return this.out.join("");
  }

  private close(name: string) {
    if (this.dropDepth > 0) {
      this.dropDepth--;
      if (this.dropDepth > 0) return;
    }
    if (this.frames[this.frames.length - 1] !== name) return;
    this.frames.pop();
    const closer = this.closers.pop();
    if (closer) this.out.push(closer);
  }

  // ---- htmlparser2's Parser logic (HTML mode)

  private emitOpenTag(name: string) {
    this.tagName = name;
    const impliesClose = OPEN_IMPLIES_CLOSE.get(name);
    if (impliesClose) {
      while (this.stack.length > 0 && impliesClose.has(this.stack[this.stack.length - 1] as string))
        this.close(this.stack.pop() as string);
    }
    if (!VOID_ELEMENTS.has(name)) {
      this.stack.push(name);
      if (FOREIGN_CONTEXT.has(name)) this.foreign.push(true);
      else if (HTML_INTEGRATION.has(name)) this.foreign.push(false);
    }
    this.attribs = READS_ATTRIBUTES.has(name) ? {} : null;
  }

  private endOpenTag() {
    this.open(this.tagName, this.attribs);
    this.attribs = null;
    if (VOID_ELEMENTS.has(this.tagName)) this.close(this.tagName);
    this.tagName = "";
  }

  private closeCurrentTag() {
    const name = this.tagName;
    this.endOpenTag();
    if (this.stack[this.stack.length - 1] === name) {
      this.close(name);
      this.stack.pop();
    }
  }

  ontext(start: number, end: number) {
    if (this.dropDepth === 0) this.text(this.html.slice(start, end));
  }
  ontextentity(cp: number) {
    if (this.dropDepth === 0) this.text(fromCodePoint(cp));
  }
  /** Text whose references the fast scanner decoded. */
  ontextdecoded(text: string) {
    if (this.dropDepth === 0) this.text(text);
  }
  onopentagname(start: number, end: number) {
    this.emitOpenTag(tagName(this.html, start, end));
  }
  /** A start tag's name, from the fast scanner. */
  openTagNamed(name: string) {
    this.emitOpenTag(name);
  }
  onopentagend() {
    this.endOpenTag();
  }
  onclosetag(start: number, end: number) {
    this.closeTagNamed(tagName(this.html, start, end));
  }
  /** An end tag's name (lower case). */
  closeTagNamed(name: string) {
    if (FOREIGN_CONTEXT.has(name) || HTML_INTEGRATION.has(name)) this.foreign.pop();
    if (!VOID_ELEMENTS.has(name)) {
      const pos = this.stack.lastIndexOf(name);
      if (pos !== -1) {
        for (let count = this.stack.length - pos; count > 0; count--) this.close(this.stack.pop() as string);
      } else if (name === "p") {
        // `</p>` without an open p: `<p></p>`
        this.emitOpenTag("p");
        this.closeCurrentTag();
      }
    } else if (name === "br") {
      // `</br>`: `<br>`
      this.open("br", null);
      this.close("br");
    }
  }
  onselfclosingtag() {
    if (this.foreign[this.foreign.length - 1]) this.closeCurrentTag();
    else this.endOpenTag();
  }
  onattribname(start: number, end: number) {
    if (this.attribs) this.attribName = tagName(this.html, start, end); // attribute names look like tag names
  }
  onattribdata(start: number, end: number) {
    if (this.attribs) this.attribValue += this.html.slice(start, end);
  }
  onattribentity(cp: number) {
    if (this.attribs) this.attribValue += fromCodePoint(cp);
  }
  /** An attribute value whose references the fast scanner decoded. */
  onattribdecoded(value: string) {
    if (this.attribs) this.attribValue += value;
  }
  onattribend() {
    if (this.attribs && !Object.hasOwn(this.attribs, this.attribName)) this.attribs[this.attribName] = this.attribValue;
    this.attribValue = "";
  }
  oncdata() {}
  oncomment() {}
  ondeclaration() {}
  onprocessinginstruction() {}
  onend() {
    while (this.stack.length > 0) this.close(this.stack.pop() as string);
  }
}

const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** One Sanitizer serves every run (they are synchronous); a nested run, which nothing does, gets its own. */
let idle: Sanitizer | null = new Sanitizer();

function runSanitizer(html: string, base: string | undefined, fast = true): string {
  const sanitizer = idle ?? new Sanitizer();
  idle = null;
  try {
    sanitizer.reset(html, base);
    if (fast && fastScan(html, sanitizer)) return sanitizer.result();
    sanitizer.reset(html, base);
    const tokenizer = new Tokenizer({ decodeEntities: true }, sanitizer);
    tokenizer.write(html);
    tokenizer.end();
    return sanitizer.result();
  } finally {
    sanitizer.reset("", undefined);
    idle = sanitizer;
  }
}

// ------------------------------------------------------------------------------------------- fast scanner
//
// htmlparser2's Tokenizer walks every character in JavaScript; for the markup feeds actually carry (tags,
// quoted attributes, text, comments) this scanner jumps from '<' to '<' with indexOf and reports the same
// events to the same Sanitizer. Anything else — title (escapable raw text), `<!` other than a comment,
// `<?`, `</` not followed by a letter, a '/' inside a tag, a reference the two decoders could read differently
// (PLAIN_REFERENCES), the input ending inside a tag or a comment — makes it give up (false), and the
// Tokenizer runs instead. The events (so the output) are the Tokenizer's: test/veille/feed-sanitize.test.ts
// compares the two paths on fuzzed markup.

function isHtmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
}
function isAsciiAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
/**
 * Character references both decoders read alike: complete ones (`&amp;`, `&#8217;`, `&#x2019;`) and a bare
 * '&' (`Tom & Jerry`). On legacy references without ';' (`&copy`) and numeric ones without it, the more so
 * at the end of a value, htmlparser2's Tokenizer and entities' decoders can differ.
 */
const PLAIN_REFERENCES = /^(?:[^&]|&(?![a-zA-Z0-9#])|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)*$/;
/**
 * Raw-text elements: their content runs to the first `</script` (`</style`), any case, followed by '>' or
 * whitespace, as in the Tokenizer. It is dropped by the sanitizer, so it is skipped unread. (`<title>` is
 * escapable raw text, with references: left to the Tokenizer.)
 */
const RAW_TEXT_END: Record<string, RegExp> = {
  script: /<\/script[\t\n\f\r >]/gi,
  style: /<\/style[\t\n\f\r >]/gi,
};

function fastScan(html: string, s: Sanitizer): boolean {
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const amp = html.indexOf("&", i);
      if (amp !== -1 && amp < textEnd) {
        const text = html.slice(i, textEnd);
        if (!PLAIN_REFERENCES.test(text)) return false;
        s.ontextdecoded(decodeHTML(text));
      } else s.ontext(i, textEnd);
    }
    if (lt === -1) break;
    const c = html.charCodeAt(lt + 1);
    if (isAsciiAlpha(c)) {
      i = fastStartTag(html, lt, s);
      if (i < 0) return false;
    } else if (c === 0x2f /* / */) {
      if (!isAsciiAlpha(html.charCodeAt(lt + 2))) return false;
      let p = lt + 2;
      while (p < n && !isHtmlSpace(html.charCodeAt(p)) && html.charCodeAt(p) !== 0x3e) p++;
      if (p >= n) return false;
      const gt = html.indexOf(">", p);
      if (gt === -1) return false;
      s.closeTagNamed(tagName(html, lt + 2, p));
      i = gt + 1;
    } else if (c === 0x21 /* ! */) {
      if (!html.startsWith("<!--", lt)) return false;
      const e = html.indexOf("-->", lt + 2); // `<!-->` and `<!--->` are (empty) comments too
      if (e === -1) return false;
      i = e + 3;
    } else if (Number.isNaN(c) || c === 0x3f /* ? */) {
      return false;
    } else {
      // '<' starting no tag: text
      s.ontext(lt, lt + 1);
      i = lt + 1;
    }
  }
  s.onend();
  return true;
}

/** A start tag at `lt` (a letter follows): the offset after it, or -1 to give up. */
function fastStartTag(html: string, lt: number, s: Sanitizer): number {
  const n = html.length;
  let p = lt + 1;
  for (; p < n; p++) {
    const c = html.charCodeAt(p);
    if (isHtmlSpace(c) || c === 0x2f || c === 0x3e) break;
  }
  if (p >= n) return -1;
  const name = tagName(html, lt + 1, p);
  if (name === "title") return -1;
  const rawTextEnd = name === "script" || name === "style" ? RAW_TEXT_END[name] : undefined;
  s.openTagNamed(name);
  for (;;) {
    while (p < n && isHtmlSpace(html.charCodeAt(p))) p++;
    if (p >= n) return -1;
    let c = html.charCodeAt(p);
    if (c === 0x3e /* > */) {
      s.onopentagend();
      if (!rawTextEnd) return p + 1;
      rawTextEnd.lastIndex = p + 1;
      const end = rawTextEnd.exec(html);
      if (!end) return -1;
      const nameEnd = end.index + 2 + name.length;
      const gt = html.indexOf(">", nameEnd);
      if (gt === -1) return -1;
      s.closeTagNamed(name); // the content, dropped by the sanitizer, is not reported
      return gt + 1;
    }
    if (c === 0x2f /* / */) {
      if (html.charCodeAt(p + 1) !== 0x3e) return -1;
      s.onselfclosingtag();
      return p + 2;
    }
    if (c === 0x3d /* = */) return -1; // an attribute without a name
    const nameStart = p;
    for (; p < n; p++) {
      c = html.charCodeAt(p);
      if (isHtmlSpace(c) || c === 0x3d || c === 0x2f || c === 0x3e) break;
    }
    if (p >= n) return -1;
    s.onattribname(nameStart, p);
    while (p < n && isHtmlSpace(html.charCodeAt(p))) p++;
    if (p >= n) return -1;
    if (html.charCodeAt(p) !== 0x3d) {
      s.onattribend(); // no value
      continue;
    }
    p++;
    while (p < n && isHtmlSpace(html.charCodeAt(p))) p++;
    if (p >= n) return -1;
    const q = html.charCodeAt(p);
    let from: number;
    let to: number;
    if (q === 0x22 || q === 0x27) {
      from = p + 1;
      to = html.indexOf(q === 0x22 ? '"' : "'", from);
      if (to === -1) return -1;
      p = to + 1;
    } else {
      from = p;
      while (p < n && !isHtmlSpace(html.charCodeAt(p)) && html.charCodeAt(p) !== 0x3e) p++;
      if (p >= n) return -1;
      to = p;
    }
    const amp = html.indexOf("&", from);
    if (amp !== -1 && amp < to) {
      const value = html.slice(from, to);
      if (!PLAIN_REFERENCES.test(value)) return -1;
      s.onattribdecoded(decodeHTMLAttribute(value));
    } else s.onattribdata(from, to);
    s.onattribend();
  }
}

/** Sanitized HTML (links and images absolute against `base`), or null when nothing is left. */
export function sanitizeHtml(html: string | null | undefined, base?: string): string | null {
  if (html === null || html === undefined) return null;
  const s = String(html).trim();
  if (!s) return null;
  // Plain text is returned as it is (a '>' in it too, as before: harmless in text, and stored items keep
  // their form).
  if (!s.includes("<") && !s.includes("&")) return s;
  return runSanitizer(s, base).trim() || null;
}

/**
 * sanitizeHtml without the fast scanner: htmlparser2's Tokenizer only. For the tests, which check that both
 * give the same output.
 */
export function sanitizeHtmlWithTokenizer(html: string | null | undefined, base?: string): string | null {
  if (html === null || html === undefined) return null;
  const s = String(html).trim();
  if (!s) return null;
  if (!s.includes("<") && !s.includes("&")) return s;
  return runSanitizer(s, base, false).trim() || null;
}

/** Plain text → HTML (escaped, blank lines as paragraphs, newlines as <br>). */
export function textToHtml(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = String(text).trim();
  if (!t) return null;
  const paragraphs = t.split(/\n\s*\n/);
  const html = (p: string) => escapeHtml(p.trim()).replace(/\s*\n\s*/g, "<br />");
  // One paragraph stays inline (like most RSS descriptions); several become <p> blocks.
  return paragraphs.length === 1 ? html(t) : paragraphs.map((p) => `<p>${html(p)}</p>`).join("");
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Whitespace other than a single space (`\s+` would rewrite it). */
const ODD_SPACE = /[^\S ]| {2}/;

const BLOCK = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|table|pre|figure|figcaption|hr)\b[^>]*>/gi;

/** HTML → plain text: tags removed (blocks become spaces), entities decoded, whitespace collapsed. */
export function htmlToText(html: string | null | undefined): string | null {
  if (html === null || html === undefined) return null;
  let s = String(html);
  if (s.includes("<")) {
    s = s
      .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
      .replace(BLOCK, " ")
      .replace(/<[^>]*>/g, "");
  }
  if (s.includes("&")) s = decodeHTML(s);
  // Only single spaces: nothing to collapse (the common title).
  const t = ODD_SPACE.test(s) ? s.replace(/\s+/g, " ").trim() : s.trim();
  return t || null;
}
