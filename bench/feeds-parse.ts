// Feed parse benchmark (npm run bench:feeds-parse): throughput of parseFeed (charset detection + Relais' XML
// reader + normalisation + Relais' HTML sanitizer, src/modules/veille/feed/) against rss-parser 3.13 in the
// same process, on the same inputs:
//  - the fixture corpus (test/fixtures/feeds, XML files only: rss-parser reads no JSON Feed), parsed in a loop;
//  - a generated WordPress-like feed (1,000 items, content:encoded ~2 KB of HTML with links and images);
//  - a generated headlines feed (5,000 items with one-line descriptions, like a news agency wire).
// Each case is warmed up, then run for at least --seconds (default 3) per parser, alternating parsers in
// rounds so that load from other processes hits both alike. MB/s counts input bytes, items/s parsed items.
// Options: --seconds=N, --case=corpus|wordpress|headlines.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import RssParser from "rss-parser";
import { parseFeed } from "../src/modules/veille/feed/parse.js";
import { readXml } from "../src/modules/veille/feed/xml.js";
import { CORPUS } from "../test/veille/feed-corpus.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SECONDS = Number(option("seconds") ?? 3);
const ONLY = option("case");

interface Input {
  bytes: Buffer;
  text: string;
  /** The text as UTF-8, for the reader-alone row. */
  utf8?: Buffer;
  url?: string;
  contentType?: string;
}

function corpus(): Input[] {
  const dir = path.resolve(import.meta.dirname, "../test/fixtures/feeds");
  return CORPUS.filter((c) => c.file.endsWith(".xml")).map((c) => {
    const bytes = fs.readFileSync(path.join(dir, c.file));
    // rss-parser gets a string: decoded by our own decoder so that it is not penalised on encodings.
    const text = parseText(bytes, c.contentType);
    return { bytes, text, url: c.url, contentType: c.contentType };
  });
}

function parseText(bytes: Buffer, contentType?: string): string {
  // Re-using the charset module through a dynamic import would be fairer still; UTF-16 files are the only
  // ones Node cannot decode as latin1/utf8 sensibly, and xml2js needs a JS string anyway.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  return bytes.toString(/charset=utf-8/i.test(contentType ?? "") || bytes.includes("UTF-8") ? "utf8" : "latin1");
}

const PARAGRAPHS = [
  "Les réseaux sociaux ont changé la façon dont les marques parlent à leurs communautés : l’écoute passe avant la prise de parole.",
  "Selon une étude publiée mardi, 62 % des community managers consacrent plus d’une heure par jour à la veille.",
  "« Nous avons réduit de moitié le temps passé à préparer la revue de presse », explique la responsable de la communication.",
  "Le calendrier éditorial reste l’outil central : il aligne les temps forts, les campagnes et les publications récurrentes.",
];

function wordpress(items: number): Input {
  const parts: string[] = [];
  for (let i = 0; i < items; i++) {
    const body = [
      `<p>${PARAGRAPHS[i % 4]} <a href="/article/${i}/suite">Lire la suite</a>.</p>`,
      `<h2 class="wp-block-heading">Partie ${i}</h2>`,
      `<p style="margin:0">${PARAGRAPHS[(i + 1) % 4]} <strong>${PARAGRAPHS[(i + 2) % 4]}</strong></p>`,
      `<figure class="wp-block-image size-large"><img decoding="async" loading="lazy" src="/wp-content/uploads/2026/11/image-${i}.jpg" alt="Illustration ${i}" width="1024" height="576" srcset="/wp-content/uploads/2026/11/image-${i}-300x169.jpg 300w" /></figure>`,
      `<ul><li>${PARAGRAPHS[(i + 3) % 4]}</li><li>Point n°${i} &amp; suivants</li></ul>`,
      `<p>${PARAGRAPHS[i % 4]} ${PARAGRAPHS[(i + 1) % 4]}</p>`,
    ].join("\n");
    parts.push(`<item>
<title>Article n°${i} : veille &amp; curation, mode d’emploi</title>
<link>https://blog.example.fr/2026/11/${i}/article/</link>
<dc:creator><![CDATA[Camille Lefèvre]]></dc:creator>
<pubDate>Sat, 21 Nov 2026 10:${String(i % 60).padStart(2, "0")}:00 +0100</pubDate>
<category><![CDATA[Veille]]></category><category><![CDATA[Réseaux sociaux]]></category>
<guid isPermaLink="false">https://blog.example.fr/?p=${i}</guid>
<description><![CDATA[${PARAGRAPHS[i % 4]} [&#8230;]]]></description>
<content:encoded><![CDATA[${body}]]></content:encoded>
<media:content url="https://blog.example.fr/wp-content/uploads/2026/11/image-${i}.jpg" medium="image" />
</item>`);
  }
  const text = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Blog de veille</title><link>https://blog.example.fr</link><description>Veille</description><language>fr-FR</language>
${parts.join("\n")}
</channel></rss>`;
  return { bytes: Buffer.from(text), text, url: "https://blog.example.fr/feed/" };
}

function headlines(items: number): Input {
  const parts: string[] = [];
  for (let i = 0; i < items; i++)
    parts.push(
      `<item><title>Dépêche ${i} : ${PARAGRAPHS[i % 4]?.slice(0, 60)}</title><link>https://agence.example/depeche/${i}</link><guid>https://agence.example/depeche/${i}</guid><pubDate>Sat, 21 Nov 2026 09:${String(i % 60).padStart(2, "0")}:00 GMT</pubDate><description>${PARAGRAPHS[(i + 1) % 4]}</description></item>`,
    );
  const text = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fil</title><link>https://agence.example/</link><description>Dépêches</description>${parts.join("\n")}</channel></rss>`;
  return { bytes: Buffer.from(text), text, url: "https://agence.example/rss" };
}

