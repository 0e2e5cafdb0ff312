/**
 * Is the peer on this TLS connection really `domain`? Chain trust, validity period, chain length,
 * then the RFC 9525 name match.
 *
 * Name matching (certificateMatchesDomain):
 * - DNS-ID: subjectAltName dNSName; a wildcard only as the whole left-most label, covering exactly
 *   one label (see names.ts).
 * - SRV-ID: otherName id-on-dnsSRV "_xmpp-server.<domain>" (or _xmpp-client); no wildcards.
 * - XmppAddr: otherName id-on-xmppAddr equal to the bare domain; no wildcards.
 * - No CN-ID at all, even when there is no subjectAltName. RFC 6125 allowed a CN fallback when no
 *   SAN was present; RFC 9525 removed CN-IDs entirely, Prosody 13 followed, and every public CA has
 *   put names in the SAN for years, so the fallback only ever served attackers (CVE-2025-59154).
 * - Domains are compared as lowercase A-labels, so "bücher.example" matches "xn--bcher-kva.example".
 *
 * References:
 * - RFC 9525 §6 (verification of service identity), §6.3 (wildcards), §6.4 (SRV-ID)
 * - RFC 6125 §6 (superseded text, same rules plus CN fallback we deliberately omit)
 * - RFC 6120 §13.7.1.2, §13.7.1.4, §13.7.2 (XMPP server certificates, XmppAddr, validation)
 * - XEP-0178 §3 (s2s: the certificate must match the stream 'from')
 */
import type { X509Certificate } from "node:crypto";
import type * as tls from "node:tls";
import { dnsNameMatches, normalizePresentedDns, toALabel } from "./names";
import { certificateIdentities } from "./san";
import { trustAnchorFingerprints, type TrustOptions } from "./trust";

export interface PeerCertCheck {
  valid: boolean;
  reason?: string;
}

export interface MatchOptions {
  /** SRV-ID service to accept; s2s peers present "_xmpp-server". Default "xmpp-server". */
  service?: "xmpp-server" | "xmpp-client";
}

/**
 * Leaf + intermediates + root. Prosody caps OpenSSL's verify depth at 9; a longer chain is no
 * legitimate PKI and only costs CPU (reliability.md TLS-13).
 */
export const MAX_CHAIN_LENGTH = 10;

export function certificateMatchesDomain(cert: X509Certificate | Buffer, domain: string, opts: MatchOptions = {}): boolean {
  const reference = toALabel(domain);
  if (reference === undefined) return false;
  const der = Buffer.isBuffer(cert) ? cert : cert.raw;
  const ids = certificateIdentities(der);
  if (!ids) return false;

  for (const name of ids.dnsNames) {
    const presented = normalizePresentedDns(name);
    if (presented !== undefined && dnsNameMatches(presented, reference)) return true;
  }
  const service = `_${opts.service ?? "xmpp-server"}.`;
  for (const srv of ids.srvNames) {
    if (!srv.toLowerCase().startsWith(service)) continue;
    if (toALabel(srv.slice(service.length)) === reference) return true;
  }
  for (const jid of ids.xmppAddrs) {
    // Only a bare domain JID names a server; user@domain or domain/resource does not.
    if (/[@/]/.test(jid)) continue;
    if (toALabel(jid) === reference) return true;
  }
  return false;
}

/**
 * For a socket created with `requestCert: true, rejectUnauthorized: false` (or, outbound, with
 * `rejectUnauthorized: false`) and `ca` from trustedCaList(trust): OpenSSL has already checked
 * signatures, validity and the chain against that `ca` and kept the verdict. Our own policy runs
 * here, so a bad certificate can lead to dialback instead of a torn-down handshake
 * (reliability.md TLS-11). Call it again on long-lived streams, while the socket is still open:
 * the validity check uses the current time (RFC 6120 §13.7.2.3).
 */
export function verifyPeerCertificate(sock: tls.TLSSocket, domain: string, trust: TrustOptions, opts: MatchOptions = {}): PeerCertCheck {
  const leaf = sock.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return { valid: false, reason: "no certificate presented" };
  const chainError = chainVerificationError(sock);
  if (chainError !== null) return { valid: false, reason: `untrusted certificate: ${chainError}` };

  const chain = chainOf(leaf);
  if (chain.length > MAX_CHAIN_LENGTH) {
    return { valid: false, reason: `certificate chain too long (${chain.length} > ${MAX_CHAIN_LENGTH})` };
  }
  const anchors = trustAnchorFingerprints(trust);
  if (!chain.some((c) => anchors.has(c.fingerprint256))) {
    return { valid: false, reason: "certificate chain does not end in a configured trust anchor" };
  }
  const now = Date.now();
  for (const c of chain) {
    const from = Date.parse(c.valid_from);
    const to = Date.parse(c.valid_to);
    if (!(from <= now)) return { valid: false, reason: `certificate not yet valid (notBefore ${c.valid_from})` };
    if (!(now <= to)) return { valid: false, reason: `certificate expired (notAfter ${c.valid_to})` };
  }
  if (!certificateMatchesDomain(leaf.raw, domain, opts)) {
    return { valid: false, reason: `certificate is not valid for ${domain}` };
  }
  return { valid: true };
}

/**
 * OpenSSL's verdict on the chain alone, null when it verified. The TLS handle's verifyError() is
 * asked first because `sock.authorized` is not always that verdict: Node never sets it on a
 * standalone `new tls.TLSSocket(raw, { isServer: true })` (our STARTTLS path), and on a client
 * socket it also folds in Node's own hostname check (checkServerIdentity), whose rules are not
 * RFC 9525's. `ssl` is Node's legacy (undocumented) alias of the handle.
 */
function chainVerificationError(sock: tls.TLSSocket): string | null {
  const handle = (sock as unknown as { ssl?: { verifyError?: () => (Error & { code?: string }) | null } }).ssl;
  if (typeof handle?.verifyError === "function") {
    const err = handle.verifyError();
    return err ? (err.code ?? err.message) : null;
  }
  if (sock.authorized) return null;
  return String(sock.authorizationError ?? "chain not verified");
}

// Node links each certificate to its issuer; a self-signed root links to itself.
function chainOf(leaf: tls.DetailedPeerCertificate): tls.DetailedPeerCertificate[] {
  const out: tls.DetailedPeerCertificate[] = [];
  const seen = new Set<tls.DetailedPeerCertificate>();
  let c: tls.DetailedPeerCertificate | undefined = leaf;
  while (c && c.raw && !seen.has(c) && out.length <= MAX_CHAIN_LENGTH) {
    seen.add(c);
    out.push(c);
    c = c.issuerCertificate;
  }
  return out;
}
