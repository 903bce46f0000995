import { describe, expect, it } from "vitest";
import { queryProblem } from "../../src/modules/veille/alerts/alerts.messages.js";
import {
  checkQuery,
  excerpt,
  type MatchableItem,
  matches,
  parseQuery,
  prepareItem,
  QueryError,
  toNetworkSearches,
} from "../../src/modules/veille/alerts/query.js";

const item = (text: string, extra: Partial<MatchableItem> = {}): MatchableItem => ({
  title: "",
  text,
  source: "",
  language: null,
  ...extra,
});
const m = (q: string, it: MatchableItem | string) => matches(parseQuery(q), typeof it === "string" ? item(it) : it);

describe("matching: words, accents, case, boundaries", () => {
  const cases: Array<[string, string, boolean]> = [
    ["église", "L'Eglise Saint-Jean rouvre", true],
    ["Eglise", "une église romane", true],
    ["ÉGLISE", "une eglise romane", true],
    ["Orange", "Orange lance une offre", true],
    ["Orange", "une orangeade bien fraîche", false],
    ["Orange", "les oranges de Valence", false],
    ["orange*", "une orangeade bien fraîche", true],
    ["orange", "l'offre d'Orange déçoit", true],
    ["l'Oréal", "L'OREAL publie ses résultats", true],
    ["l’Oréal", "L'Oréal publie ses résultats", true],
    ["Oréal", "L’Oréal Paris", true],
    ['"L\'Oréal Paris"', "chez L’Oréal — Paris, hier", true],
    ['"L\'Oréal Paris"', "L'Oréal à Paris", false],
    ["Saint-Étienne", "match à Saint Etienne ce soir", true],
    ["saint-etienne", "l'AS SAINT-ÉTIENNE gagne", true],
    ["saint-etienne", "Saint-Denis et Étienne", false],
    ["covid-19", "la COVID 19 recule", true],
    ["cœur", "un coeur gros comme ça", true],
    ["coeur", "Sacré-Cœur", true],
    ["straße", "Hauptstrasse 12", false],
    ["strasse", "die Straße", true],
    ['"crédit agricole"', "Crédit-Agricole, Crédit Mutuel", true],
    ['"crédit agricole"', "Crédit Mutuel et agricole", false],
    ["🍊", "Promo 🍊 ce week-end", true],
    ["🍊", "Promo 🍋 ce week-end", false],
    ["café", "Le CAFE\u0301 de la gare", true],
    ["noël", "Joyeux NOEL 🎄 à tous", true],
    ["a", "Relais à Lyon", true],
    ["Relais", "relais-château", true],
    ["été", "Été 2026 : programme", true],
    ["ete", "«été» chaud", true],
  ];
  for (const [q, text, want] of cases) {
    it(`${q} ${want ? "matches" : "does not match"} « ${text} »`, () => {
      expect(m(q, text)).toBe(want);
    });
  }
});

describe("operators and precedence", () => {
  const cases: Array<[string, string, boolean]> = [
    ["velo lyon", "vélo à Lyon", true],
    ["velo lyon", "vélo à Paris", false],
    ["velo AND lyon", "Lyon en vélo", true],
    ["velo ET lyon", "Lyon en vélo", true],
    ["velo OR trottinette", "trottinette électrique", true],
    ["velo OU trottinette", "trottinette électrique", true],
    ["velo ou trottinette", "trottinette électrique", false], // lower-case « ou » is a word
    ["velo NOT electrique", "vélo électrique", false],
    ["velo SAUF electrique", "vélo musculaire", true],
    ["velo -electrique", "vélo électrique", false],
    ["velo -electrique", "vélo de course", true],
    // AND binds tighter than OR: (a AND b) OR c
    ["a b OR c", "c seul", true],
    ["a b OR c", "a seul", false],
    ["a (b OR c)", "c seul", false],
    ["a (b OR c)", "a et c", true],
    ["a OR b c", "a seul", true],
    ["a OR b AND c", "b seul", false],
    ["a OR b AND c", "b et c", true],
    // NOT binds tighter than AND
    ["NOT a b", "b seul", true],
    ["NOT a b", "a et b", false],
    ["NOT (a OR b) c", "c et b", false],
    ["NOT (a OR b) c", "c seul", true],
    ["-(a b) c", "a c", true],
    ["-(a b) c", "a b c", false],
    ["NOT NOT a", "a", true],
    ["((a))", "a", true],
    ["x OR y OR z", "z", true],
    ["Crédit - Agricole", "Crédit Agricole", true], // a lone dash is punctuation, not NOT
  ];
  for (const [q, text, want] of cases) {
    it(`${q} ${want ? "matches" : "does not match"} « ${text} »`, () => {
      expect(m(q, text)).toBe(want);
    });
  }
});

