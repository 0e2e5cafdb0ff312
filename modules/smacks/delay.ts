/**
 * The delay stamp on a stanza that leaves the unacknowledged queue late: retransmitted after a
 * resumption, or re-routed (another resource, offline storage, an error) after the session ended.
 *
 * Decision: 'from' is the account's bare JID, as Prosody's mod_smacks does: the stanza waited in
 * that account's queue. It also survives offline storage, whose own stamp (from the server's
 * domain, replaced on every store) records when it was stored, not when it was first sent.
 *
 * References:
 * - XEP-0203 §2 (<delay xmlns='urn:xmpp:delay' from stamp/>, stamp in UTC per XEP-0082)
 */
import type { Element } from "ltx";
import { el } from "../../lib/stanza";
import { childElements, nsOf } from "../../lib/xml/element";
import { NS } from "../../lib/xml/ns";

/** Adds our <delay/> unless the stanza already carries one (an earlier hop knew the first time); mutates. */
export function withDelay(stanza: Element, when: Date, from: string): Element {
  if (stanza.name === "iq") return stanza;
  if (childElements(stanza).some((c) => c.name === "delay" && nsOf(c) === NS.DELAY)) return stanza;
  const delay = el("delay", { xmlns: NS.DELAY, from, stamp: when.toISOString() });
  delay.parent = stanza;
  stanza.children.push(delay);
  return stanza;
}
