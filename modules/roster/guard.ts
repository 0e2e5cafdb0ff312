/**
 * Only this server talks jabber:iq:roster to a client, and it never does so through the router:
 * a roster IQ that reaches a full JID by routing was sent by someone else and is not delivered.
 *
 * References:
 * - RFC 6121 §2.1.6 (a client ignores pushes not from its own server; we do not pass them on)
 * - reliability.md RT-02 (roster push forgery: Gajim CVE-2015-8688, Smack CVE-2014-0364)
 * - reliability.md RT-03 (another account's roster: forbidden)
 */
import { stanzaError } from "../../lib/errors";
import type { Router, StanzaEvent } from "../../lib/router";
import { childElements } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";

export function isRosterRequest(ev: StanzaEvent): boolean {
  const type = ev.stanza.attrs.type;
  if (ev.stanza.name !== "iq" || (type !== "get" && type !== "set")) return false;
  const child = childElements(ev.stanza)[0];
  return child !== undefined && child.name === "query" && child.attrs.xmlns === NS.ROSTER;
}

/** For "iq/full": refuses a routed roster get/set as if no such service existed. */
export function refuseRoutedRosterIq(router: Router) {
  return (ev: StanzaEvent): true | undefined => {
    if (!isRosterRequest(ev)) return undefined;
    router.replyError(ev.origin, ev.stanza, stanzaError("service-unavailable"));
    return true;
  };
}
