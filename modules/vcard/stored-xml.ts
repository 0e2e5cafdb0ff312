/**
 * Stored XML: elements kept in storage as serialized text and read back through the same strict
 * parser that reads client streams, so what comes out of storage obeys the same rules as what came in.
 */
import type { Element } from "ltx";
import { DEFAULT_LIMITS, ParseError, XmlStreamParser } from "../../lib/xml/parser";
import { serialize } from "../../lib/xml/serialize";
import { NS } from "../../lib/xml/ns";

const WRAPPER = `<s:stream xmlns:s='${NS.STREAM}' xmlns='${NS.CLIENT}'>`;

export function storeElement(e: Element): string {
  return serialize(e);
}

/** Parses one element written by storeElement(); throws on anything else (corrupt storage is a bug, not input). */
export function loadElement(text: string): Element {
  let found: Element | undefined;
  let count = 0;
  let failure: ParseError | undefined;
  const parser = new XmlStreamParser(
    {
      streamStart: () => undefined,
      element: (e) => {
        count++;
        found ??= e;
      },
      streamEnd: () => undefined,
      error: (err) => {
        failure = err;
      },
    },
    // The element arrived inside a stanza, so it already met the depth and width limits; only the
    // byte limit is raised, because an operator may have raised c2s_stanza_size_limit.
    { maxStanzaBytes: Math.max(DEFAULT_LIMITS.maxStanzaBytes, Buffer.byteLength(text, "utf8") + 1) },
  );
  parser.write(Buffer.from(WRAPPER + text, "utf8"));
  if (failure) throw new Error(`stored XML does not parse: ${failure.condition}: ${failure.text}`);
  if (!found || count !== 1) throw new Error(`stored XML holds ${count} elements, expected one`);
  return found;
}

/** UTF-8 size of an element as it would be stored, for quotas. */
export function storedSize(e: Element): number {
  return Buffer.byteLength(serialize(e), "utf8");
}
