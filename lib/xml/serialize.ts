/**
 * XML output. Iterative (ltx's Element.write recurses once per level and overflows the stack on
 * deep trees, XML-12) and total: whatever a tree contains, the output is well-formed XML 1.0 with
 * the same text (XML-08), so one bad string from storage or a module can never break a peer's stream.
 *
 * Characters that XML 1.0 cannot carry at all (C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF, lone
 * surrogates) are replaced with U+FFFD. CR is written as a character reference in text and attributes
 * because a parser would otherwise normalize it to LF; TAB and LF likewise in attributes.
 *
 * Names are written as given: the parser only produces valid names, and code that builds elements
 * uses constant names.
 *
 * References:
 * - RFC 6120 §4.2 (stream header), §11.1 (no comments/PIs/DTDs in output), §11.6 (UTF-8)
 * - XML 1.0 §2.2 (Char), §2.4 (character data), §2.11 (end-of-line handling), §3.3.3 (attribute-value normalization)
 */
import type { Element } from "ltx";
import { NS } from "./ns";

const ILLEGAL = "\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF";
const LONE_SURROGATE = "[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]";
// The *_TEST classes are a cheap superset (any surrogate) so the common string skips the replace.
const TEXT_TEST = new RegExp(`[&<>\\r${ILLEGAL}\\uD800-\\uDFFF]`);
const TEXT_ALL = new RegExp(`[&<>\\r${ILLEGAL}]|${LONE_SURROGATE}`, "g");
const ATTR_TEST = new RegExp(`[&<>"'\\t\\n\\r${ILLEGAL}\\uD800-\\uDFFF]`);
const ATTR_ALL = new RegExp(`[&<>"'\\t\\n\\r${ILLEGAL}]|${LONE_SURROGATE}`, "g");

const REFS: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

function ref(ch: string): string {
  return REFS[ch] ?? "\uFFFD";
}

/** Escapes `& < >` (and CR) for character data; `>` too, so `]]>` can never appear. */
export function escapeText(s: string): string {
  return TEXT_TEST.test(s) ? s.replace(TEXT_ALL, ref) : s;
}

/** Escapes `& < > " '` and TAB/LF/CR (as character references) for an attribute value. */
export function escapeAttr(s: string): string {
  return ATTR_TEST.test(s) ? s.replace(ATTR_ALL, ref) : s;
}

function openTag(el: Element): string {
  let s = `<${el.name}`;
  const attrs = el.attrs;
  for (const k of Object.keys(attrs)) {
    const v: unknown = attrs[k];
    if (v === undefined || v === null) continue;
    s += ` ${k}='${escapeAttr(typeof v === "string" ? v : String(v))}'`;
  }
  return s;
}

/** Serializes an element and its subtree; null/undefined attributes and children are skipped. */
export function serialize(root: Element): string {
  let out = openTag(root);
  if (root.children.length === 0) return `${out}/>`;
  out += ">";
  const stack: Element[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const el = stack[top];
    const i = next[top];
    if (i >= el.children.length) {
      out += `</${el.name}>`;
      stack.pop();
      next.pop();
      continue;
    }
    next[top] = i + 1;
    const child: unknown = el.children[i];
    if (typeof child === "string") {
      out += escapeText(child);
    } else if (typeof child === "object" && child !== null) {
      const c = child as Element;
      out += openTag(c);
      if (c.children.length === 0) {
        out += "/>";
      } else {
        out += ">";
        stack.push(c);
        next.push(0);
      }
    } else if (typeof child === "number") {
      out += String(child);
    }
  }
  return out;
}

export interface StreamHeaderOptions {
  /** Prefix with `<?xml version='1.0'?>` (default true). */
  xmlDecl?: boolean;
  /** Extra prefix declarations, e.g. `{ db: NS.DIALBACK }`; `stream` is always declared. */
  prefixes?: Record<string, string>;
  /** The content namespace (jabber:client, jabber:server, ...). */
  defaultNs?: string;
}

/** The stream header open tag (not closed); undefined attributes are omitted. */
export function streamHeader(attrs: Record<string, string | undefined>, opts: StreamHeaderOptions = {}): string {
  let s = opts.xmlDecl === false ? "" : "<?xml version='1.0'?>";
  s += "<stream:stream";
  if (opts.defaultNs !== undefined) s += ` xmlns='${escapeAttr(opts.defaultNs)}'`;
  s += ` xmlns:stream='${NS.STREAM}'`;
  if (opts.prefixes) {
    for (const p of Object.keys(opts.prefixes)) {
      if (p !== "stream") s += ` xmlns:${p}='${escapeAttr(opts.prefixes[p])}'`;
    }
  }
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (v !== undefined) s += ` ${k}='${escapeAttr(v)}'`;
  }
  return `${s}>`;
}

/** The closing tag matching streamHeader(). */
export const STREAM_CLOSE = "</stream:stream>";
