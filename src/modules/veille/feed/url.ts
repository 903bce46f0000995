/**
 * Resolving links without `new URL` when the result is plain to see: most links in feeds are absolute http(s)
 * URLs already in the form the WHATWG parser writes, or paths on the feed's own site. Parsing every one of
 * them (twice, with its base) was a tenth of the parse time of a small feed. `resolveUrl` returns what
 * `new URL(href, base).toString()` returns, or undefined when it cannot tell (then ask `new URL`): lower-case
 * scheme and host, a host that is a name (not an address, not punycode), no port, no user, no dot segment,
 * only characters the parser leaves as they are (checked against `new URL` in test/veille/feed-xml.test.ts).
 */

const HOST = "(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,63}";
const PATH_CHAR = "[A-Za-z0-9\\-._~!$&()*+,;=:@%/]";
const QUERY = `(?:\\?(?:${PATH_CHAR}|\\?)*)?`;
const FRAGMENT = `(?:#(?:${PATH_CHAR}|\\?)*)?`;
/** An absolute http(s) URL as the parser writes it. */
const CANONICAL = new RegExp(`^https?://${HOST}/${PATH_CHAR}*${QUERY}${FRAGMENT}$`);
/** A path (absolute, or relative without dot segments) with its query and fragment. */
const PATH = new RegExp(`^${PATH_CHAR}*${QUERY}${FRAGMENT}$`);
/** What the parser rewrites: dot segments (also percent-encoded), punycode to check. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e)(?:\.|%2e)?(?:[/?#]|$)|xn--/i;

/** Dot segments or punycode: cheap substring checks first, the expression only when one is there. */
function rewritten(url: string): boolean {
  return (url.includes(".") && (url.includes("/.") || url.charCodeAt(0) === 0x2e || url.includes("xn--"))) ||
    (url.includes("%") && /%2e/i.test(url))
    ? DOT_SEGMENT.test(url)
    : false;
}

/** The last base checked (a feed's items share theirs). */
let lastBase = "";
let lastBaseOk = false;

function plainBase(base: string): boolean {
  if (base !== lastBase) {
    lastBase = base;
    lastBaseOk = CANONICAL.test(base) && !rewritten(base);
  }
  return lastBaseOk;
}

export function resolveUrl(href: string, base?: string | null): string | undefined {
  if (!href) return undefined;
  const c = href.charCodeAt(0);
  if (c === 0x68 /* h */ && CANONICAL.test(href)) return rewritten(href) ? undefined : href;
  if (!base || !plainBase(base)) return undefined;
  if (!PATH.test(href) || rewritten(href) || href.startsWith("//")) return undefined;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(href)) return undefined; // a scheme ("mailto:", "javascript:")
  const authorityEnd = base.indexOf("/", base.indexOf("//") + 2);
  if (c === 0x2f /* / */) return base.slice(0, authorityEnd) + href;
  // relative to the base's directory (query and fragment of the base dropped)
  let end = base.length;
  const query = base.indexOf("?", authorityEnd);
  if (query !== -1) end = query;
  const hash = base.indexOf("#", authorityEnd);
  if (hash !== -1 && hash < end) end = hash;
  if (c === 0x3f /* ? */) return base.slice(0, end) + href;
  if (c === 0x23 /* # */) return base.slice(0, hash === -1 ? base.length : hash) + href;
  return base.slice(0, base.lastIndexOf("/", end - 1) + 1) + href;
}
