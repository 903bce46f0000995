import { describe, expect, it } from "vitest";
import { instantToLocal } from "../scheduler/local-time.js";
import { excerpt, localClock } from "./calendar.service.js";
import { guardCell } from "./csv.service.js";
import { parseCsv, parseDate, parseTime, validateRow } from "./csv-import.js";
import { escapeText, foldLine, icalDate, renderCalendar } from "./ical.js";
import { nextOccurrence, normaliseRule, occurrencesBetween } from "./recurrence.js";
import { dedupeSlots, firstFreeSlot, isoWeekday } from "./slots.js";

const PARIS = "Europe/Paris";

describe("recurrence (RRULE on the wall clock)", () => {
  it("keeps a weekly 09:00 post at 09:00 Paris time across both DST changes", () => {
    const spring = occurrencesBetween(
      "FREQ=WEEKLY;BYDAY=SU",
      "2027-03-14T09:00",
      PARIS,
      new Date("2027-03-20T00:00Z"),
      new Date("2027-04-05T00:00Z"),
    );
    expect(spring.map((o) => [o.local, o.instant.toISOString()])).toEqual([
      ["2027-03-21T09:00", "2027-03-21T08:00:00.000Z"], // CET, UTC+1
      ["2027-03-28T09:00", "2027-03-28T07:00:00.000Z"], // DST day: CEST, UTC+2
      ["2027-04-04T09:00", "2027-04-04T07:00:00.000Z"],
    ]);
    const autumn = occurrencesBetween(
      "FREQ=WEEKLY;BYDAY=SU",
      "2027-10-17T09:00",
      PARIS,
      new Date("2027-10-20T00:00Z"),
      new Date("2027-11-08T00:00Z"),
    );
    expect(autumn.map((o) => o.instant.toISOString())).toEqual([
      "2027-10-24T07:00:00.000Z",
      "2027-10-31T08:00:00.000Z", // back to CET on the last Sunday of October
      "2027-11-07T08:00:00.000Z",
    ]);
  });

  it("moves an occurrence inside the spring-forward gap past the jump, and finds the next one", () => {
    const occ = occurrencesBetween(
      "FREQ=DAILY",
      "2027-03-27T02:30",
      PARIS,
      new Date("2027-03-27T12:00Z"),
      new Date("2027-03-29T12:00Z"),
    );
    expect(occ.map((o) => o.instant.toISOString())).toEqual(["2027-03-28T01:30:00.000Z", "2027-03-29T00:30:00.000Z"]);
    expect(nextOccurrence("FREQ=WEEKLY;COUNT=2", "2027-01-04T10:00", PARIS, new Date("2027-01-04T09:00Z"))?.local).toBe(
      "2027-01-11T10:00",
    );
    expect(nextOccurrence("FREQ=WEEKLY;COUNT=2", "2027-01-04T10:00", PARIS, new Date("2027-01-11T09:00Z"))).toBeNull();
  });

  it("accepts daily to yearly rules and refuses the rest", () => {
    expect(normaliseRule("RRULE:FREQ=MONTHLY;BYDAY=-1FR")).toEqual({ rule: "FREQ=MONTHLY;BYDAY=-1FR" });
    expect(normaliseRule("FREQ=HOURLY")).toEqual({ problem: "frequency" });
    expect(normaliseRule("FREQ=DAILY;BYHOUR=9")).toEqual({ problem: "time_parts" });
    expect(normaliseRule("DTSTART:20270101T000000Z;FREQ=DAILY")).toEqual({ problem: "dtstart" });
    expect(normaliseRule("n'importe quoi")).toEqual({ problem: "syntax" });
    expect(normaliseRule("FREQ=DAILY\nFREQ=WEEKLY")).toEqual({ problem: "syntax" });
  });
});

