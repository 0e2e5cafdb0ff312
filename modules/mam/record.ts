/**
 * How an archived message is kept: the offline store's envelope (serialized XML, read back through
 * the strict parser, see modules/offline/codec.ts) plus the full JID of the other party, so a
 * query for one resource of a contact can be answered without parsing every stored stanza.
 *
 * References:
 * - XEP-0313 §3 (a stored message: timestamp, the remote JID, a UID, the stanza with all its
 *   standard attributes), §4.2 (the forwarded copy is the message as it was received)
 * - XEP-0297 (the forwarded stanza is qualified by jabber:client)
 */
import type { Element } from "ltx";
import type { JID } from "../../lib/jid";
import { cloneElement } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { decodeMessage, encodeMessage, StoredMessage } from "../offline/codec";

export interface ArchivedMessage extends StoredMessage {
  /** The contact's full JID as it appeared on the stanza ('to' of outgoing, 'from' of incoming). */
  peer: string;
}

export function toRecord(stanza: Element, peer: JID): ArchivedMessage {
  const copy = cloneElement(stanza);
  // A message that came over s2s is jabber:server on the wire; clients only ever see jabber:client.
  copy.attrs.xmlns = NS.CLIENT;
  return { ...encodeMessage(copy), peer: peer.toString() };
}

/** The stored stanza; throws UnreadableMessageError for a row that is not one well-formed message. */
export function fromRecord(value: ArchivedMessage): Element {
  return decodeMessage(value);
}
