import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Catalogue = { [key: string]: string | Catalogue };

function load(lang: string): Catalogue {
  return JSON.parse(readFileSync(new URL(`./${lang}.json`, import.meta.url), "utf8")) as Catalogue;
}

/** Every leaf as "a.b.c" → value. */
function flatten(c: Catalogue, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object") for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const fr = flatten(load("fr"));
const en = flatten(load("en"));

describe("web UI catalogues", () => {
  it("have exactly the same keys in French and English", () => {
    expect([...en.keys()].sort()).toEqual([...fr.keys()].sort());
  });

  it("have no empty or non-string values", () => {
    for (const [lang, catalogue] of [
      ["fr", fr],
      ["en", en],
    ] as const) {
      const bad = [...catalogue].filter(([, v]) => typeof v !== "string" || !v.trim()).map(([k]) => `${lang}:${k}`);
      expect(bad).toEqual([]);
    }
  });

  it("use the same {{placeholders}} in both languages", () => {
    const vars = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const mismatched = [...fr.keys()].filter((k) => vars(fr.get(k)).join() !== vars(en.get(k)).join());
    expect(mismatched).toEqual([]);
  });
});
