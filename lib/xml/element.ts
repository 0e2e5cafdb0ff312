/**
 * Small helpers over ltx Element that follow the parser's conventions: namespaces live in
 * `attrs.xmlns` (set where the namespace changes), names are local, text children are strings.
 * All walks are iterative so deep trees cannot overflow the stack (XML-12); ltx's own
 * `clone`/`equal`/`toString` recurse.
 */
import { Element } from "ltx";
import { setOwn } from "./chars";

export { Element };

export type Child = Element | string | number | null | undefined | false | readonly Child[];
export type AttrValue = string | number | null | undefined;

export function isElement(x: unknown): x is Element {
  return x instanceof Element;
}

/**
 * Builds an element: `el("message", { to, type: "chat" }, el("body", {}, text))`.
 * Attributes that are null/undefined are omitted; null/undefined/false children are skipped and
 * arrays of children are flattened.
 */
export function el(name: string, attrs?: Record<string, AttrValue> | null, ...children: Child[]): Element {
  const e = new Element(name);
  const out: Record<string, string> = {};
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v !== undefined && v !== null) setOwn(out, k, String(v));
    }
  }
  e.attrs = out;
  appendChildren(e, children);
  return e;
}

/** Appends children (same rules as el()); returns the parent. */
export function appendChildren(parent: Element, children: readonly Child[]): Element {
  const todo: { list: readonly Child[]; i: number }[] = [{ list: children, i: 0 }];
  while (todo.length > 0) {
    const top = todo[todo.length - 1];
    if (top.i >= top.list.length) {
      todo.pop();
      continue;
    }
    const c = top.list[top.i++];
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) {
      todo.push({ list: c as readonly Child[], i: 0 });
    } else if (typeof c === "string" || typeof c === "number") {
      parent.children.push(String(c));
    } else {
      const child = c as Element;
      parent.children.push(child);
      child.parent = parent;
    }
  }
  return parent;
}

/**
 * The namespace of an element: its own `xmlns`, else the nearest ancestor's. Unlike ltx `getNS()`
 * this honours `xmlns=""` (no namespace) instead of skipping it.
 */
export function nsOf(e: Element): string | undefined {
  for (let cur: Element | null = e; cur !== null; cur = cur.parent) {
    const ns: unknown = cur.attrs.xmlns;
    if (typeof ns === "string") return ns;
  }
  return undefined;
}

/** Child elements, in order. */
export function childElements(e: Element): Element[] {
  const out: Element[] = [];
  for (const c of e.children) if (typeof c === "object" && c !== null) out.push(c);
  return out;
}

/** First child element with this local name and (if given) namespace. */
export function findChild(e: Element, name: string, xmlns?: string): Element | undefined {
  const parentNs = xmlns === undefined ? undefined : nsOf(e);
  for (const c of e.children) {
    if (typeof c !== "object" || c === null || c.name !== name) continue;
    if (xmlns === undefined) return c;
    const own: unknown = c.attrs.xmlns;
    if ((typeof own === "string" ? own : parentNs) === xmlns) return c;
  }
  return undefined;
}

/** All child elements with this local name and (if given) namespace. */
export function findChildren(e: Element, name: string, xmlns?: string): Element[] {
  const parentNs = xmlns === undefined ? undefined : nsOf(e);
  const out: Element[] = [];
  for (const c of e.children) {
    if (typeof c !== "object" || c === null || c.name !== name) continue;
    const own: unknown = c.attrs.xmlns;
    if (xmlns === undefined || (typeof own === "string" ? own : parentNs) === xmlns) out.push(c);
  }
  return out;
}

/** Concatenated direct text children. */
export function getText(e: Element): string {
  let s = "";
  for (const c of e.children) if (typeof c === "string") s += c;
  return s;
}

/** Text of the first matching child, or undefined when there is no such child. */
export function getChildText(e: Element, name: string, xmlns?: string): string | undefined {
  const c = findChild(e, name, xmlns);
  return c === undefined ? undefined : getText(c);
}

/** Deep copy (attributes copied, parent of the copy is null). */
export function cloneElement(src: Element): Element {
  const copy = (e: Element): Element => {
    const c = new Element(e.name);
    const attrs: Record<string, string> = {};
    for (const k of Object.keys(e.attrs)) setOwn(attrs, k, e.attrs[k]);
    c.attrs = attrs;
    return c;
  };
  const root = copy(src);
  const work: [Element, Element][] = [[src, root]];
  while (work.length > 0) {
    const [from, to] = work.pop()!;
    for (const child of from.children) {
      if (typeof child === "object" && child !== null) {
        const c = copy(child);
        c.parent = to;
        to.children.push(c);
        work.push([child, c]);
      } else {
        to.children.push(child);
      }
    }
  }
  return root;
}

/** Children with adjacent text merged and empty text dropped: what a parser would produce. */
function normalizedChildren(e: Element): (Element | string)[] {
  const out: (Element | string)[] = [];
  for (const c of e.children as unknown[]) {
    if (typeof c === "string" || typeof c === "number") {
      const s = String(c);
      if (s === "") continue;
      const last = out.length - 1;
      if (last >= 0 && typeof out[last] === "string") out[last] = (out[last] as string) + s;
      else out.push(s);
    } else if (typeof c === "object" && c !== null) {
      out.push(c as Element);
    }
  }
  return out;
}

function attrsEqual(a: Element, b: Element): boolean {
  const ka = Object.keys(a.attrs).filter((k) => a.attrs[k] !== undefined && a.attrs[k] !== null);
  const kb = Object.keys(b.attrs).filter((k) => b.attrs[k] !== undefined && b.attrs[k] !== null);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b.attrs, k) || String(a.attrs[k]) !== String(b.attrs[k])) return false;
  }
  return true;
}

/**
 * Structural equality: names, attributes (order-insensitive), and children with adjacent text merged.
 * Two elements are equal when they serialize to equivalent XML.
 */
export function elementsEqual(a: Element, b: Element): boolean {
  const work: [Element, Element][] = [[a, b]];
  while (work.length > 0) {
    const [x, y] = work.pop()!;
    if (x.name !== y.name || !attrsEqual(x, y)) return false;
    const cx = normalizedChildren(x);
    const cy = normalizedChildren(y);
    if (cx.length !== cy.length) return false;
    for (let i = 0; i < cx.length; i++) {
      const p = cx[i];
      const q = cy[i];
      if (typeof p === "string" || typeof q === "string") {
        if (p !== q) return false;
      } else {
        work.push([p, q]);
      }
    }
  }
  return true;
}