describe("posting slots", () => {
  it("dedupes and sorts, with ISO weekdays", () => {
    expect(isoWeekday("2027-03-28")).toBe(7);
    expect(isoWeekday("2027-03-29")).toBe(1);
    expect(
      dedupeSlots([
        { weekday: 3, time: "18:00" },
        { weekday: 1, time: "09:00" },
        { weekday: 3, time: "18:00" },
      ]),
    ).toEqual([
      { weekday: 1, time: "09:00" },
      { weekday: 3, time: "18:00" },
    ]);
  });

  it("finds the next free slot as a wall-clock time across the spring DST change", () => {
    const slots = [{ weekday: 7, time: "09:00" }];
    // Saturday 27 March 2027 (CET): the next Sunday 09:00 is already CEST.
    const free = firstFreeSlot(slots, PARIS, new Date("2027-03-27T12:00Z"), new Set());
    expect(free).toEqual({ local: "2027-03-28T09:00", instant: new Date("2027-03-28T07:00Z") });
    const taken = new Set([new Date("2027-03-28T07:00Z").getTime()]);
    expect(firstFreeSlot(slots, PARIS, new Date("2027-03-27T12:00Z"), taken)?.local).toBe("2027-04-04T09:00");
  });

  it("skips a slot that does not exist that day and takes the first of a repeated hour", () => {
    const gap = firstFreeSlot([{ weekday: 7, time: "02:30" }], PARIS, new Date("2027-03-27T12:00Z"), new Set());
    expect(gap?.local).toBe("2027-04-04T02:30");
    const overlap = firstFreeSlot([{ weekday: 7, time: "02:30" }], PARIS, new Date("2027-10-30T12:00Z"), new Set());
    expect(overlap).toEqual({ local: "2027-10-31T02:30", instant: new Date("2027-10-31T00:30Z") });
  });

  it("returns null without slots", () => {
    expect(firstFreeSlot([], PARIS, new Date(), new Set())).toBeNull();
  });
});

describe("iCalendar writer", () => {
  it("escapes TEXT values", () => {
    expect(escapeText("a,b;c\\d\nnouvelle ligne\r\nfin")).toBe("a\\,b\\;c\\\\d\\nnouvelle ligne\\nfin");
  });

  it("folds at 75 octets without splitting a UTF-8 character", () => {
    const line = `SUMMARY:${"é🎉".repeat(40)}`;
    const folded = foldLine(line);
    const pieces = folded.split("\r\n");
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(75);
    expect(pieces.slice(1).every((p) => p.startsWith(" "))).toBe(true);
    expect(pieces.map((p, i) => (i ? p.slice(1) : p)).join("")).toBe(line);
    expect(folded).not.toContain("\uFFFD");
  });

  it("writes UTC date-times and a complete calendar", () => {
    expect(icalDate(new Date("2027-03-28T07:00:00.000Z"))).toBe("20270328T070000Z");
    const text = renderCalendar("Relais — Café", [
      {
        uid: "x@relais",
        start: new Date("2027-03-28T07:00Z"),
        durationMinutes: 15,
        stamp: new Date("2027-03-01T00:00Z"),
        summary: "Mastodon · Bonjour",
        description: "l1\nl2",
        url: "https://exemple.fr/p/1",
      },
    ]);
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text).toContain("DTSTART:20270328T070000Z\r\n");
    expect(text).toContain("DESCRIPTION:l1\\nl2\r\n");
  });
});

