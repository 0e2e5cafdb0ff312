/**
 * Our own namespace layer over saxes' `xmlns: false` mode: resolves prefixes, enforces
 * namespace-well-formedness and turns one raw start tag into the attributes of an emitted element.
 *
 * Done here rather than with saxes `xmlns: true` because that mode's prefix lookup walks the whole
 * tag stack per element (quadratic in depth), is ~10% slower on real streams (deps.md §1.2), and
 * only reports problems as English messages we would have to pattern-match to pick a stream error.
 *
 * Emitted shape: names are local names; `xmlns` is set to the resolved namespace on every top-level
 * element and on every child whose namespace differs from its parent's; `xmlns:*` declarations are
 * dropped except for the prefix of a kept prefixed attribute (re-declared on that element), so any
 * element serializes correctly on its own and dispatch never sees a raw prefix (XML-20, XML-21).
 *
 * References:
 * - Namespaces in XML 1.0 (Third Edition) §3 (declaring), §5 (applying), §6.3 (uniqueness of attributes)
 * - RFC 6120 §4.8 (XML namespaces), §4.9.3.2 (bad-namespace-prefix), §11.2
 */
import type { StreamErrorCondition } from "../errors";
import { NS } from "./ns";
import { clip, setOwn, splitQName } from "./chars";
import type { RawAttr } from "./strict-saxes";

type Reject = (condition: StreamErrorCondition, text: string) => never;

/** Bindings in effect at one element; a new scope exists only where declarations change something. */
export interface NsScope {
  readonly parent: NsScope | null;
  readonly decls: Map<string, string> | null;
  readonly defaultNs: string;
}

export const ROOT_SCOPE: NsScope = { parent: null, decls: null, defaultNs: "" };

const X = 0x78; // "x"
const COLON = 0x3a;

/** 0: ordinary attribute, 1: `xmlns`, 2: `xmlns:p`. */
function declKind(name: string): 0 | 1 | 2 {
  if (name.charCodeAt(0) !== X || !name.startsWith("xmlns")) return 0;
  if (name.length === 5) return 1;
  return name.charCodeAt(5) === COLON ? 2 : 0;
}

export function resolvePrefix(scope: NsScope | null, prefix: string): string | undefined {
  if (prefix === "xml") return NS.XML;
  for (let s = scope; s !== null; s = s.parent) {
    const uri = s.decls?.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

export interface ResolvedTag {
  local: string;
  ns: string;
  /** Attributes for the emitted element (see the file comment for the shape). */
  attrs: Record<string, string>;
  scope: NsScope;
}

/**
 * @param parentNs namespace of the parent element, or null for a top-level element (always gets `xmlns`)
 */
export function resolveTag(
  name: string,
  raw: readonly RawAttr[],
  parent: NsScope,
  parentNs: string | null,
  reject: Reject,
): ResolvedTag {
  let decls: Map<string, string> | null = null;
  let defaultNs: string | undefined;
  let prefixedAttrs = 0;
  let decl = false;
  for (let i = 0; i < raw.length; i++) {
    const an = raw[i].name;
    const kind = declKind(an);
    if (kind === 1) {
      decl = true;
      defaultNs = checkBinding("", raw[i].value, reject);
    } else if (kind === 2) {
      decl = true;
      const prefix = an.slice(6);
      if (splitQName(an) === undefined) reject("not-well-formed", `malformed namespace declaration ${clip(an)}`);
      const uri = checkBinding(prefix, raw[i].value, reject);
      // Re-declaring xml to its own namespace is allowed and changes nothing.
      if (prefix !== "xml") (decls ??= new Map()).set(prefix, uri);
    } else if (an.indexOf(":") !== -1) {
      prefixedAttrs++;
    }
  }
  const scope: NsScope =
    decls === null && defaultNs === undefined ? parent : { parent, decls, defaultNs: defaultNs ?? parent.defaultNs };

  const q = splitQName(name);
  if (q === undefined) reject("not-well-formed", `malformed element name <${clip(name)}>`);
  let ns: string;
  if (q.prefix === "") {
    ns = scope.defaultNs;
  } else {
    if (q.prefix === "xmlns") reject("not-well-formed", "element names may not use the xmlns prefix");
    const uri = resolvePrefix(scope, q.prefix);
    if (uri === undefined) reject("bad-namespace-prefix", `unbound namespace prefix in <${clip(name)}>`);
    ns = uri;
  }

  const attrs: Record<string, string> = {};
  if (parentNs === null || ns !== parentNs) attrs.xmlns = ns;
  let seen: Set<string> | null = null;
  for (let i = 0; i < raw.length; i++) {
    const an = raw[i].name;
    if (decl && declKind(an) !== 0) continue;
    const value = raw[i].value;
    if (an.indexOf(":") === -1) {
      setOwn(attrs, an, value);
      continue;
    }
    const aq = splitQName(an);
    if (aq === undefined) reject("not-well-formed", `malformed attribute name ${clip(an)}`);
    const uri = resolvePrefix(scope, aq.prefix);
    if (uri === undefined) reject("bad-namespace-prefix", `unbound namespace prefix in attribute ${clip(an)}`);
    attrs[an] = value;
    if (aq.prefix !== "xml") attrs[`xmlns:${aq.prefix}`] = uri;
    if (prefixedAttrs > 1) {
      // Unprefixed attributes are in no namespace, so only prefixed ones can collide by expanded name
      // (plain duplicates are already rejected by saxes).
      const key = `${uri} ${aq.local}`;
      if ((seen ??= new Set()).has(key)) reject("not-well-formed", `duplicate attribute {${clip(uri)}}${clip(aq.local)}`);
      seen.add(key);
    }
  }
  return { local: q.local, ns, attrs, scope };
}

function checkBinding(prefix: string, uri: string, reject: Reject): string {
  if (prefix === "xmlns") reject("not-well-formed", "the xmlns prefix must not be declared");
  if (uri === NS.XMLNS) reject("not-well-formed", "the xmlns namespace must not be declared");
  if ((prefix === "xml") !== (uri === NS.XML)) {
    reject("not-well-formed", "the xml prefix and the XML namespace belong only to each other");
  }
  // XML 1.0 namespaces cannot undeclare a prefix (only the default namespace).
  if (prefix !== "" && uri === "") reject("not-well-formed", `empty namespace for prefix ${clip(prefix)}`);
  return uri;
}

/** Prefixes declared on one scope, as a record (for the stream header). */
export function declsToRecord(scope: NsScope): Record<string, string> {
  const out: Record<string, string> = {};
  scope.decls?.forEach((uri, prefix) => setOwn(out, prefix, uri));
  return out;
}
