/**
 * Checks a stanza that arrived from a peer server before it reaches the router: addresses must
 * be present and well-formed, 'from' must be a domain authenticated on this stream and 'to' one
 * of ours; the same type and IQ rules as for clients apply.
 *
 * References:
 * - RFC 6120 §4.9.3.9 (invalid-from), §4.9.3.6 (host-unknown), §4.9.3.7 (improper-addressing)
 * - RFC 6120 §8.1.1.2, §8.1.2.2 (s2s stanzas carry both addresses), §8.2.3 (IQ rules)
 * - XEP-0220 §2.2.1 (stanzas only for verified domain pairs)
 */
import type { Element } from "ltx";
import { stanzaError, StreamError } from "../errors";
import { tryParseJid } from "../jid";
import type { Router } from "../router";
import { childElements } from "../stanza";
import type { Session } from "../stream/session";

const STANZA_TYPES: Record<string, ReadonlySet<string>> = {
  iq: new Set(["get", "set", "result", "error"]),
  message: new Set(["chat", "error", "groupchat", "headline", "normal"]),
  presence: new Set(["error", "probe", "subscribe", "subscribed", "unavailable", "unsubscribe", "unsubscribed"]),
};

export interface PeerStanzaRules {
  /** Remote domains authenticated on this stream. */
  authenticated(domain: string): boolean;
  /** Local domains that take server-to-server traffic. */
  served(domain: string): boolean;
}

export function routeFromPeer(router: Router, session: Session, stanza: Element, rules: PeerStanzaRules): void | Promise<void> {
  const rawFrom = stanza.attrs.from as string | undefined;
  const rawTo = stanza.attrs.to as string | undefined;
  if (!rawFrom || !rawTo) throw new StreamError("improper-addressing", "Stanzas between servers carry both 'from' and 'to'");
  const from = tryParseJid(rawFrom);
  if (!from || !rules.authenticated(from.domain)) throw new StreamError("invalid-from", `'${rawFrom}' is not authenticated on this stream`);
  const to = tryParseJid(rawTo);
  if (!to) throw new StreamError("improper-addressing", "Malformed 'to' address");
  if (!rules.served(to.domain)) throw new StreamError("host-unknown", `This server does not serve ${to.domain}`);
  stanza.attrs.from = from.toString();
  stanza.attrs.to = to.toString();

  const type = stanza.attrs.type as string | undefined;
  if (type !== undefined && !STANZA_TYPES[stanza.name].has(type)) {
    return router.replyError(session, stanza, stanzaError("bad-request", `Invalid type '${type}' for <${stanza.name}/>`));
  }
  if (stanza.name === "iq") {
    if (type === undefined) return router.replyError(session, stanza, stanzaError("bad-request", "An IQ needs a type"));
    if (!stanza.attrs.id) return router.replyError(session, stanza, stanzaError("bad-request", "An IQ needs an id"));
    if ((type === "get" || type === "set") && childElements(stanza).length !== 1) {
      return router.replyError(session, stanza, stanzaError("bad-request", "An IQ get or set carries exactly one child element"));
    }
  }
  return router.post(stanza, session, to);
}
