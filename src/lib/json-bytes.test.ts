import { describe, expect, it } from "vitest";
import { jsonBytesWithArray } from "./json-bytes.js";

describe("jsonBytesWithArray", () => {
  it("gives the bytes of JSON.stringify, the array moved last, with accents, emoji and escapes", () => {
    const value = {
      entries: [
        { excerpt: "Coulisses de l’équipe — 🥐👩🏽‍🍳 « fête »", n: 1, none: null, gone: undefined },
        'ligne\nsuivante "citée" \\ \u2028',
        undefined,
        [1, 2],
      ],
      timezone: "Europe/Paris",
      from: "2026-03-01T00:00:00.000Z",
    };
    const bytes = jsonBytesWithArray(value, "entries");
    const { entries, ...rest } = value;
    expect(bytes.toString("utf8")).toBe(JSON.stringify({ ...rest, entries }));
    expect(JSON.parse(bytes.toString("utf8")).entries[0].excerpt).toBe("Coulisses de l’équipe — 🥐👩🏽‍🍳 « fête »");
  });

  it("handles an empty array and an object with nothing else", () => {
    expect(jsonBytesWithArray({ entries: [] }, "entries").toString()).toBe('{"entries":[]}');
    expect(jsonBytesWithArray({ a: 1, entries: [] as number[] }, "entries").toString()).toBe('{"a":1,"entries":[]}');
  });

  it("refuses a key that is not an array", () => {
    expect(() => jsonBytesWithArray({ entries: "x" }, "entries")).toThrow(TypeError);
  });
});
