import { Parser } from "htmlparser2";

/**
 * Feed autodiscovery on an HTML page: `<link rel="alternate">` with a feed type (RSS, Atom, RDF, JSON Feed),
 * resolved against `<base href>` then the page URL; plus the usual paths (WordPress, Hugo, Jekyll, Ghost,
 * Blogger, Drupal…) for the caller to try in order when the page declares nothing.
 */

export type DiscoveredType = "rss" | "atom" | "json" | "rdf";

export interface DiscoveredFeed {
  url: string;
  title: string | null;
  type: DiscoveredType;
}

export interface Discovery {
  /** Feeds the page declares, in page order, deduplicated. */
  links: DiscoveredFeed[];
  /** Usual feed locations on the site, in the order to try them (absolute URLs). */
  candidates: string[];
}

const TYPES: Record<string, DiscoveredType> = {
  "application/rss+xml": "rss",
  "application/atom+xml": "atom",
  "application/rdf+xml": "rdf",
  "application/feed+json": "json",
  "application/json": "json",
  "application/x.atom+xml": "atom",
  "application/x-atom+xml": "atom",
  "text/xml": "rss",
  "application/xml": "rss",
};

const USUAL_PATHS = [
  "/feed",
  "/rss",
  "/feed.xml",
  "/atom.xml",
  "/rss.xml",
  "/index.xml",
  "/feed.json",
  "/feed/atom",
  "/?feed=rss2",
];

export function candidateFeedUrls(pageUrl: string): string[] {
  let origin: string;
  try {
    origin = new URL(pageUrl).origin;
  } catch {
    return [];
  }
  const out = USUAL_PATHS.map((p) => `${origin}${p}`);
  // A page below the root (a blog at /blog/) also gets the paths under its own directory first.
  try {
    const u = new URL(pageUrl);
    const dir = u.pathname.replace(/[^/]*$/, "");
    if (dir && dir !== "/") {
      const base = `${origin}${dir.replace(/\/$/, "")}`;
      return [...USUAL_PATHS.slice(0, 7).map((p) => `${base}${p}`), ...out];
    }
  } catch {}
  return out;
}

export function discoverFeeds(html: string, baseUrl: string): Discovery {
  const found: DiscoveredFeed[] = [];
  let base = baseUrl;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (done) return;
        if (name === "base" && a.href) {
          try {
            base = new URL(a.href, baseUrl).toString();
          } catch {}
          return;
        }
        if (name === "body") {
          // Feeds are declared in <head>; some themes put them in the body too, keep reading links only.
          return;
        }
        if (name !== "link") return;
        const rel = (a.rel ?? "").toLowerCase().split(/\s+/);
        if (!rel.includes("alternate") && !rel.includes("feed")) return;
        const type = TYPES[(a.type ?? "").toLowerCase().split(";")[0]?.trim() ?? ""];
        if (!type || !a.href) return;
        // application/json on an alternate link is often an oEmbed or API link: only when titled like a feed.
        if ((a.type ?? "").toLowerCase().startsWith("application/json") && !/feed|flux|rss/i.test(a.title ?? ""))
          return;
        if (rel.includes("alternate") && /comments?|commentaires?/i.test(a.title ?? "") && found.length) return;
        let url: string;
        try {
          url = new URL(a.href.trim(), base).toString();
        } catch {
          return;
        }
        if (!/^https?:/.test(url) || found.some((f) => f.url === url)) return;
        found.push({ url, title: a.title?.trim() || null, type });
      },
      onclosetag(name) {
        if (name === "html") done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { links: found, candidates: candidateFeedUrls(baseUrl) };
}
