/**
 * Turns payload text from a script into elements. Script XML is parsed without namespace checking because
 * upstream scripts use the `scansion:` prefix (and we allow `stream:`) without declaring it.
 */
import { Element, parse } from "ltx";
import SaxesLtx from "ltx/lib/parsers/saxes.js";
import type { Verb } from "./script";

/** A payload error; `line` is 1-based within the payload, when the XML parser knows it. */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export type RawExpected = { kind: "header"; el: Element } | { kind: "element"; el: Element } | { kind: "end" };

/** Parses text that may hold several sibling elements; rejects stray non-whitespace text. */
export function parseElements(text: string): Element[] {
  let wrapper: Element;
  try {
    // saxes (non-namespace mode) reports line:column, which ltx's default parser does not.
    wrapper = parse(`<scansion-payload>${text}</scansion-payload>`, { Parser: SaxesLtx as never }) as Element;
  } catch (e) {
    const m = /^(\d+):(\d+): (.*)$/s.exec((e as Error).message);
    if (m) throw new PayloadError(`not well-formed XML: ${m[3]} (payload line ${m[1]})`, Number(m[1]));
    throw new PayloadError(`not well-formed XML: ${(e as Error).message}`);
  }
  const out: Element[] = [];
  for (const c of wrapper.children) {
    if (typeof c === "string") {
      if (c.trim()) throw new PayloadError(`unexpected text ${JSON.stringify(c.trim())} outside an element`);
    } else {
      c.parent = null as unknown as Element;
      out.push(stripWhitespace(c));
    }
  }
  return out;
}

/** A `sends:` or `receives:` payload: exactly one stanza. */
export function parseStanza(text: string): Element {
  const els = parseElements(text);
  if (els.length !== 1) throw new PayloadError(`expected exactly one element, found ${els.length}`);
  return els[0];
}

const XML_DECL = /^\s*<\?xml[^>]*\?>/;
const STREAM_OPEN = /^\s*<((?:[\w.-]+:)?stream)(\s[^>]*)?(?<!\/)>/;
const STREAM_CLOSE = /<\/(?:[\w.-]+:)?stream>\s*$/;

/**
 * A `receives raw:` payload: an optional stream header (an unclosed `<stream:stream ...>`), elements, and an
 * optional `</stream:stream>`, each expected as a separate event in that order.
 */
export function parseRawExpectation(text: string): RawExpected[] {
  let rest = text.replace(XML_DECL, "");
  const items: RawExpected[] = [];
  const open = STREAM_OPEN.exec(rest);
  if (open) {
    items.push({ kind: "header", el: parseStanza(`${open[0]}</${open[1]}>`) });
    rest = rest.slice(open[0].length);
  }
  let end = false;
  const close = STREAM_CLOSE.exec(rest);
  if (close) {
    end = true;
    rest = rest.slice(0, close.index);
  }
  for (const el of parseElements(rest)) items.push({ kind: "element", el });
  if (end) items.push({ kind: "end" });
  if (items.length === 0) throw new PayloadError("nothing to expect");
  return items;
}

/** Parse-time validation; variables are replaced by a JID-shaped placeholder first. */
export function checkPayload(verb: Verb, text: string): void {
  const t = text.replace(/\$\{[^}]*\}/g, "placeholder@localhost/x");
  if (verb === "sends" || verb === "receives") parseStanza(t);
  else if (verb === "receives-raw") parseRawExpectation(t);
}

/** Whitespace-only text between child elements is layout, not content. */
function stripWhitespace(el: Element): Element {
  const hasElements = el.children.some((c) => typeof c !== "string");
  if (hasElements) el.children = el.children.filter((c) => typeof c !== "string" || c.trim() !== "");
  for (const c of el.children) if (typeof c !== "string") stripWhitespace(c);
  return el;
}