interface Result {
  seconds: number;
  runs: number;
  bytes: number;
  items: number;
  failures: number;
}

async function measure(inputs: Input[], run: (input: Input) => Promise<number> | number): Promise<Result> {
  const r: Result = { seconds: 0, runs: 0, bytes: 0, items: 0, failures: 0 };
  const started = performance.now();
  while ((performance.now() - started) / 1000 < 0.25) {
    // bounded slices, so that the two parsers alternate
    for (const input of inputs) {
      try {
        r.items += await run(input);
      } catch {
        r.failures++;
      }
      r.bytes += input.bytes.length;
    }
    r.runs++;
  }
  r.seconds = (performance.now() - started) / 1000;
  return r;
}

function add(a: Result, b: Result): Result {
  return {
    seconds: a.seconds + b.seconds,
    runs: a.runs + b.runs,
    bytes: a.bytes + b.bytes,
    items: a.items + b.items,
    failures: a.failures + b.failures,
  };
}

const rss = new RssParser();
const ours = (i: Input) => parseFeed(i.bytes, { url: i.url, contentType: i.contentType }).items.length;
const theirs = async (i: Input) => (await rss.parseString(i.text)).items.length;
// Relais' XML reader alone on the UTF-8 text (no charset detection, no normalisation, no sanitizing): the part
// of parseFeed that reads the document.
const readerOnly = (i: Input) => {
  i.utf8 ??= Buffer.from(i.text);
  const atom = /<(\w+:)?feed[\s>]/.test(i.text.slice(0, 2000));
  const root = readXml(i.utf8, atom ? "atom" : "rss").root;
  const parent = atom ? root : (root?.children.find((c) => c.name === "channel") ?? root);
  return parent ? parent.children.filter((c) => c.name === (atom ? "entry" : "item")).length : 0;
};

async function bench(name: string, inputs: Input[]) {
  for (let k = 0; k < 3; k++) {
    await measure(inputs, ours);
    await measure(inputs, theirs);
  }
  let a: Result = { seconds: 0, runs: 0, bytes: 0, items: 0, failures: 0 };
  let b: Result = { ...a };
  let c: Result = { ...a };
  while (a.seconds < SECONDS || b.seconds < SECONDS) {
    a = add(a, await measure(inputs, ours));
    b = add(b, await measure(inputs, theirs));
    c = add(c, await measure(inputs, readerOnly));
  }
  const row = (label: string, r: Result) => {
    const mbs = r.bytes / 1024 / 1024 / r.seconds;
    const ips = r.items / r.seconds;
    return { label, mbs, ips, failures: r.failures / Math.max(1, r.runs) };
  };
  const x = row("relais parseFeed", a);
  const y = row("rss-parser 3.13", b);
  const z = row("(Relais XML reader alone, for reference)", c);
  const size = inputs.reduce((s, i) => s + i.bytes.length, 0);
  console.log(`\n### ${name} (${inputs.length} file(s), ${(size / 1024).toFixed(0)} KiB per pass)`);
  console.log("| parser | MB/s | items/s | failed files per pass |");
  console.log("|---|---:|---:|---:|");
  for (const r of [x, y, z])
    console.log(`| ${r.label} | ${r.mbs.toFixed(1)} | ${Math.round(r.ips).toLocaleString("en")} | ${r.failures} |`);
  console.log(`ratio relais / rss-parser (MB/s): ${(x.mbs / y.mbs).toFixed(2)}×`);
}

console.log(
  `feeds-parse benchmark — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
if (!ONLY || ONLY === "corpus") await bench("Corpus (XML fixtures)", corpus());
if (!ONLY || ONLY === "wordpress") await bench("WordPress-like, 1,000 items with ~2 KB HTML each", [wordpress(1000)]);
if (!ONLY || ONLY === "headlines") await bench("Headlines, 5,000 short items", [headlines(5000)]);
