/**
 * How a message is kept in storage: its serialized XML in a small JSON envelope. Reading it back
 * goes through the same strict stream parser as the network, so a row changed behind our back
 * can never turn into a malformed stanza on a client's stream.
 *
 * References:
 * - RFC 6120 §4.8 (stanzas are qualified by the content namespace; a stored stanza keeps its xmlns)
 */
import type { Element } from "ltx";
import type { Json } from "../../lib/storage/types";
import { NS } from "../../lib/xml/ns";
import { DEFAULT_LIMITS, XmlStreamParser } from "../../lib/xml/parser";
import { serialize } from "../../lib/xml/serialize";

export interface StoredMessage {
  [k: string]: Json;
  /** Format version, so a later change of envelope can read old rows. */
  v: 1;
  xml: string;
}

export class UnreadableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableMessageError";
  }
}

export function encodeMessage(stanza: Element): StoredMessage {
  return { v: 1, xml: serialize(stanza) };
}

export function decodeMessage(value: Json): Element {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value.v !== 1 || typeof value.xml !== "string") {
    throw new UnreadableMessageError("not a stored message (v1) envelope");
  }
  const xml = value.xml;
  let stanza: Element | undefined;
  let failure: string | undefined;
  let count = 0;
  let ended = false;
  const bytes = Buffer.byteLength(xml, "utf8");
  // The stanza was accepted once under the session's limits, which may be larger than the defaults.
  const parser = new XmlStreamParser(
    {
      streamStart: () => undefined,
      element: (e) => {
        count++;
        stanza = e;
      },
      streamEnd: () => (ended = true),
      error: (e) => (failure = `${e.condition}: ${e.text}`),
    },
    { maxStanzaBytes: Math.max(bytes, DEFAULT_LIMITS.maxStanzaBytes), maxTextBytes: Math.max(bytes, DEFAULT_LIMITS.maxStanzaBytes), maxDepth: 1024, maxElements: 1_000_000, maxAttributes: 1024 },
  );
  // A stored stanza carries its own xmlns; the wrapper's default only matters for one built without it.
  parser.write(Buffer.from(`<stream:stream xmlns='${NS.CLIENT}' xmlns:stream='${NS.STREAM}'>${xml}`, "utf8"));
  // The row must not close the wrapper itself (whatever followed would be silently ignored).
  if (ended) throw new UnreadableMessageError("stored XML closes the stream");
  parser.write(Buffer.from("</stream:stream>", "utf8"));
  if (failure !== undefined) throw new UnreadableMessageError(`stored XML does not parse (${failure})`);
  if (!ended) throw new UnreadableMessageError("stored XML is incomplete");
  if (count !== 1 || !stanza || stanza.name !== "message") throw new UnreadableMessageError("stored XML is not exactly one <message/>");
  return stanza;
}

