import { decodeHTML } from "entities";
import { Parser } from "htmlparser2";

/**
 * HTML from feeds is untrusted: everything goes through this allow-list sanitizer before it is stored or
 * shown. Kept: text structure (p, lists, headings, quotes, code, tables, figure), links (http, https, mailto;
 * made absolute, rel="noopener noreferrer nofollow"), images (http/https src made absolute; alt, title,
 * width, height). Removed: every other tag (its text kept), every other attribute (event handlers, style,
 * class, srcset, target…), and script, style, textarea, option, noscript, iframe, object, embed, template
 * with their content.
 *
 * It reads the markup with htmlparser2's HTML parser (the same tokenizer and implied-close rules as a browser
 * would mostly apply: `<p>` closed by a block, void elements, everything closed at the end) and writes only
 * what the allow-list keeps, every text and attribute value re-escaped. Its output is the one sanitize-html
 * 2.17 gave with the options this module used before (pinned by test/fixtures/feeds/expected and the
 * sanitizer tests); it is ~10× faster, which the feed parse needs (docs/FEEDS.md, bench/README.md).
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

/** One sanitizer run: htmlparser2 calls back synchronously, the output is in `out` at the end. */
class Sanitizer {
  out = "";
  /** Per open element (htmlparser2 reports every open element's close, implied or not): what to write when it closes. */
  private closers: (string | null)[] = [];
  /** > 0 inside an element whose content is dropped (script, style…): the number of elements open in it. */
  private dropDepth = 0;

  constructor(private readonly base: string | undefined) {}
  onopentag(name: string, attribs: Record<string, string>) {
    if (this.dropDepth > 0) {
      this.dropDepth++;
      return;
    }
    if (!ALLOWED_TAGS.has(name)) {
      this.closers.push(null);
      if (DROP_CONTENT.has(name)) this.dropDepth = 1;
      return;
    }
    if (name === "a") {
      const href = linkTarget(attribs.href, this.base);
      if (!href) {
        this.out += "<span>";
        this.closers.push("</span>");
        return;
      }
      let tag = `<a href="${escapeAttribute(href)}"${REL}`;
      if (attribs.title) tag += ` title="${escapeAttribute(attribs.title)}"`;
      this.out += `${tag}>`;
      this.closers.push("</a>");
      return;
    }
    if (name === "img") {
      this.closers.push(null);
      const src = imageSource(attribs, this.base);
      if (!src) return; // an image without a usable source is removed
      let tag = `<img src="${escapeAttribute(src)}"`;
      if (attribs.alt !== undefined) tag += attribs.alt ? ` alt="${escapeAttribute(attribs.alt)}"` : ' alt=""';
      for (const k of ["title", "width", "height"]) {
        const v = attribs[k];
        if (v) tag += ` ${k}="${escapeAttribute(v)}"`;
      }
      this.out += `${tag} />`;
      return;
    }
    let tag = `<${name}`;
    const allowed = ALLOWED_ATTRIBUTES[name];
    if (allowed) {
      for (const k in attribs) {
        const v = attribs[k];
        if (v && allowed.includes(k)) tag += ` ${k}="${escapeAttribute(v)}"`;
      }
    }
    if (VOID.has(name)) {
      this.out += `${tag} />`;
      this.closers.push(null);
    } else {
      this.out += `${tag}>`;
      this.closers.push(`</${name}>`);
    }
  }

  ontext(text: string) {
    if (this.dropDepth === 0) this.out += escapeText(text);
  }

  onclosetag() {
    if (this.dropDepth > 0) {
      this.dropDepth--;
      if (this.dropDepth > 0) return;
    }
    const closer = this.closers.pop();
    if (closer) this.out += closer;
  }
}

/**
 * A new parser for each run: htmlparser2's reset() leaves state behind after a document that ends inside a
 * tag (a half-read attribute value would start the next document's first attribute).
 */
function runSanitizer(html: string, base: string | undefined): string {
  const sanitizer = new Sanitizer(base);
  new Parser(sanitizer, { decodeEntities: true }).end(html);
  return sanitizer.out;
}

/** Sanitized HTML (links and images absolute against `base`), or null when nothing is left. */
export function sanitizeHtml(html: string | null | undefined, base?: string): string | null {
  if (html === null || html === undefined) return null;
  const s = String(html).trim();
  if (!s) return null;
  if (!s.includes("<") && !s.includes("&")) return s; // plain text: the sanitizer would return it as it is
  return runSanitizer(s, base).trim() || null;
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
  const t = s.replace(/\s+/g, " ").trim();
  return t || null;
}
