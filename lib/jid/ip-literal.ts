/**
 * Domainparts that are IP addresses: dotted-decimal IPv4, or IPv6 in square brackets.
 * IPv6 is written in one canonical form (lower case, zeros compressed) so equal addresses compare
 * equal as strings.
 *
 * References:
 * - RFC 7622 §3.2 (domainpart = IP-literal / IPv4address / ifqdn)
 * - RFC 3986 §3.2.2 (IP-literal, IPv4address, dec-octet)
 * - RFC 5952 §4 (canonical IPv6 text: lower case, longest zero run compressed)
 */

import { isIPv6 } from "node:net";

import { JidError } from "./jid-error";

const DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);

/** RFC 3986 IPv4address: exactly four decimal octets, no leading zeros. */
export function isIpv4Address(s: string): boolean {
  return IPV4.test(s);
}

/** Prepares "[…]"; the caller has seen the leading '['. */
export function prepIpLiteral(s: string): string {
  if (!s.endsWith("]")) throw new JidError("domainpart", "an IP literal must end with ']' (RFC 3986 §3.2.2)");
  const inner = s.slice(1, -1);
  if (/^v/i.test(inner)) throw new JidError("domainpart", "IPvFuture literals are not supported (RFC 3986 §3.2.2)");
  // net.isIPv6 also accepts zone identifiers ("fe80::1%eth0"), which are not part of IP-literal.
  if (inner.includes("%") || !isIPv6(inner)) {
    throw new JidError("domainpart", "is not a valid IPv6 address literal (RFC 3986 §3.2.2)");
  }
  // The WHATWG URL serializer writes IPv6 the RFC 5952 way.
  return new URL(`http://[${inner}]/`).hostname;
}
