import fs from "node:fs";
import type { Command } from "commander";

/**
 * `relais feeds parse FILE_OR_URL [--json] [--url BASE_URL] [--content-type TYPE]`: the feed core on one
 * document, without a database. Prints the normalized feed (docs/FEEDS.md); exit 0 whenever something could
 * be read, even from a malformed feed; otherwise exit 1 with one line on stderr (main.ts prints it).
 * A URL is fetched with the safe HTTP client (RELAIS_ALLOW_PRIVATE_NETWORK lifts its guard, as for the server).
 */
export function registerFeedsCommand(program: Command): void {
  const feeds = program.command("feeds").description("Feed tools: parse an RSS, Atom or JSON feed");
  feeds
    .command("parse")
    .description("Parse a feed file or URL and print it normalized (JSON with --json)")
    .argument("<file-or-url>", "a feed file, or an http(s) URL to fetch")
    .option("--json", "print the normalized feed as JSON", false)
    .option("--url <base-url>", "the feed's URL, the base for relative links (a file has none otherwise)")
    .option("--content-type <type>", 'the HTTP Content-Type to assume, e.g. "text/xml; charset=ISO-8859-1"')
    .action(async (source: string, opts: { json: boolean; url?: string; contentType?: string }) => {
      const { FeedParseError, parseFeed, fetchFeed } = await import("../modules/veille/feed/index.js");
      const notAFeed = (message: string, feeds?: { url: string }[]) =>
        feeds?.length ? `${message}; feeds on this page: ${feeds.map((f) => f.url).join(", ")}` : message;
      let feed: import("../modules/veille/feed/types.js").NormalizedFeed;
      if (/^https?:\/\//i.test(source)) {
        const { loadConfig } = await import("../config.js");
        const { httpClientFor } = await import("../lib/http-client.js");
        const http = httpClientFor(loadConfig());
        const result = await fetchFeed(http, source);
        await http.close();
        if (result.status === "not_modified") throw new Error("The server answered 304 Not Modified");
        if (result.status === "gone") throw new Error("The feed is gone (HTTP 410)");
        if (result.status === "error") {
          throw new Error(notAFeed(result.error.detail, result.error.feeds));
        }
        feed = result.feed;
      } else {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(source);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new Error(
            code === "ENOENT" ? `No such file: ${source}` : `Cannot read ${source}: ${(err as Error).message}`,
          );
        }
        try {
          feed = parseFeed(bytes, { url: opts.url, contentType: opts.contentType });
        } catch (err) {
          if (err instanceof FeedParseError) throw new Error(notAFeed(err.message, err.details.feeds));
          throw err;
        }
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(feed, null, 2)}\n`);
        return;
      }
      const lines = [
        `${feed.title ?? "(untitled)"} — ${feed.format}, ${feed.items.length} item(s)${feed.language ? `, ${feed.language}` : ""}`,
        ...(feed.link ? [feed.link] : []),
        ...feed.items.map(
          (i) =>
            `- ${i.published?.slice(0, 10) ?? "          "} ${i.title ?? "(untitled)"}${i.link ? ` <${i.link}>` : ""}`,
        ),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