describe("fields and language", () => {
  const article: MatchableItem = {
    title: "Orange augmente ses prix",
    text: "L'opérateur annonce une hausse. Free réagit.",
    source: "Le Monde — www.lemonde.fr",
    language: "fr-FR",
  };
  const cases: Array<[string, boolean]> = [
    ["title:orange", true],
    ["titre:orange", true],
    ["title:free", false],
    ["free", true],
    ['title:"augmente ses prix"', true],
    ["title:“ses prix”", true],
    ["source:lemonde.fr", true],
    ['source:"le monde" orange', true],
    ["source:figaro", false],
    ["orange lang:fr", true],
    ["orange langue:FR", true],
    ["orange lang:en", false],
    ["orange (lang:en OR lang:fr)", true],
    ["orange -source:lemonde.fr", false],
  ];
  for (const [q, want] of cases) {
    it(`${q} → ${want}`, () => expect(m(q, article)).toBe(want));
  }
  it("an item without language never matches lang:", () => {
    expect(m("orange lang:fr", { ...article, language: null })).toBe(false);
  });
  it("urls and times are words, not fields", () => {
    expect(m("https://exemple.fr/page", "voir https://exemple.fr/page demain")).toBe(true);
    expect(m("12:30", "rendez-vous à 12h30")).toBe(false);
    expect(m("12:30", "rendez-vous à 12:30")).toBe(true);
  });
});

describe("parse errors: code, position, translated", () => {
  const cases: Array<[string, string, number]> = [
    ["", "empty", 1],
    ["   ", "empty", 1],
    ["&& —", "empty", 1],
    ['orange "prix', "unclosed_quote", 8],
    ["orange «prix", "unclosed_quote", 8],
    ["(orange OR free", "unclosed_paren", 1],
    ["orange)", "unexpected_paren", 7],
    ["orange OR", "expected_term", 10],
    ["orange AND OR free", "expected_term", 12],
    ["OR orange", "expected_term", 1],
    ["orange NOT", "expected_term", 11],
    ["()", "expected_term", 2],
    ["a (b OR) c", "expected_term", 8],
    ["auteur:dupont", "unknown_field", 1],
    ["orange title:", "empty_value", 8],
    ["orange lang:français", "bad_language", 8],
    ["-orange", "only_exclusions", 1],
    ["NOT orange lang:fr", "only_exclusions", 1],
    ["lang:fr", "only_exclusions", 1],
    ["a OR -b", "only_exclusions", 1],
  ];
  for (const [q, code, pos] of cases) {
    it(`« ${q} » → ${code} at ${pos}`, () => {
      const err = checkQuery(q);
      expect(err).toBeInstanceOf(QueryError);
      expect({ code: err?.code, position: err?.position }).toEqual({ code, position: pos });
      expect(queryProblem("fr", err!)).not.toMatch(/\{|\}/);
      expect(queryProblem("en", err!)).not.toMatch(/\{|\}/);
    });
  }
  it("positions count characters, not UTF-16 units (emoji before the error)", () => {
    const err = checkQuery("🍊🍊 (promo");
    expect(err?.code).toBe("unclosed_paren");
    expect(err?.position).toBe(4);
  });
  it("says which operator lacks its right side, in French and English", () => {
    const err = checkQuery("orange OU")!;
    expect(queryProblem("fr", err)).toBe("après « OU », un mot, une « expression » ou une parenthèse est attendu ici");
    expect(queryProblem("en", err)).toContain("after “OU”");
  });
  it("a very long query is refused", () => {
    expect(checkQuery("a ".repeat(600))?.code).toBe("too_long");
    expect(checkQuery(Array.from({ length: 120 }, (_, i) => `w${i}`).join(" "))?.code).toBe("too_many_terms");
  });
});

