/**
 * A certificate we can serve: the files, the names it covers and when it runs out.
 *
 * References:
 * - RFC 9525 §6 (names come from the subjectAltName only)
 */
export interface CertificateEntry {
  certPath: string;
  keyPath: string;
  /** dNSName SANs (lowercased A-labels, wildcards kept as "*.example.com") and xmppAddr SANs. */
  names: string[];
  notAfter: Date;
  selfSigned: boolean;
}
