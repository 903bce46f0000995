/**
 * The alert query language (docs/ALERTS.md): words, "exact phrases" (also « guillemets » and “curly
 * quotes”), AND / OR / NOT and their French forms ET / OU / SAUF (upper case only: « et » and « ou » are
 * ordinary French words), `-word`, parentheses, implicit AND, the fields `title:` (`titre:`), `source:`
 * and `lang:` (`langue:`), and `word*` for a prefix.
 *
 * Precedence, tightest first: NOT / `-`, then AND (explicit or implicit), then OR — so
 * `a b OR c` is `(a AND b) OR c`, as in most search engines.
 *
 * Matching is on words, accent- and case-insensitive: texts and query words are split into tokens of
 * letters and digits (each emoji is a token of its own), folded (NFKD, marks removed, lower case, œ → oe,
 * ß → ss). A query word of several tokens (`l'Oréal`, `Saint-Étienne`, `covid-19`) is a phrase. A phrase
 * matches consecutive tokens whatever the punctuation between them; « Orange » never matches
 * « orangeade » (whole tokens), but `orange*` does.
 *
 * Pure code: no I/O. Errors carry a code, a 1-based character position and parameters, translated by
 * alerts.messages.ts.
 */

export type QueryField = "any" | "title" | "source";

export type QueryNode =
  | { type: "and"; children: QueryNode[] }
  | { type: "or"; children: QueryNode[] }
  | { type: "not"; child: QueryNode }
  | {
      type: "term";
      field: QueryField;
      /** Folded tokens, matched consecutively. */
      tokens: string[];
      /** The last token is a prefix (`word*`). */
      prefix: boolean;
      /** As the user wrote it (without field or quotes), for network searches. */
      raw: string;
      phrase: boolean;
    }
  | { type: "lang"; value: string };

export type QueryErrorCode =
  | "empty"
  | "too_long"
  | "too_many_terms"
  | "unclosed_quote"
  | "unclosed_paren"
  | "unexpected_paren"
  | "expected_term"
  | "unknown_field"
  | "empty_value"
  | "bad_language"
  | "only_exclusions";

export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    /** 1-based character (code point) position in the query. */
    readonly position: number,
    readonly params: Record<string, string> = {},
  ) {
    super(`${code} at ${position}`);
    this.name = "QueryError";
  }
}

export const MAX_QUERY_LENGTH = 1000;
export const MAX_TERMS = 100;

// ---------------------------------------------------------------------------------------------- folding

const TOKEN_RE = /\p{Extended_Pictographic}|[\p{L}\p{N}\p{M}]+/gu;

/** Folds one token: compatibility decomposition, no marks, lower case, ligatures spelled out. */
export function foldToken(token: string): string {
  return token
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss")
    .replace(/ø/g, "o")
    .replace(/ł/g, "l")
    .replace(/đ/g, "d");
}

export interface Token {
  /** Folded form. */
  t: string;
  /** Offsets in the (NFC) text, for excerpts. */
  start: number;
  end: number;
}

