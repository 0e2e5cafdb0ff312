/**
 * Presence an account's resources show someone else: their last broadcast (what a probe or a
 * newly granted subscription gets), or "unavailable" (what a cancelled subscription gets).
 *
 * References:
 * - RFC 6121 §3.1.5 (after approving, the contact's server sends the contact's current presence)
 * - RFC 6121 §3.2.2, §3.3.3 (after a cancellation, unavailable from each available resource)
 * - RFC 6121 §4.3.2 (probe answers: the full last presence, optionally with XEP-0203 delay)
 */
import type { Element } from "ltx";
import type { SessionRegistry } from "../../lib/sessions";
import { cloneElement, el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { availableResources, presenceState } from "./state";

/** Each available resource's last presence, from its full JID to `to`; with `delayFrom`, stamped with XEP-0203 delay. */
export function currentPresences(sessions: SessionRegistry, host: string, local: string, to: string, delayFrom?: string): Element[] {
  const out: Element[] = [];
  for (const s of availableResources(sessions, host, local)) {
    const st = presenceState(s);
    const copy = cloneElement(st.last!);
    copy.attrs.from = s.jid!.toString();
    copy.attrs.to = to;
    delete copy.attrs.id;
    if (delayFrom !== undefined && st.since !== undefined && !copy.getChild("delay", NS.DELAY)) {
      const delay = el("delay", { xmlns: NS.DELAY, from: delayFrom, stamp: new Date(st.since).toISOString() });
      delay.parent = copy;
      copy.children.push(delay);
    }
    out.push(copy);
  }
  return out;
}

/** "unavailable" from each available resource to `to`. */
export function unavailablePresences(sessions: SessionRegistry, host: string, local: string, to: string): Element[] {
  return availableResources(sessions, host, local).map((s) => el("presence", { type: "unavailable", from: s.jid!.toString(), to }));
}
