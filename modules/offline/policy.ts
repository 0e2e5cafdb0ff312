/**
 * Which messages go to offline storage.
 *
 * References:
 * - XEP-0160 §3 (normal and chat: store; groupchat, headline, error: do not)
 * - XEP-0085 "Server Handling of Notifications" (standalone chat states SHOULD NOT be stored offline)
 * - XEP-0085 "Syntax of Notifications" (a standalone notification carries only the state, plus <thread/>)
 * - XEP-0334 §4 (<no-store/> forbids temporary storage; <no-permanent-store/> does not;
 *   <store/> on a non-error message asks for storage)
 */
import type { Element } from "ltx";
import { childElements, nsOf } from "../../lib/xml/element";
import { NS } from "../../lib/xml/ns";

export const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
export const NS_HINTS = "urn:xmpp:hints";
const NS_STANZA_ID = "urn:xmpp:sid:0";

export type StoreDecision = { store: true } | { store: false; reason: "type" | "no-store hint" | "chat state only" };

/**
 * Children that ride along with a chat state without making it content: the thread it belongs to
 * (XEP-0085 requires it when threads are used), hints, delay stamps and stanza/origin ids.
 */
function isChatStatePadding(child: Element, stanzaNs: string | undefined): boolean {
  const ns = nsOf(child);
  if (ns === stanzaNs) return child.name === "thread";
  return ns === NS_CHATSTATES || ns === NS_HINTS || ns === NS.DELAY || ns === NS_STANZA_ID;
}

/** A message that says nothing but a chat state (no body, no subject, no other payload). */
export function isChatStateOnly(stanza: Element): boolean {
  const stanzaNs = nsOf(stanza);
  const children = childElements(stanza);
  return children.some((c) => nsOf(c) === NS_CHATSTATES) && children.every((c) => isChatStatePadding(c, stanzaNs));
}

function hasHint(stanza: Element, name: string): boolean {
  return childElements(stanza).some((c) => c.name === name && nsOf(c) === NS_HINTS);
}

export function offlineDecision(stanza: Element): StoreDecision {
  const type = (stanza.attrs.type as string | undefined) ?? "normal";
  // An error is never stored, whatever it hints (XEP-0334 §4: <store/> applies to non-errors only).
  if (type === "error") return { store: false, reason: "type" };
  // When a sender says both, not storing is the choice that cannot leak anything.
  if (hasHint(stanza, "no-store")) return { store: false, reason: "no-store hint" };
  if (hasHint(stanza, "store")) return { store: true };
  if (type !== "normal" && type !== "chat") return { store: false, reason: "type" };
  if (isChatStateOnly(stanza)) return { store: false, reason: "chat state only" };
  return { store: true };
}
