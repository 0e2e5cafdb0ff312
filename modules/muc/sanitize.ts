/**
 * What a client may not say through a room: only the service speaks for the room, so claims in
 * the room's name are removed before a stanza is reflected.
 *
 * References:
 * - XEP-0045 §17.3 rule 6 (muc#user data from an occupant is never reflected), §7.5 (a private
 *   message carries an empty muc#user <x/>)
 * - XEP-0421 §4 (a client's <occupant-id/> is replaced)
 * - XEP-0359 §3.3 (a <stanza-id/> claiming to be by the room is removed)
 * - XEP-0203 §3 (a <delay/> claiming to be from the room would fake discussion history)
 * - reliability.md §0 item 6 (server-generated security-relevant elements are unspoofable)
 */
import type { Element } from "ltx";
import { cloneElement } from "../../lib/stanza";
import { nsOf } from "../../lib/xml/element";
import { NS } from "../../lib/xml/ns";
import { MUC, NS_OCCUPANT_ID, NS_STANZA_ID } from "./ns";

function forged(child: Element, room: string): boolean {
  const ns = nsOf(child);
  if (ns === MUC.USER || ns === MUC.BASE || ns === NS_OCCUPANT_ID) return true;
  if (ns === NS_STANZA_ID && (child.name === "stanza-id" || child.name === "origin-id") && child.attrs.by === room) return true;
  return ns === NS.DELAY && child.name === "delay" && child.attrs.from === room;
}

/** A copy of the stanza without to/from and without the elements only the room may add. */
export function sanitized(stanza: Element, room: string): Element {
  const copy = cloneElement(stanza);
  copy.children = copy.children.filter((c) => typeof c === "string" || !forged(c, room));
  delete copy.attrs.to;
  delete copy.attrs.from;
  return copy;
}
