/**
 * Which outbound stanzas may wait while the client is inactive.
 *
 * Decision (kept simple on purpose): only two kinds wait — presence broadcasts (available,
 * updates, unavailable) and messages that carry nothing but a chat state, also inside a carbon.
 * Everything else is important and goes out at once: every message with content, errors,
 * subscription requests and answers, IQs, and a MUC room's presence about the user itself
 * (status 110: the client is waiting for it to know it joined).
 *
 * References:
 * - XEP-0352 §3.2 (suppress presence updates; chat-state-only messages), §5 (the server decides)
 * - XEP-0085 (standalone chat state notifications), XEP-0280 §6 (carbons), XEP-0045 §7.2.2 (status 110)
 */
import type { Element } from "ltx";
import { childElements, nsOf } from "../../lib/xml/element";
import { isChatStateOnly } from "../offline/policy";

const NS_CARBONS = "urn:xmpp:carbons:2";
const NS_FORWARD = "urn:xmpp:forward:0";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";

export function isImportant(stanza: Element): boolean {
  if (stanza.name === "presence") return !isPresenceBroadcast(stanza);
  if (stanza.name === "message") return !isChatStateOnly(innerMessage(stanza));
  return true;
}

function isPresenceBroadcast(presence: Element): boolean {
  const type = presence.attrs.type as string | undefined;
  if (type !== undefined && type !== "unavailable") return false;
  const mucUser = childElements(presence).find((c) => c.name === "x" && nsOf(c) === NS_MUC_USER);
  const aboutSelf = mucUser !== undefined && childElements(mucUser).some((c) => c.name === "status" && c.attrs.code === "110");
  return !aboutSelf;
}

/** The forwarded message of a carbon copy, else the message itself. */
function innerMessage(message: Element): Element {
  for (const c of childElements(message)) {
    if ((c.name !== "sent" && c.name !== "received") || nsOf(c) !== NS_CARBONS) continue;
    const forwarded = childElements(c).find((f) => f.name === "forwarded" && nsOf(f) === NS_FORWARD);
    const inner = forwarded && childElements(forwarded).find((m) => m.name === "message");
    if (inner) return inner;
  }
  return message;
}
