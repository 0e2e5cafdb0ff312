/**
 * Certificate policy for server-to-server links: when a valid certificate is required, and when
 * our own certificate is worth offering for SASL EXTERNAL.
 *
 * References:
 * - XEP-0178 §3 (SASL EXTERNAL between servers needs a certificate the peer can validate)
 * - RFC 6120 §13.7.2 (certificate validation), XEP-0344 (dialback and certificates)
 */
import type { Host } from "../host";
import type { CertificateStore } from "../tls/certs";

/** s2s_secure_auth, minus the domains listed in s2s_insecure_domains. */
export function secureAuthRequired(host: Host, remote: string): boolean {
  return host.options.s2s_secure_auth && !host.options.s2s_insecure_domains.some((d) => d.toLowerCase() === remote);
}

/**
 * A self-signed certificate cannot pass a peer's PKIX check, so offering EXTERNAL with it only
 * costs a round trip before dialback: we try EXTERNAL only with a CA-issued, unexpired one.
 */
export function ownCertificateUsable(certs: CertificateStore, local: string): boolean {
  const entry = certs.find(local);
  return entry !== undefined && !entry.selfSigned && entry.notAfter.getTime() > Date.now();
}
