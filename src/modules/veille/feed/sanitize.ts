import { decodeHTML } from "entities";
import sanitizeHtmlLib from "sanitize-html";

/**
 * HTML from feeds is untrusted: everything goes through sanitize-html with an allow-list before it is
 * stored or shown. Kept: text structure (p, lists, headings, quotes, code, tables), links (http, https,
 * mailto; made absolute, rel="noopener noreferrer nofollow"), images (http/https src made absolute; alt,
 * title, width, height). Removed: scripts, styles, iframes, forms, event handlers, style attributes,
 * javascript:/data: URLs, and the text inside script/style/noscript/iframe.
 *
 * Cost: sanitize-html is most of the parse time on content-heavy feeds, so a string without '<' and '&'
 * (plain text, the common case for titles and many descriptions) skips it; its output would be identical.
 */

const ALLOWED_TAGS = [
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
];

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

/** The base of the call in progress: sanitize-html is synchronous, so one options object serves every call. */
let currentBase: string | undefined;

const OPTIONS: sanitizeHtmlLib.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    abbr: ["title"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan", "scope"],
    time: ["datetime"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "template"],
  transformTags: {
    a: (_tagName, attribs) => {
      const href = attribs.href?.startsWith("mailto:") ? attribs.href : absolute(attribs.href, currentBase);
      // A link without a usable target (javascript:, garbage) keeps its text only.
      if (!href || !/^(https?|mailto):/i.test(href)) return { tagName: "span", attribs: {} };
      const out: Record<string, string> = { href, rel: "noopener noreferrer nofollow" };
      if (attribs.title) out.title = attribs.title;
      return { tagName: "a", attribs: out };
    },
    img: (_tagName, attribs) => {
      const src = absolute(attribs.src ?? attribs["data-src"], currentBase);
      // An image without a usable source loses its attributes; the bare <img /> is removed afterwards.
      if (!src || !/^https?:/i.test(src)) return { tagName: "img", attribs: {} };
      const out: Record<string, string> = { src };
      for (const k of ["alt", "title", "width", "height"]) if (attribs[k] !== undefined) out[k] = attribs[k] as string;
      return { tagName: "img", attribs: out };
    },
  },
};

/**
 * Markup that is already safe as it is: only attribute-less tags of the allow-list, no comments, no stray '<'
 * or '>', well-formed character references. sanitize-html would return it unchanged, so it is skipped
 * (headlines and simple descriptions: "<p>Texte <b>gras</b></p>").
 */
const SIMPLE_TAG = new RegExp(`^</?(?:${ALLOWED_TAGS.filter((t) => t !== "a" && t !== "img").join("|")})\\s*/?>$`, "i");
const BAD_REFERENCE = /&(?!(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/i;
function alreadySafe(s: string): boolean {
  if (s.includes("<!") || s.includes("<?") || BAD_REFERENCE.test(s)) return false;
  let i = s.indexOf("<");
  let last = 0;
  while (i !== -1) {
    if (s.slice(last, i).includes(">")) return false;
    const end = s.indexOf(">", i);
    if (end === -1) return false;
    if (!SIMPLE_TAG.test(s.slice(i, end + 1))) return false;
    last = end + 1;
    i = s.indexOf("<", last);
  }
  return !s.slice(last).includes(">");
}

const SPECIAL: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
/** Character references decoded (except the four that must stay escaped) and quotes escaped, as sanitize-html does. */
function normalizeReferences(s: string): string {
  return s.replace(/&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});|"/gi, (m) => {
    if (m === '"') return "&quot;";
    const d = decodeHTML(m);
    return SPECIAL[d] ?? d;
  });
}

/** Sanitized HTML (links and images absolute against `base`), or null when nothing is left. */
export function sanitizeHtml(html: string | null | undefined, base?: string): string | null {
  if (html === null || html === undefined) return null;
  const s = String(html).trim();
  if (!s) return null;
  if (!s.includes("<") && !s.includes("&")) return s;
  if (alreadySafe(s)) return s.includes("&") || s.includes('"') ? normalizeReferences(s) : s;
  currentBase = base;
  try {
    let out = sanitizeHtmlLib(s, OPTIONS);
    if (out.includes("<img />")) out = out.replaceAll("<img />", "");
    out = out.trim();
    return out || null;
  } finally {
    currentBase = undefined;
  }
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
