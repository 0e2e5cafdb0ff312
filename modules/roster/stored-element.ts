/**
 * An element as JSON, for subscription requests kept until the contact answers them
 * (RFC 6121 §3.1.3: "keep a record of the complete presence stanza ... including any extended
 * content"). Walks are iterative, like the rest of lib/xml.
 */
import { Element } from "ltx";
import type { Json } from "../../lib/storage/types";

/** [name, attrs, ...children]; a child is text or another StoredElement. */
export type StoredElement = Json[];

export function storeElement(root: Element): StoredElement {
  const out: StoredElement = [root.name, { ...root.attrs }];
  const stack: [Element, StoredElement][] = [[root, out]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    for (const c of from.children) {
      if (typeof c === "string") {
        to.push(c);
      } else {
        const child: StoredElement = [(c as Element).name, { ...(c as Element).attrs }];
        to.push(child);
        stack.push([c as Element, child]);
      }
    }
  }
  return out;
}

function attrsOf(j: Json): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (j && typeof j === "object" && !Array.isArray(j)) {
    for (const [k, v] of Object.entries(j)) if (typeof v === "string") attrs[k] = v;
  }
  return attrs;
}

export function loadElement(stored: StoredElement): Element {
  const root = new Element(String(stored[0]), attrsOf(stored[1]));
  const stack: [StoredElement, Element][] = [[stored, root]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    for (let i = 2; i < from.length; i++) {
      const c = from[i];
      if (typeof c === "string") {
        to.children.push(c);
      } else if (Array.isArray(c) && typeof c[0] === "string") {
        const child = new Element(c[0], attrsOf(c[1]));
        child.parent = to;
        to.children.push(child);
        stack.push([c, child]);
      }
    }
  }
  return root;
}

/** Length of the JSON text, a fair measure of what keeping the element costs. */
export function storedSize(stored: StoredElement): number {
  return JSON.stringify(stored).length;
}
