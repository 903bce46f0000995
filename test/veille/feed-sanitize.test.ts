import { describe, expect, it } from "vitest";
import { htmlToText, sanitizeHtml, sanitizeHtmlWithTokenizer } from "../../src/modules/veille/feed/sanitize.js";

/**
 * The feed HTML sanitizer (src/modules/veille/feed/sanitize.ts): allow-list, links and images made absolute,
 * the content of script/style/iframe… dropped. The expected outputs below are the ones sanitize-html 2.17
 * gave with the options Relais used before its own sanitizer (checked when it was written: same output on
 * these vectors and on 450,000 fuzzed inputs).
 */

const BASE = "https://site.example/blog/";

describe("sanitizeHtml: XSS vectors and the allow-list", () => {
  const cases: [string, string | null][] = [
    ['<a href="javascript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="JaVaScRiPt:alert(1)">a</a>', "<span>a</span>"],
    ['<a href=" javascript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="java\tscript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="java\nscript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="java&#x09;script:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">a</a>', "<span>a</span>"],
    ['<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">a</a>', "<span>a</span>"],
    [
      '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">a</a>',
      '<a href="https://site.example/blog/&amp;#0000106&amp;#0000097&amp;#0000118&amp;#0000097&amp;#0000115&amp;#0000099&amp;#0000114&amp;#0000105&amp;#0000112&amp;#0000116&amp;#0000058alert(1)" rel="noopener noreferrer nofollow">a</a>',
    ],
    ['<a href="jav&#x0A;ascript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="\u0001javascript:alert(1)">a</a>', "<span>a</span>"],
    ['<a href="vbscript:msgbox(1)">a</a>', "<span>a</span>"],
    ['<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>', "<span>a</span>"],
    ['<a href="livescript:alert(1)">a</a>', "<span>a</span>"],
    [
      '<a href="//evil.example/x">protocol-relative</a>',
      '<a href="https://evil.example/x" rel="noopener noreferrer nofollow">protocol-relative</a>',
    ],
    [
      '<a href="/relative">relative</a>',
      '<a href="https://site.example/relative" rel="noopener noreferrer nofollow">relative</a>',
    ],
    [
      '<a href="https://ok.example/?a=1&amp;b=2" title="T &quot;q&quot;" target="_blank" rel="opener">ok</a>',
      '<a href="https://ok.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow" title="T &quot;q&quot;">ok</a>',
    ],
    [
      '<a href="mailto:cm@example.fr">mail</a>',
      '<a href="mailto:cm@example.fr" rel="noopener noreferrer nofollow">mail</a>',
    ],
    ["<a>no href</a>", "<span>no href</span>"],
    ['<img src="javascript:alert(1)">', null],
    ['<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">', null],
    ["<img src=x onerror=alert(1)>", '<img src="https://site.example/blog/x" />'],
    ['<IMG SRC="jav&#x09;ascript:alert(1);">', null],
    [
      '<img src="/ok.png" onerror="alert(1)" onload="x()" style="x" srcset="/a.png 2x" width="10" height="" alt="" title="t">',
      '<img src="https://site.example/ok.png" alt="" title="t" width="10" />',
    ],
    ['<img data-src="/lazy.jpg" alt="lazy">', '<img src="https://site.example/lazy.jpg" alt="lazy" />'],
    [
      '<p onclick="alert(1)" onmouseover=alert(1) style="background:url(javascript:alert(1))" class="c" id="i">p</p>',
      "<p>p</p>",
    ],
    ['<div ONCLICK="x">upper-case handler</div>', "<div>upper-case handler</div>"],
    ["<body onload=alert(1)>body</body>", "body"],
    ["<script>alert(1)</script>after", "after"],
    ["<SCRIPT SRC=//evil.example/x.js></SCRIPT>after", "after"],
    ['<script>document.write("<p>x</p>")</script>after', "after"],
    ["<style>p{color:red}</style>after", "after"],
    ['<iframe src="https://evil.example/"><p>inside</p></iframe>after', "after"],
    ['<object data="x.swf"><param name="a" value="b"><p>inside</p></object>after', "after"],
    ['<embed src="x.swf">after', "after"],
    ["<noscript><p>no script</p></noscript>after", "after"],
    ["<template><p>template</p></template>after", "after"],
    ["<textarea><b>text</b></textarea>after", "after"],
    ["<select><option>opt</option></select>after", "after"],
    [
      '<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(1)">go</button></form>after',
      "goafter",
    ],
    [
      '<svg onload=alert(1)><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>after',
      "<span>t</span>after",
    ],
    ["<svg><style>p{}</style><p/>x</svg>", "<p></p>x"],
    ['<math><mtext><a href="javascript:alert(1)">m</a></mtext></math>', "<span>m</span>"],
    ["<!-- <script>alert(1)</script> -->visible", "visible"],
    ["<!--><script>alert(1)</script>-->x", "--&gt;x"],
    ["<![CDATA[<script>alert(1)</script>]]>cdata", "cdata"],
    ['<?xml version="1.0"?><p>pi</p>', "<p>pi</p>"],
    ["<!DOCTYPE html><p>doctype</p>", "<p>doctype</p>"],
    ["<p>unclosed <b>bold <i>italic", "<p>unclosed <b>bold <i>italic</i></b></p>"],
    ["<b><i>mis</b>nested</i>", "<b><i>mis</i></b>nested"],
    ["<p>a<p>b<div>c</p>d", "<p>a</p><p>b</p><div>c<p></p>d</div>"],
    ["<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>"],
    [
      '<table><tr><td colspan=2 rowspan="" onclick=x>a<td>b</table>',
      '<table><tr><td colspan="2">a</td><td>b</td></tr></table>',
    ],
    [
      '<a href="/a"><a href="/b">nested links</a></a>',
      '<a href="https://site.example/a" rel="noopener noreferrer nofollow"><a href="https://site.example/b" rel="noopener noreferrer nofollow">nested links</a></a>',
    ],
    ["<<script>alert(1)//<</script>", "&lt;"],
    ["<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"],
    [
      '<a href="/x" title="a > b">gt in attribute</a>',
      '<a href="https://site.example/x" rel="noopener noreferrer nofollow" title="a &gt; b">gt in attribute</a>',
    ],
    [
      "<a href=/unquoted title=unquoted>unquoted</a>",
      '<a href="https://site.example/unquoted" rel="noopener noreferrer nofollow" title="unquoted">unquoted</a>',
    ],
    [
      "<a href='/single' title='single'>single</a>",
      '<a href="https://site.example/single" rel="noopener noreferrer nofollow" title="single">single</a>',
    ],
    [
      '<a href="/x"title="no space">no space</a>',
      '<a href="https://site.example/x" rel="noopener noreferrer nofollow" title="no space">no space</a>',
    ],
    ["<p>text</p  ><br/><br /><BR><hr/>", "<p>text</p><br /><br /><br /><hr />"],
    ["</br></p>", "<br /><p></p>"],
    [
      '<P>UPPER <B>CASE</B> <A HREF="/u">link</A></P>',
      '<p>UPPER <b>CASE</b> <a href="https://site.example/u" rel="noopener noreferrer nofollow">link</a></p>',
    ],
    [
      '<a href="/x">\u0000null</a>',
      '<a href="https://site.example/x" rel="noopener noreferrer nofollow">\u0000null</a>',
    ],
    ["<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
    ["<p>&amp;lt;b&amp;gt; double-escaped</p>", "<p>&amp;lt;b&amp;gt; double-escaped</p>"],
    [
      '<p>"quotes" &quot;entity&quot; &#39;apos&#39; &nbsp; &eacute; &copy &amp</p>',
      '<p>"quotes" "entity" \'apos\'   é © &amp;</p>',
    ],
    [
      '<time datetime="2026-11-21">t</time><abbr title="A &amp; B">AB</abbr><ol start="3" reversed><li>x</li></ol><th scope="col">h</th>',
      '<time datetime="2026-11-21">t</time><abbr title="A &amp; B">AB</abbr><ol start="3"><li>x</li></ol><th scope="col">h</th>',
    ],
    [
      '<base href="javascript:alert(1)//"><link rel=stylesheet href=x><meta http-equiv="refresh" content="0;url=javascript:alert(1)">after',
      "after",
    ],
    [
      '<blockquote cite="javascript:alert(1)">q</blockquote><q cite="x">q</q><del datetime="x">d</del><ins>i</ins>',
      "<blockquote>q</blockquote><q>q</q><del>d</del><ins>i</ins>",
    ],
    [
      '<figure><img src="https://cdn.example/i.jpg" alt="i"><figcaption>caption</figcaption></figure>',
      '<figure><img src="https://cdn.example/i.jpg" alt="i" /><figcaption>caption</figcaption></figure>',
    ],
    ["<h1>h1</h1><h7>h7</h7><custom-element>custom</custom-element>", "<h1>h1</h1>h7custom"],
    [
      '<a href="https://www.google.com/url?q=https://example.com/&amp;sa=D">google</a>',
      '<a href="https://www.google.com/url?q=https://example.com/&amp;sa=D" rel="noopener noreferrer nofollow">google</a>',
    ],
  ];
  it.each(cases)("%j", (input, expected) => {
    expect(sanitizeHtml(input, BASE)).toBe(expected);
    expect(sanitizeHtmlWithTokenizer(input, BASE)).toBe(expected);
  });

  it("never lets a script URL, a handler, a style or a dropped element through", () => {
    for (const [input] of cases) {
      const out = sanitizeHtml(input, BASE) ?? "";
      expect(out).not.toMatch(
        /<(script|style|iframe|object|embed|svg|math|form|input|button|base|link|meta|template|textarea|noscript)\b/i,
      );
      expect(out).not.toMatch(/\son\w+=/i);
      expect(out).not.toMatch(/\s(style|class|id|srcset|target|xlink:href|formaction)=/i);
      expect(out).not.toMatch(/(href|src)="(?!https?:|mailto:)/i);
    }
  });

  it("makes links absolute against the base, keeps mailto, and drops the base when there is none", () => {
    expect(sanitizeHtml('<a href="../x?a=1&amp;b=2#f">x</a>', "https://site.example/blog/post/")).toBe(
      '<a href="https://site.example/blog/x?a=1&amp;b=2#f" rel="noopener noreferrer nofollow">x</a>',
    );
    expect(sanitizeHtml('<a href="/x">x</a>')).toBe("<span>x</span>"); // relative without a base: no target
    expect(sanitizeHtml('<img src="/i.png">')).toBeNull();
    expect(sanitizeHtml('<a href="HTTPS://Site.Example/A">x</a>')).toBe(
      '<a href="https://site.example/A" rel="noopener noreferrer nofollow">x</a>',
    );
  });

  it("returns plain text as it is and null for nothing", () => {
    expect(sanitizeHtml("Déjà vu 🎉")).toBe("Déjà vu 🎉");
    expect(sanitizeHtml("  ")).toBeNull();
    expect(sanitizeHtml("<script>x</script>")).toBeNull();
    expect(sanitizeHtml(null)).toBeNull();
    expect(sanitizeHtml("Tom &amp; Jerry &copy; 2026")).toBe("Tom &amp; Jerry © 2026");
  });
});

// A small seeded generator of hostile tag soup: the fast scanner (indexOf from '<' to '<') must give the
// Tokenizer path's output whenever it does not give up, and the output must stay inside the allow-list.
function soup(seed: number, count: number): string[] {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const bits = [
    "<",
    ">",
    "/",
    '"',
    "'",
    "=",
    "&",
    ";",
    " ",
    "\n",
    "a",
    "p",
    "b",
    "img",
    "script",
    "style",
    "svg",
    "math",
    ' href="',
    " src=",
    "javascript:",
    "java&#x09;script:",
    "&#106;",
    "data:",
    "//evil.example",
    "/x",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br>",
    '<a href="/y">',
    "</a>",
    "<li>",
    "<td>",
    " onerror=",
    " style=",
    "&amp;",
    "&quot;",
    "&copy",
    "&#39;",
    "é",
    "’",
    "<title>",
    "<textarea>",
    "</",
    "<?",
    "<!x",
    "<script>",
    "</script>",
    "</SCRIPT >",
    "<style>",
    "</style",
    "<script/>",
    "<IMG SRC=",
    "x",
    "<table>",
    "<iframe>",
    "</iframe>",
    "<noscript>",
    "<template>",
    "<option>",
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let k = 0, n = 1 + next(40); k < n; k++) s += bits[next(bits.length)];
    out.push(s);
  }
  return out;
}

describe("sanitizeHtml: fuzzed markup", () => {
  const inputs = soup(20261122, 4000);
  const ALLOWED = new Set(
    "a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub sup table tbody td tfoot th thead time tr u ul".split(
      " ",
    ),
  );
  const ATTRIBUTES = new Set([
    "href",
    "rel",
    "title",
    "src",
    "alt",
    "width",
    "height",
    "colspan",
    "rowspan",
    "scope",
    "datetime",
    "start",
  ]);

  it("the fast scanner and the Tokenizer give the same output", () => {
    for (const input of inputs) expect(sanitizeHtml(input, BASE), input).toBe(sanitizeHtmlWithTokenizer(input, BASE));
  });

  it("only allowed tags and attributes, quoted; only http(s)/mailto links; no raw '<' in text", () => {
    for (const input of inputs) {
      const out = sanitizeHtml(input, BASE) ?? "";
      // every '<' starts a well-formed allowed tag
      for (const m of out.matchAll(/<[^>]*>?/g)) {
        const tag = /^<\/?([a-z0-9]+)((?: [a-z]+="[^"<>]*")*) ?\/?>$/.exec(m[0]);
        expect(tag, `${input} → ${out}`).not.toBeNull();
        expect(ALLOWED.has(tag?.[1] ?? ""), `${input} → ${out}`).toBe(true);
        for (const a of (tag?.[2] ?? "").matchAll(/ ([a-z]+)="([^"]*)"/g)) {
          expect(ATTRIBUTES.has(a[1] ?? ""), `${input} → ${out}`).toBe(true);
          if (a[1] === "href" || a[1] === "src") expect(a[2]).toMatch(/^(https?:\/\/|mailto:)/);
        }
      }
    }
  });
});

describe("htmlToText", () => {
  it("removes tags and the content of scripts, decodes references, collapses whitespace", () => {
    expect(htmlToText("<p>Un&nbsp;été</p>\n\t<p>chaud &amp; <b>sec</b></p><script>x</script>")).toBe(
      "Un\u00a0été chaud & sec".replace("\u00a0", " "),
    );
    expect(htmlToText("Titre simple")).toBe("Titre simple");
    expect(htmlToText("  ")).toBeNull();
  });
});