/** The folded word tokens of a text (NFC first, so decomposed accents stay inside their word). */
export function tokenize(text: string): Token[] {
  const nfc = text.normalize("NFC");
  const out: Token[] = [];
  for (const m of nfc.matchAll(TOKEN_RE)) {
    const t = foldToken(m[0]);
    if (t) out.push({ t, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export function foldedTokens(text: string): string[] {
  return tokenize(text).map((x) => x.t);
}

// ---------------------------------------------------------------------------------------------- lexer

type Lex =
  | { kind: "lparen"; pos: number }
  | { kind: "rparen"; pos: number }
  | { kind: "op"; op: "AND" | "OR" | "NOT"; text: string; pos: number }
  | { kind: "minus"; pos: number }
  | { kind: "word"; text: string; pos: number; field: string | null; quoted: boolean; fieldPos: number };

const OPERATORS: Record<string, "AND" | "OR" | "NOT"> = {
  AND: "AND",
  ET: "AND",
  OR: "OR",
  OU: "OR",
  NOT: "NOT",
  SAUF: "NOT",
};
const OPEN_QUOTES: Record<string, string> = { '"': '"', "«": "»", "“": "”", "„": "“" };
const FIELDS: Record<string, QueryField | "lang"> = {
  title: "title",
  titre: "title",
  source: "source",
  lang: "lang",
  langue: "lang",
  language: "lang",
};

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}

/** Splits the query into operator, parenthesis and word tokens. Positions are 1-based code points. */
function lex(query: string): Lex[] {
  const chars = Array.from(query.normalize("NFC"));
  const out: Lex[] = [];
  let i = 0;
  const readQuoted = (open: number): string => {
    const close = OPEN_QUOTES[chars[open]!]!;
    let j = open + 1;
    let text = "";
    while (j < chars.length && chars[j] !== close && !(close === '"' && chars[j] === "”")) text += chars[j++];
    if (j >= chars.length) throw new QueryError("unclosed_quote", open + 1, { quote: chars[open]! });
    i = j + 1;
    return text;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === "(") {
      out.push({ kind: "lparen", pos: i + 1 });
      i++;
      continue;
    }
    if (c === ")") {
      out.push({ kind: "rparen", pos: i + 1 });
      i++;
      continue;
    }
    if (c === "-" && i + 1 < chars.length && !isSpace(chars[i + 1]!) && chars[i + 1] !== "-") {
      out.push({ kind: "minus", pos: i + 1 });
      i++;
      continue;
    }
    if (c in OPEN_QUOTES) {
      const pos = i + 1;
      const text = readQuoted(i);
      out.push({ kind: "word", text, pos, field: null, quoted: true, fieldPos: pos });
      continue;
    }
    // A bare word runs to the next space, parenthesis or quote.
    const start = i;
    let text = "";
    while (
      i < chars.length &&
      !isSpace(chars[i]!) &&
      chars[i] !== "(" &&
      chars[i] !== ")" &&
      !(chars[i]! in OPEN_QUOTES)
    )
      text += chars[i++];
    const op = OPERATORS[text];
    if (op) {
      out.push({ kind: "op", op, text, pos: start + 1 });
      continue;
    }
    const field = /^([A-Za-z]+):(.*)$/s.exec(text);
    if (field) {
      const name = field[1]!.toLowerCase();
      if (!(name in FIELDS)) {
        // "https://…" and "12:30" are words, not fields.
        if (!field[2]!.startsWith("//")) throw new QueryError("unknown_field", start + 1, { field: field[1]! });
      } else {
        let value = field[2]!;
        let quoted = false;
        if (value === "" && i < chars.length && chars[i]! in OPEN_QUOTES) {
          value = readQuoted(i);
          quoted = true;
        }
        if (!foldedTokens(value).length) throw new QueryError("empty_value", start + 1, { field: field[1]! });
        out.push({ kind: "word", text: value, pos: start + 1, field: name, quoted, fieldPos: start + 1 });
        continue;
      }
    }
    out.push({ kind: "word", text, pos: start + 1, field: null, quoted: false, fieldPos: start + 1 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- parser

/** Parses a query into its tree, or throws QueryError with where and what was expected. */
export function parseQuery(query: string): QueryNode {
  if (Array.from(query).length > MAX_QUERY_LENGTH)
    throw new QueryError("too_long", MAX_QUERY_LENGTH + 1, { max: String(MAX_QUERY_LENGTH) });
  const tokens = lex(query).filter(
    // Punctuation-only words ("&", "—", a lone "*") carry nothing to match: they are skipped.
    (t) => t.kind !== "word" || t.field !== null || foldedTokens(t.text).length > 0,
  );
  if (!tokens.length) throw new QueryError("empty", 1);
  const end = Array.from(query.normalize("NFC")).length + 1;
  let p = 0;
  let terms = 0;
  const peek = () => tokens[p];
  const startsUnary = (t: Lex | undefined) =>
    !!t && (t.kind === "word" || t.kind === "lparen" || t.kind === "minus" || (t.kind === "op" && t.op === "NOT"));
  const expectTerm = (after: string, at: Lex | undefined): never => {
    throw new QueryError("expected_term", at ? at.pos : end, { after });
  };

  const parseOr = (): QueryNode => {
    const children = [parseAnd()];
    for (let t = peek(); t?.kind === "op" && t.op === "OR"; t = peek()) {
      p++;
      if (!startsUnary(peek())) expectTerm(t.text, peek());
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0]! : { type: "or", children };
  };
  const parseAnd = (): QueryNode => {
    const children = [parseUnary()];
    for (;;) {
      const t = peek();
      if (t?.kind === "op" && t.op === "AND") {
        p++;
        if (!startsUnary(peek())) expectTerm(t.text, peek());
        children.push(parseUnary());
      } else if (startsUnary(t)) {
        children.push(parseUnary());
      } else break;
    }
    return children.length === 1 ? children[0]! : { type: "and", children };
  };
  const parseUnary = (): QueryNode => {
    const t = peek();
    if (t && (t.kind === "minus" || (t.kind === "op" && t.op === "NOT"))) {
      p++;
      if (!startsUnary(peek())) expectTerm(t.kind === "minus" ? "-" : t.text, peek());
      return { type: "not", child: parseUnary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): QueryNode => {
    const t = peek();
    if (!t) return expectTerm("", undefined);
    if (t.kind === "lparen") {
      p++;
      if (peek()?.kind === "rparen") expectTerm("(", peek());
      const inner = parseOr();
      if (peek()?.kind !== "rparen") throw new QueryError("unclosed_paren", t.pos);
      p++;
      return inner;
    }
    if (t.kind === "rparen") throw new QueryError("unexpected_paren", t.pos);
    if (t.kind === "op") return expectTerm(t.text, t);
    if (t.kind === "minus") return expectTerm("-", t);
    p++;
    if (++terms > MAX_TERMS) throw new QueryError("too_many_terms", t.pos, { max: String(MAX_TERMS) });
    const field = t.field ? FIELDS[t.field]! : "any";
    if (field === "lang") {
      const value = t.text.trim().toLowerCase();
      if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(value)) throw new QueryError("bad_language", t.pos, { value: t.text });
      return { type: "lang", value: value.slice(0, value.indexOf("-") === -1 ? undefined : value.indexOf("-")) };
    }
    const raw = t.text.replace(/^\+/, "");
    const prefix = !t.quoted && /\*$/.test(raw);
    const toks = foldedTokens(raw);
    return {
      type: "term",
      field,
      tokens: toks,
      prefix,
      raw: raw.replace(/\*$/, ""),
      phrase: t.quoted || toks.length > 1,
    };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest) {
    if (rest.kind === "rparen") throw new QueryError("unexpected_paren", rest.pos);
    throw new QueryError("expected_term", rest.pos, { after: "" });
  }
  if (!hasPositive(tree)) throw new QueryError("only_exclusions", 1);
  return tree;
}

/** True when the query needs at least one word to be present (so it cannot match nearly everything). */
function hasPositive(node: QueryNode, negated = false): boolean {
  switch (node.type) {
    case "term":
      return !negated;
    case "lang":
      return false;
    case "not":
      return hasPositive(node.child, !negated);
    case "and":
      // NOT (a AND b) = NOT a OR NOT b (De Morgan).
      return negated ? node.children.every((c) => hasPositive(c, true)) : node.children.some((c) => hasPositive(c));
    case "or":
      return negated ? node.children.some((c) => hasPositive(c, true)) : node.children.every((c) => hasPositive(c));
  }
}

/** Validates a query: null when fine, else the error. */
export function checkQuery(query: string): QueryError | null {
  try {
    parseQuery(query);
    return null;
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------- matcher

/** What alerts match: a feed item or a network post, as plain text. */
export interface MatchableItem {
  title: string;
  text: string;
  /** Feed title, site host, author handle…: what `source:` looks at. */
  source: string;
  language: string | null;
}

export interface PreparedItem {
  title: Token[];
  text: Token[];
  source: Token[];
  language: string | null;
  original: MatchableItem;
}

export function prepareItem(item: MatchableItem): PreparedItem {
  return {
    title: tokenize(item.title),
    text: tokenize(item.text),
    source: tokenize(item.source),
    language: item.language ? item.language.toLowerCase().split(/[-_]/)[0]! : null,
    original: item,
  };
}

/** Index of the first run of `tokens` in `hay` (last token as prefix when asked), or -1. */
function findRun(hay: Token[], tokens: string[], prefix: boolean): number {
  const n = tokens.length;
  if (!n) return -1;
  outer: for (let i = 0; i + n <= hay.length; i++) {
    for (let k = 0; k < n; k++) {
      const h = hay[i + k]!.t;
      const q = tokens[k]!;
      if (k === n - 1 && prefix ? !h.startsWith(q) : h !== q) continue outer;
    }
    return i;
  }
  return -1;
}

function termFields(item: PreparedItem, field: QueryField): Token[][] {
  if (field === "title") return [item.title];
  if (field === "source") return [item.source];
  return [item.title, item.text];
}

function evaluate(node: QueryNode, item: PreparedItem): boolean {
  switch (node.type) {
    case "term":
      return termFields(item, node.field).some((f) => findRun(f, node.tokens, node.prefix) >= 0);
    case "lang":
      return item.language === node.value;
    case "not":
      return !evaluate(node.child, item);
    case "and":
      return node.children.every((c) => evaluate(c, item));
    case "or":
      return node.children.some((c) => evaluate(c, item));
  }
}

export function matches(query: QueryNode, item: MatchableItem | PreparedItem): boolean {
  return evaluate(query, "original" in item ? item : prepareItem(item));
}

/** A compiled query: parse once, match many. */
export function compileQuery(query: string): (item: MatchableItem | PreparedItem) => boolean {
  const tree = parseQuery(query);
  return (item) => matches(tree, item);
}

/** The positive terms of a query (under no NOT), for excerpts and highlighting. */
export function positiveTerms(node: QueryNode, negated = false): Extract<QueryNode, { type: "term" }>[] {
  switch (node.type) {
    case "term":
      return negated ? [] : [node];
    case "lang":
      return [];
    case "not":
      return positiveTerms(node.child, !negated);
    case "and":
    case "or":
      return node.children.flatMap((c) => positiveTerms(c, negated));
  }
}

/**
 * A short excerpt of the item's text around the first positive term found (the title when the words
 * are only there), cut on word boundaries, about `size` characters.
 */
export function excerpt(query: QueryNode, item: PreparedItem, size = 220): string {
  const text = item.original.text.normalize("NFC");
  let at = -1;
  for (const term of positiveTerms(query)) {
    if (term.field === "source") continue;
    const i = findRun(item.text, term.tokens, term.prefix);
    if (i >= 0 && (at < 0 || item.text[i]!.start < at)) at = item.text[i]!.start;
  }
  const clean = (s: string) => s.replace(/\s+/g, " ").trim();
  if (at < 0) return clean(Array.from(text).slice(0, size).join("")) + (text.length > size ? "…" : "");
  let from = Math.max(0, at - Math.floor(size / 3));
  let to = Math.min(text.length, from + size);
  // Move to word boundaries and never split a surrogate pair.
  while (from > 0 && /[\p{L}\p{N}]/u.test(text[from - 1]!)) from--;
  while (to < text.length && /[\p{L}\p{N}]/u.test(text[to]!)) to++;
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from]!)) from--;
  if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to]!)) to++;
  return `${from > 0 ? "…" : ""}${clean(text.slice(from, to))}${to < text.length ? "…" : ""}`;
}

// ---------------------------------------------------------------------------------------------- networks

/**
 * Keyword searches for networks that only understand words and "phrases" (Bluesky, Mastodon): the
 * query's positive part in disjunctive normal form, one search per alternative (at most `max`), with the
 * language when the whole query requires one. Exclusions and `source:` are not sent: every result is
 * re-checked with the matcher, so a broader search only costs a few more results.
 */
export function toNetworkSearches(node: QueryNode, max = 5): { q: string; language?: string }[] {
  const dnf = (n: QueryNode): string[][] | null => {
    switch (n.type) {
      case "term":
        if (n.field === "source") return [[]];
        return [[n.phrase ? `"${n.raw.replace(/"/g, "")}"` : n.raw]];
      case "lang":
      case "not":
        return [[]];
      case "or": {
        const out: string[][] = [];
        for (const c of n.children) out.push(...(dnf(c) ?? []));
        return out;
      }
      case "and": {
        let acc: string[][] = [[]];
        for (const c of n.children) {
          const alts = dnf(c) ?? [[]];
          const next: string[][] = [];
          for (const a of acc) for (const b of alts) next.push([...a, ...b]);
          acc = next.slice(0, 50);
        }
        return acc;
      }
    }
  };
  const seen = new Set<string>();
  const queries: string[] = [];
  for (const words of dnf(node) ?? []) {
    const q = [...new Set(words)].join(" ").trim();
    if (!q || seen.has(q)) continue;
    seen.add(q);
    queries.push(q);
  }
  const lang = requiredLanguage(node);
  return queries.slice(0, max).map((q) => (lang ? { q, language: lang } : { q }));
}

function requiredLanguage(node: QueryNode): string | undefined {
  if (node.type === "lang") return node.value;
  if (node.type === "and") for (const c of node.children) if (c.type === "lang") return c.value;
  return undefined;
}
