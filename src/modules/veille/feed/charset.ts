import { isUtf8 } from "node:buffer";
import iconv from "iconv-lite";

/**
 * Turning a feed's bytes into text.
 *
 * Order of precedence (XML spec appendix F, RFC 7303 §3.2 and §8, WHATWG for HTML):
 *  1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) wins over everything: RFC 7303 §3.2 says the BOM
 *     takes precedence over the charset parameter, and a BOM cannot be there by accident;
 *  2. the charset parameter of the HTTP Content-Type (RFC 7303: authoritative for XML media types);
 *  3. the XML declaration's encoding (or, for an HTML page, `<meta charset>` / `http-equiv` in the first 4 KB);
 *     UTF-16 without a BOM is recognised from the `<?xml` pattern of NUL bytes (XML appendix F);
 *  4. UTF-8 (the XML and JSON default).
 * Then a check against the bytes, because real servers lie:
 *  - a UTF-8 label (from any source except a BOM) on bytes that are not valid UTF-8 → the other declared
 *    charset if there is one, else windows-1252 (the usual real encoding of such feeds), never a flood of U+FFFD;
 *  - a single-byte Latin label (ISO-8859-1/15, windows-1252) on bytes that are valid UTF-8 and contain
 *    multi-byte sequences → UTF-8 (a Latin-1 text is practically never valid UTF-8 by chance; the opposite
 *    choice gives the classic "Ã©" mojibake).
 * ISO-8859-1 and US-ASCII are decoded as windows-1252, as browsers do (its 0x80–0x9F are the curly quotes
 * and euro sign feeds actually contain).
 */

export type CharsetSource = "bom" | "http" | "xml" | "meta" | "sniff" | "default" | "fallback";

export interface Decoded {
  text: string;
  /** The encoding actually used (iconv-lite name, lower case). */
  charset: string;
  source: CharsetSource;
  /** The label that was declared and overridden, when the bytes contradicted it. */
  overridden?: string;
}

const LATIN = new Set(["iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"]);
const LATIN_FAMILY = /^(iso-?8859-(1|15)|latin-?[19]|l1|us-ascii|ascii|windows-1252|cp1252)$/;

/** Normalises a label to what iconv-lite accepts, or null when unknown. */
/** Labels seen, normalised (a handful in practice; bounded all the same). */
const NORMALIZED = new Map<string, string | null>();

export function normalizeCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const known = NORMALIZED.get(label);
  if (known !== undefined) return known;
  const normalized = normalize(label);
  if (NORMALIZED.size < 256) NORMALIZED.set(label, normalized);
  return normalized;
}

function normalize(label: string): string | null {
  let l = label
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  if (!l) return null;
  if (LATIN.has(l)) return "windows-1252";
  if (l === "utf8" || l === "unicode-1-1-utf-8") l = "utf-8";
  if (l === "x-sjis" || l === "sjis" || l === "ms_kanji" || l === "windows-31j") l = "shift_jis";
  if (l === "gb2312" || l === "gbk" || l === "x-gbk") l = "gb18030";
  if (l === "x-euc-jp") l = "euc-jp";
  if (l === "big5-hkscs") l = "big5hkscs";
  if (l === "unicode" || l === "utf-16") l = "utf-16"; // endianness from the BOM or the NUL pattern
  return iconv.encodingExists(l) ? l : null;
}

/** The charset parameter of a Content-Type header. */
export function charsetFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2] ?? null;
}

function bom(buf: Buffer): { charset: string; length: number } | null {
  if (buf.length >= 4) {
    if (buf[0] === 0x00 && buf[1] === 0x00 && buf[2] === 0xfe && buf[3] === 0xff)
      return { charset: "utf-32be", length: 4 };
    if (buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0x00 && buf[3] === 0x00)
      return { charset: "utf-32le", length: 4 };
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { charset: "utf-8", length: 3 };
  if (buf.length >= 2) {
    if (buf[0] === 0xfe && buf[1] === 0xff) return { charset: "utf-16be", length: 2 };
    if (buf[0] === 0xff && buf[1] === 0xfe) return { charset: "utf-16le", length: 2 };
  }
  return null;
}

/** UTF-16/32 without a BOM, from the NUL bytes around "<?" (XML appendix F). */
function nulPattern(buf: Buffer): string | null {
  if (buf.length < 4) return null;
  const [a, b, c, d] = [buf[0], buf[1], buf[2], buf[3]];
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return "utf-32be";
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return "utf-32le";
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return "utf-16be";
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return "utf-16le";
  return null;
}

function xmlDeclaration(head: string): string | null {
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1] ?? null;
}

function metaCharset(head: string): string | null {
  const m =
    /<meta\s[^>]*?charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head) ??
    /<meta\s[^>]*?content\s*=\s*["'][^"']*charset=([A-Za-z0-9._:-]+)/i.exec(head);
  return m?.[1] ?? null;
}

/** True when the bytes are valid UTF-8 (node's native check); `multibyte` when any byte is non-ASCII. */
export function utf8Validity(buf: Buffer): { valid: boolean; multibyte: boolean } {
  const valid = isUtf8(buf);
  let multibyte = false;
  if (valid) {
    for (let i = 0; i < buf.length; i++) {
      if ((buf[i] as number) >= 0x80) {
        multibyte = true;
        break;
      }
    }
  }
  return { valid, multibyte };
}

function decodeWith(buf: Buffer, charset: string, skip = 0): string {
  const bytes = skip ? buf.subarray(skip) : buf;
  if (charset === "utf-8") return bytes.toString("utf8");
  if (charset === "windows-1252") return iconv.decode(bytes, "windows-1252");
  if (charset === "utf-16") {
    const le = bytes.length >= 2 && bytes[1] === 0 && bytes[0] !== 0;
    return iconv.decode(bytes, le ? "utf-16le" : "utf-16be", { stripBOM: true });
  }
  return iconv.decode(bytes, charset, { stripBOM: true });
}

