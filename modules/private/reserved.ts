/**
 * Namespaces private XML storage refuses to hold.
 *
 * References:
 * - XEP-0049 §2.3 (reserved: 'jabber:*', 'http://jabber.org/*', 'vcard-temp'; refusing them with
 *   not-acceptable is optional, and we do, so private storage never shadows a real protocol)
 */
import { NS } from "../../lib/xml/ns";

export function isReservedNamespace(ns: string): boolean {
  return ns === "" || ns.startsWith("jabber:") || ns.startsWith("http://jabber.org/") || ns === NS.VCARD;
}
