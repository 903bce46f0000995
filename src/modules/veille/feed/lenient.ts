import { Parser } from "htmlparser2";

/**
 * Tag soup → well-formed XML. The feed parser no longer needs it (xml.ts reads malformed feeds directly with
 * the same rules: LEAF and STRUCTURE below); it stays for tools that want a repaired document to hand to a
 * strict XML parser. htmlparser2 in XML mode reads tag soup without giving up (unclosed or mismatched tags,
 * bare '&', a truncated document), and we write back well-formed XML: text and attributes re-escaped (valid
 * entity references kept as they are, so &eacute; and friends still decode), CDATA kept, mismatched end tags
 * close the open elements up to the matching one, a text-only element (title, link…) opening inside another
 * closes it, stray end tags dropped, everything still open closed at the end.
 */

const ENTITY = /&(?!(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/gi;

function escapeText(s: string): string {
  return s.replace(ENTITY, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;");
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
/** Elements that never sit inside a text element: opening one there means the text element was left open. */
export const STRUCTURE: ReadonlySet<string> = new Set(["item", "entry", "channel", "feed"]);
/** Text-only feed elements: one of them opening while another is open means the other was left unclosed. */
export const LEAF: ReadonlySet<string> = new Set([
  "title",
  "link",
  "description",
  "pubdate",
  "guid",
  "author",
  "category",
  "comments",
  "id",
  "updated",
  "published",
  "summary",
  "dc:creator",
  "dc:date",
]);

export function repairXml(text: string): string {
  const out: string[] = [];
  const stack: string[] = [];
  let inCdata = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!NAME.test(name)) return;
        const top = stack[stack.length - 1];
        const lower = name.toLowerCase();
        if (top && LEAF.has(top.toLowerCase()) && (LEAF.has(lower) || STRUCTURE.has(lower)))
          out.push(`</${stack.pop()}>`);
        let tag = `<${name}`;
        for (const [k, v] of Object.entries(attribs)) if (NAME.test(k)) tag += ` ${k}="${escapeAttr(v ?? "")}"`;
        out.push(`${tag}>`);
        stack.push(name);
      },
      onclosetag(name) {
        const i = stack.lastIndexOf(name);
        if (i === -1) return;
        while (stack.length > i) out.push(`</${stack.pop()}>`);
      },
      ontext(data) {
        out.push(inCdata ? data.replace(/]]>/g, "]]]]><![CDATA[>") : escapeText(data));
      },
      oncdatastart() {
        inCdata = true;
        out.push("<![CDATA[");
      },
      oncdataend() {
        inCdata = false;
        out.push("]]>");
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
  if (inCdata) out.push("]]>");
  while (stack.length) out.push(`</${stack.pop()}>`);
  return out.join("");
}