/** The encoding of a body, following the precedence above, without decoding it (decodeBody does). */
export interface DetectedCharset {
  /** The encoding to decode with (iconv-lite name, lower case). */
  charset: string;
  source: CharsetSource;
  /** The label that was declared and overridden, when the bytes contradicted it. */
  overridden?: string;
  /** Bytes to skip first: the BOM. */
  skip: number;
}

export function detectCharset(buf: Buffer, contentType?: string): DetectedCharset {
  const b = bom(buf);
  if (b) return { charset: b.charset, source: "bom", skip: b.length };

  const nul = nulPattern(buf);
  // The first 1 KB holds the XML declaration; 4 KB for an HTML page's <meta charset> (or when a comment or
  // blank space at the start could hide where the page begins).
  let head = nul ? "" : buf.toString("latin1", 0, Math.min(buf.length, 1024));
  if (buf.length > 1024 && (/html/i.test(contentType ?? "") || /<(!doctype|html|!--)/i.test(head) || !head.trim()))
    head = buf.toString("latin1", 0, Math.min(buf.length, 4096));
  const httpLabel = charsetFromContentType(contentType);
  const http = normalizeCharset(httpLabel);
  const isHtml = /html/i.test(contentType ?? "") || /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html)\b/i.test(head);
  const docLabel = nul ? null : isHtml ? metaCharset(head) : xmlDeclaration(head);
  const doc = normalizeCharset(docLabel);

  let charset: string;
  let source: CharsetSource;
  if (http) {
    charset = http;
    source = "http";
  } else if (nul) {
    charset = nul;
    source = "sniff";
  } else if (doc) {
    charset = doc;
    source = isHtml ? "meta" : "xml";
  } else {
    charset = "utf-8";
    source = "default";
  }
  // A declared UTF-16 on bytes that are plainly ASCII-compatible (the declaration itself was readable as
  // Latin-1) is a lie: the document was transcoded and its declaration kept.
  if (charset.startsWith("utf-16") || charset.startsWith("utf-32")) {
    if (!nul) {
      charset = "utf-8";
      source = "fallback";
    }
  }

  if (charset === "utf-8") {
    if (!isUtf8(buf)) {
      const other = [http, doc].find((c) => c && c !== "utf-8" && !c.startsWith("utf-"));
      return {
        charset: other ?? "windows-1252",
        source: "fallback",
        overridden: httpLabel ?? docLabel ?? "utf-8",
        skip: 0,
      };
    }
    return { charset, source, skip: 0 };
  }
  if (LATIN_FAMILY.test(charset) || charset === "windows-1252") {
    const v = utf8Validity(buf);
    if (v.valid && v.multibyte) {
      return {
        charset: "utf-8",
        source: "fallback",
        overridden: (source === "http" ? httpLabel : docLabel) ?? charset,
        skip: 0,
      };
    }
  }
  return { charset, source, skip: 0 };
}

/**
 * A single-byte charset's bytes as UTF-8, for the feed parser (which reads UTF-8 bytes): each byte's UTF-8
 * sequence from a table built once per charset by decoding the 256 bytes with iconv-lite — the same text as
 * decoding, then encoding, without the intermediate string. Null for other charsets.
 */
export function singleByteToUtf8(buf: Buffer, charset: string): Buffer | null {
  const table = singleByteTable(charset);
  if (!table) return null;
  let length = 0;
  for (let i = 0; i < buf.length; i++) length += (table[buf[i] as number] as Uint8Array).length;
  if (length === buf.length && isAscii(buf)) return buf;
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b < 0x80) out[o++] = b;
    else {
      const seq = table[b] as Uint8Array;
      for (let k = 0; k < seq.length; k++) out[o++] = seq[k] as number;
    }
  }
  return out;
}

function isAscii(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if ((buf[i] as number) >= 0x80) return false;
  return true;
}

const SINGLE_BYTE = /^(windows-125[0-8]|iso-8859-([1-9]|1[0-6])|koi8-[ru])$/;
const SINGLE_BYTE_TABLES = new Map<string, Uint8Array[] | null>();

function singleByteTable(charset: string): Uint8Array[] | null {
  let table = SINGLE_BYTE_TABLES.get(charset);
  if (table !== undefined) return table;
  table = null;
  if (SINGLE_BYTE.test(charset) && iconv.encodingExists(charset)) {
    const all = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    const text = iconv.decode(all, charset);
    // one UTF-16 unit per byte, ASCII as ASCII: a single-byte charset
    if (text.length === 256 && [...text.slice(0, 128)].every((c, i) => c.charCodeAt(0) === i))
      table = Array.from(text, (c) => Buffer.from(c, "utf8"));
  }
  SINGLE_BYTE_TABLES.set(charset, table);
  return table;
}

/** Decodes with a detected charset (the BOM skipped). */
export function decodeWithCharset(buf: Buffer, detected: DetectedCharset): string {
  return decodeWith(buf, detected.charset, detected.skip);
}

/**
 * Decodes a feed (or an HTML page) to text following the precedence above.
 * `kind` is a hint from the Content-Type: "html" reads `<meta charset>`, "json" defaults to UTF-8.
 */
export function decodeBody(buf: Buffer, contentType?: string): Decoded {
  const detected = detectCharset(buf, contentType);
  const out: Decoded = { text: decodeWithCharset(buf, detected), charset: detected.charset, source: detected.source };
  if (detected.overridden !== undefined) out.overridden = detected.overridden;
  return out;
}
