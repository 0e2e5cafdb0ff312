/**
 * The delayed-delivery stamp on a message coming out of offline storage.
 *
 * References:
 * - XEP-0203 §2 (<delay xmlns='urn:xmpp:delay' from stamp/>: 'from' is the entity that delayed
 *   the stanza, 'stamp' when it was originally sent, in UTC; optional text gives the reason)
 * - XEP-0082 §3.3 (DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD)
 * - XEP-0160 §2 (example: from = the recipient's server, text "Offline Storage")
 */
import type { Element } from "ltx";
import { el } from "../../lib/stanza";
import { nsOf } from "../../lib/xml/element";
import { NS } from "../../lib/xml/ns";

/** XEP-0082 DateTime in UTC with milliseconds, the precision we store (e.g. 2002-09-10T23:08:25.000Z). */
export function xep0082DateTime(when: Date): string {
  if (Number.isNaN(when.getTime())) throw new RangeError("invalid date");
  return when.toISOString();
}

/**
 * Adds our <delay/> to a stored message. A delay another entity added (the sender's client, a
 * remote server) is kept: it records a different hop. One that claims to come from this host but
 * was not added by us is removed, so a sender cannot make its message look older than it is.
 */
export function addOfflineDelay(stanza: Element, host: string, when: Date): Element {
  stanza.children = stanza.children.filter((c) => typeof c === "string" || !(c.name === "delay" && nsOf(c) === NS.DELAY && c.attrs.from === host));
  const delay = el("delay", { xmlns: NS.DELAY, from: host, stamp: xep0082DateTime(when) }, "Offline Storage");
  delay.parent = stanza;
  stanza.children.push(delay);
  return stanza;
}