describe("CSV helpers", () => {
  it("parses French and ISO dates and times", () => {
    expect(parseDate("28/03/2027")).toBe("2027-03-28");
    expect(parseDate("2027-3-8")).toBe("2027-03-08");
    expect(parseDate("31/02/2027")).toBeNull();
    expect(parseDate("demain")).toBeNull();
    expect(parseTime("9h30")).toBe("09:30");
    expect(parseTime("9h")).toBe("09:00");
    expect(parseTime("24:00")).toBeNull();
  });

  it("reads a BOM, a header in French, ; separators and quoted multi-line cells", () => {
    const csv =
      '\uFEFFDate;Heure;Comptes;Texte\r\n2027-05-04;09:00;@cafe;"Ligne 1\nLigne 2 ; avec point-virgule 😀"\r\n2027-05-05;10:00;@cafe;Été\r\n';
    const { records } = parseCsv(csv);
    expect(records).toHaveLength(2);
    expect(records[0]?.cells.text).toBe("Ligne 1\nLigne 2 ; avec point-virgule 😀");
    expect(records[0]?.line).toBe(2);
    expect(records[1]?.line).toBe(4);
    expect(records[1]?.cells.text).toBe("Été");
  });

  it("guards cells against formula injection and the import undoes the guard", () => {
    expect(guardCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(guardCell("+33 6")).toBe("'+33 6");
    expect(guardCell("-1")).toBe("'-1");
    expect(guardCell("@cafe")).toBe("'@cafe");
    expect(guardCell("Bonjour")).toBe("Bonjour");
    const { records } = parseCsv("date,time,accounts,text\n2027-05-04,09:00,'@cafe,'=1+1\n");
    expect(records[0]?.cells.accounts).toBe("@cafe");
    expect(records[0]?.cells.text).toBe("=1+1");
  });

  it("reports a DST gap, an ambiguous time and an over-long text per network, in French", () => {
    const accounts = [{ id: "a1", network: "bluesky", display_name: "Café Bleu", handle: "@cafe.bsky.social" }];
    const ctx = { tz: PARIS, locale: "fr" as const, accounts, now: new Date("2027-01-01T00:00Z") };
    const row = (date: string, time: string, text = "Bonjour") =>
      validateRow({ line: 2, cells: { date, time, accounts: "Café Bleu", text, link: "", media: "", tags: "" } }, ctx)
        .report;
    expect(row("2027-03-28", "02:30").errors[0]).toMatchObject({ column: "time", code: "time_nonexistent" });
    expect(row("2027-10-31", "02:30").errors[0]).toMatchObject({ column: "time", code: "time_ambiguous" });
    const long = row("2027-05-04", "09:00", "é".repeat(301));
    expect(long.errors[0]).toMatchObject({ column: "text", code: "network_check" });
    expect(long.errors[0]?.message).toContain("Bluesky");
    expect(long.errors[0]?.message).toContain("301/300");
    expect(row("2027-05-04", "09:00").ok).toBe(true);
  });

  it("checks a Mastodon row against the account's instance limits, not the network's default 500", () => {
    const text = `Programme du festival 🎬 ${"é".repeat(570)}`; // 594 characters
    const report = (limits: unknown) =>
      validateRow(
        {
          line: 2,
          cells: { date: "2027-05-04", time: "09:00", accounts: "Piaille", text, link: "", media: "", tags: "" },
        },
        {
          tz: PARIS,
          locale: "fr",
          now: new Date("2027-01-01T00:00Z"),
          accounts: [
            { id: "m1", network: "mastodon", display_name: "Piaille", handle: "@festival@piaille.fr", limits },
          ],
        },
      ).report;
    expect(report({ maxCharacters: 1000 }).ok).toBe(true);
    expect(report(null).errors[0]?.message).toContain("594/500");
    expect(report({ maxCharacters: 300 }).errors[0]?.message).toContain("594/300");
  });
});

describe("calendar excerpt", () => {
  // The reference: flatten the whole text, then cut on code points.
  const reference = (text: string, max: number) => {
    const chars = Array.from(text.replace(/\s+/g, " ").trim());
    return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
  };
  it("cuts long texts exactly as flattening the whole text would (emoji, accents, whitespace runs)", () => {
    const pieces = ["été ", "👍🏽", "\n\n\t", "👨‍👩‍👧", "Ça va ? ", " ".repeat(300), "x"];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let n = 0; n < 500; n++) {
      let text = "";
      const parts = Math.floor(rand() * 400);
      for (let i = 0; i < parts; i++) text += pieces[Math.floor(rand() * pieces.length)];
      for (const max of [1, 2, 10, 140]) expect(excerpt(text, max)).toBe(reference(text, max));
    }
  });
  it("keeps a short text whole, on one line", () => {
    expect(excerpt("  Bonjour\n\nà tous 👋🏼  ")).toBe("Bonjour à tous 👋🏼");
  });
});

describe("localClock (month views: per-day zone offsets kept across requests)", () => {
  it("gives the same wall clock as instantToLocal every 7 minutes around DST changes, in several zones", () => {
    const zones = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"];
    const windows = [
      ["2026-03-27T00:00Z", "2026-04-07T00:00Z"], // Europe and Lord Howe (April) change
      ["2026-10-23T00:00Z", "2026-11-03T00:00Z"],
      ["2026-03-06T00:00Z", "2026-03-10T00:00Z"], // United States
    ];
    for (const tz of zones) {
      // Twice over: the second pass reads the offsets the first one kept.
      for (let pass = 0; pass < 2; pass++) {
        const clock = localClock(tz);
        for (const [from, to] of windows) {
          for (let ms = Date.parse(from as string); ms < Date.parse(to as string); ms += 7 * 60_000) {
            const at = new Date(ms);
            expect(clock.local(at), `${tz} ${at.toISOString()}`).toBe(instantToLocal(at, tz));
          }
        }
      }
    }
  });
});
