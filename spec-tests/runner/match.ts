/**
 * Scansion's matching rules (https://matthewwild.co.uk/projects/scansion/docs/character-classes/client):
 *
 * - non-strict: every expected attribute must be present with the same value, every expected child must match
 *   some distinct received child in any order; extra attributes and children are ignored; expected text, when
 *   not empty, must equal the received text (both trimmed).
 * - strict: additionally no extra attributes, the same children in the same order, and equal text.
 * - `{scansion:any}` as an attribute value only requires the attribute to be present; as the whole text of an
 *   element (our extension) it requires some non-empty text.
 * - Elements in the stream's default namespace (jabber:client) are non-strict; any other namespace is strict;
 *   `scansion:strict="true|false"` overrides that for the element and, unless they override it again, for its
 *   descendants. That inheritance is our reading: upstream documents the flag but not its scope.
 */
import type { Element } from "ltx";
import { CLIENT_NS, STREAM_NS, toXNode, XNode } from "./xnode";

export const ANY = "{scansion:any}";

export interface Mismatch {
  /** Where, e.g. `iq/query{jabber:iq:version}/version`. */
  path: string;
  reason: string;
}

export interface MatchOptions {
  /** Namespaces matched non-strictly by default. */
  lenientNs?: ReadonlySet<string>;
  /** Default namespace for unprefixed, undeclared expected elements. */
  defaultNs?: string;
}

const DEFAULT_LENIENT: ReadonlySet<string> = new Set([CLIENT_NS, "jabber:server", STREAM_NS]);

/** Compares an expectation from a script with a received element; null when they match. */
export function matchElement(expected: Element, received: Element, opts: MatchOptions = {}): Mismatch | null {
  const defaultNs = opts.defaultNs ?? CLIENT_NS;
  return matchNode(toXNode(expected, defaultNs), toXNode(received, defaultNs), opts.lenientNs ?? DEFAULT_LENIENT);
}

export function matchNode(
  exp: XNode,
  got: XNode,
  lenientNs: ReadonlySet<string>,
  inherited?: boolean,
  at = "",
  parentNs = CLIENT_NS,
): Mismatch | null {
  const path = at + (at ? "/" : "") + label(exp, parentNs);
  if (exp.name !== got.name || exp.ns !== got.ns) {
    return { path, reason: `expected <${exp.name}> in ${exp.ns}, received <${got.name}> in ${got.ns}` };
  }
  const explicit = exp.strict ?? inherited;
  const strict = explicit ?? !lenientNs.has(exp.ns);

  for (const [k, v] of Object.entries(exp.attrs)) {
    if (!(k in got.attrs)) return { path, reason: `missing attribute ${k}="${v}"` };
    if (v !== ANY && got.attrs[k] !== v) return { path, reason: `attribute ${k}: expected "${v}", received "${got.attrs[k]}"` };
  }
  if (strict) {
    const extra = Object.keys(got.attrs).filter((k) => !(k in exp.attrs));
    if (extra.length) return { path, reason: `unexpected attribute(s) ${extra.map((k) => `${k}="${got.attrs[k]}"`).join(" ")} (strict)` };
  }

  if (exp.text === ANY) {
    if (got.text === "") return { path, reason: `expected some text ({scansion:any}), received none` };
  } else if ((strict || exp.text !== "") && exp.text !== got.text) {
    return { path, reason: `text: expected ${JSON.stringify(exp.text)}, received ${JSON.stringify(got.text)}` };
  }

  if (strict) {
    if (exp.children.length !== got.children.length) {
      const names = (n: XNode) => n.children.map((c) => `<${c.name}>`).join(", ") || "none";
      return { path, reason: `expected ${exp.children.length} child element(s) (${names(exp)}), received ${got.children.length} (${names(got)}) (strict)` };
    }
    for (let i = 0; i < exp.children.length; i++) {
      const m = matchNode(exp.children[i], got.children[i], lenientNs, explicit, path, exp.ns);
      if (m) return m;
    }
    return null;
  }
  return matchUnordered(exp, got, lenientNs, explicit, path);
}

/** Each expected child takes the first unused received child that matches; order is ignored. */
function matchUnordered(exp: XNode, got: XNode, lenientNs: ReadonlySet<string>, inherited: boolean | undefined, path: string): Mismatch | null {
  const used = new Set<number>();
  for (const want of exp.children) {
    const near: Mismatch[] = [];
    let found = -1;
    for (let i = 0; i < got.children.length && found < 0; i++) {
      if (used.has(i)) continue;
      const m = matchNode(want, got.children[i], lenientNs, inherited, path, exp.ns);
      if (!m) found = i;
      else if (got.children[i].name === want.name && got.children[i].ns === want.ns) near.push(m);
    }
    if (found < 0) {
      if (near.length === 1) return near[0];
      const where = { path: path + "/" + label(want, exp.ns) };
      if (near.length === 0) return { ...where, reason: `no <${want.name}> child in ${want.ns} (or all were used by earlier expectations)` };
      return { ...where, reason: `none of the ${near.length} unused received <${want.name}> children match; e.g. ${near[0].reason}` };
    }
    used.add(found);
  }
  return null;
}

function label(n: XNode, parentNs: string): string {
  return n.ns === parentNs ? n.name : `${n.name}{${n.ns}}`;
}