describe("property checks over generated texts", () => {
  // A small deterministic generator (no dependency): words with accents, elisions, hyphens, emoji.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const vocab = ["église", "Orange", "orangeade", "l'Oréal", "d'Orange", "Saint-Étienne", "vélo", "🍊", "Noël", "cœur"];
  const seps = [" ", ", ", " — ", "\n", " (", ") ", "… ", " « ", " » "];
  const texts = Array.from({ length: 300 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 8) }, () => pick(vocab) + pick(seps)).join(""),
  );

  it("a AND b is (a matches) && (b matches); a OR b is ||; -a is !", () => {
    for (const t of texts) {
      for (let k = 0; k < 5; k++) {
        const a = pick(["eglise", "orange", "oreal", "vélo", "noel", "coeur", "🍊", '"saint etienne"']);
        const b = pick(["eglise", "orange", "oreal", "vélo", "noel", "coeur", "🍊", '"l oreal"']);
        const ma = m(a, t);
        const mb = m(b, t);
        expect(m(`${a} ${b}`, t)).toBe(ma && mb);
        expect(m(`${a} AND ${b}`, t)).toBe(ma && mb);
        expect(m(`${a} OR ${b}`, t)).toBe(ma || mb);
        expect(m(`${a} -${b}`, t)).toBe(ma && !mb);
        expect(m(`${a} NOT (${b})`, t)).toBe(ma && !mb);
      }
    }
  });
  it("matching does not depend on case or accents of the text", () => {
    for (const t of texts) {
      const flat = t.normalize("NFD").replace(/\p{M}/gu, "").toUpperCase();
      for (const q of ["eglise", "orange", '"l\'oreal"', "saint-etienne", "noël", "🍊"]) {
        expect(m(q, flat)).toBe(m(q, t));
      }
    }
  });
  it("orange never matches a text whose only orange-ish word is orangeade", () => {
    for (const t of texts) {
      const hasOrange = /(^|[^\p{L}])orange([^\p{L}]|$)/iu.test(t);
      expect(m("orange", t)).toBe(hasOrange);
    }
  });
});

describe("excerpts and network searches", () => {
  it("cuts around the first hit on word boundaries, keeping emoji whole", () => {
    const long = `${"Introduction sans intérêt. ".repeat(20)}Puis L'Oréal 💄 annonce un rachat. ${"Fin. ".repeat(40)}`;
    const q = parseQuery("l'oréal");
    const ex = excerpt(q, prepareItem(item(long)));
    expect(ex).toContain("L'Oréal 💄 annonce");
    expect(ex.startsWith("…")).toBe(true);
    expect(ex.endsWith("…")).toBe(true);
    expect(ex.length).toBeLessThan(260);
    expect(ex).not.toMatch(/\uFFFD/);
  });
  it("translates to keyword searches: DNF of the positive part, quotes for phrases, language", () => {
    expect(toNetworkSearches(parseQuery("orange -orangeade"))).toEqual([{ q: "orange" }]);
    expect(toNetworkSearches(parseQuery('"crédit agricole" (banque OR assurance) lang:fr'))).toEqual([
      { q: '"crédit agricole" banque', language: "fr" },
      { q: '"crédit agricole" assurance', language: "fr" },
    ]);
    expect(toNetworkSearches(parseQuery("l'Oréal OR Sephora"))).toEqual([{ q: '"l\'Oréal"' }, { q: "Sephora" }]);
    expect(toNetworkSearches(parseQuery("source:lemonde.fr"))).toEqual([]);
    expect(toNetworkSearches(parseQuery("a OR b OR c OR d OR e OR f OR g")).length).toBe(5);
  });
});
