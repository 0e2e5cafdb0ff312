/**
 * Which messages are copied to a user's other resources.
 *
 * References:
 * - XEP-0280 §6 (eligible messages), §7 (<private/> and XEP-0334 <no-copy/>)
 */
import type { Element } from "ltx";
import { findChild } from "../../lib/xml/element";

export const NS_CARBONS = "urn:xmpp:carbons:2";
export const NS_FORWARD = "urn:xmpp:forward:0";
const NS_HINTS = "urn:xmpp:hints";
const NS_RECEIPTS = "urn:xmpp:receipts";
const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
const NS_MARKERS = "urn:xmpp:chat-markers:0";

/** XEP-0280 §6.1: chat messages, normal messages with a body, and the IM payloads that travel with them. */
export function isEligible(message: Element): boolean {
  if (findChild(message, "private", NS_CARBONS) || findChild(message, "no-copy", NS_HINTS)) return false;
  // Already a carbon (or a forwarded carbon): never copy copies.
  if (findChild(message, "sent", NS_CARBONS) || findChild(message, "received", NS_CARBONS)) return false;
  const type = (message.attrs.type as string | undefined) ?? "normal";
  if (type === "chat") return true;
  if (type === "groupchat" || type === "headline" || type === "error") return false;
  if (findChild(message, "body")) return true;
  for (const c of message.children) {
    if (typeof c === "string") continue;
    const ns = c.attrs.xmlns as string | undefined;
    if (ns === NS_RECEIPTS || ns === NS_CHATSTATES || ns === NS_MARKERS) return true;
  }
  return false;
}
