/**
 * A namespace-resolved view of an element, the common ground for matching a script's expectation
 * (prefixed, undeclared `scansion:`/`stream:` prefixes) against what the parser delivered (unprefixed, xmlns set
 * where it changes).
 */
import type { Element } from "ltx";

export const STREAM_NS = "http://etherx.jabber.org/streams";
export const CLIENT_NS = "jabber:client";

export interface XNode {
  name: string;
  ns: string;
  /** Without xmlns declarations and scansion:* attributes. */
  attrs: Record<string, string>;
  children: XNode[];
  /** All direct text, trimmed. */
  text: string;
  /** From scansion:strict on this element; undefined when absent. */
  strict?: boolean;
}

const DEFAULT_PREFIXES: Record<string, string> = { stream: STREAM_NS };

export function toXNode(el: Element, parentNs = CLIENT_NS, prefixes: Record<string, string> = DEFAULT_PREFIXES): XNode {
  let scope = prefixes;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k.startsWith("xmlns:")) {
      if (scope === prefixes) scope = { ...prefixes };
      scope[k.slice(6)] = String(v);
    }
  }
  const colon = el.name.indexOf(":");
  const prefix = colon > 0 ? el.name.slice(0, colon) : undefined;
  const name = colon > 0 ? el.name.slice(colon + 1) : el.name;
  let ns: string;
  if (prefix !== undefined) {
    if (!(prefix in scope)) throw new Error(`undeclared namespace prefix ${prefix}: on <${el.name}>`);
    ns = scope[prefix];
  } else ns = el.attrs.xmlns !== undefined ? String(el.attrs.xmlns) : parentNs;

  const attrs: Record<string, string> = {};
  let strict: boolean | undefined;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === "xmlns" || k.startsWith("xmlns:")) continue;
    if (k === "scansion:strict") strict = String(v) !== "false";
    else if (!k.startsWith("scansion:")) attrs[k] = String(v);
  }
  // The default namespace for unprefixed children is the nearest xmlns, not a prefixed parent's namespace.
  const childDefault = el.attrs.xmlns !== undefined ? String(el.attrs.xmlns) : prefix !== undefined ? parentNs : ns;
  const children: XNode[] = [];
  let text = "";
  for (const c of el.children) {
    if (typeof c === "string") text += c;
    else children.push(toXNode(c, childDefault, scope));
  }
  return { name, ns, attrs, children, text: text.trim(), strict };
}
