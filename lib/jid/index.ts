/**
 * XMPP addresses (JIDs): parsing, PRECIS preparation of each part, comparison.
 *
 * References:
 * - RFC 7622 (XMPP address format)
 * - RFC 8264 (PRECIS framework), RFC 8265 (UsernameCaseMapped, OpaqueString)
 * - RFC 5890–5893 (IDNA2008, Bidi Rule), UTS #46 (IDNA compatibility processing)
 */

export { JidError, type JidPart } from "./jid-error";
export { JID, makeJid, parseJid, tryParseJid } from "./jid";
export { prepLocal } from "./localpart";
export { prepDomain } from "./domainpart";
export { prepResource } from "./resourcepart";
