/**
 * Options for our outbound TLS (s2s): present our own certificate, send SNI, and leave every
 * certificate decision to verifyPeerCertificate() so a bad peer certificate can still fall back
 * to dialback where policy allows.
 *
 * References:
 * - RFC 6120 §5.4.3.1, §13.7.2 (the initiating server validates the receiving server's certificate)
 * - RFC 7590 §3.1 (send SNI)
 * - XEP-0368 §3 (ALPN "xmpp-server" on Direct TLS)
 * - XEP-0178 §3 (our certificate lets the peer offer SASL EXTERNAL)
 */
import type * as tls from "node:tls";
import type { CertificateStore } from "./certs";
import { toALabel } from "./names";
import type { TrustOptions } from "./trust";

export function tlsClientOptions(
  store: CertificateStore,
  localHost: string,
  remoteDomain: string,
  trust: TrustOptions,
  opts: { alpn?: string[] } = {},
): tls.ConnectionOptions {
  const servername = toALabel(remoteDomain);
  if (servername === undefined) throw new Error(`invalid remote domain ${JSON.stringify(remoteDomain)}`);
  return {
    // Same cached context as our server side: our certificate, hardened parameters, `ca` = trust.
    secureContext: store.secureContext(localHost, trust),
    servername,
    minVersion: "TLSv1.2",
    rejectUnauthorized: false,
    // Node's own hostname check knows neither SRV-ID nor XmppAddr and still falls back to the CN.
    checkServerIdentity: () => undefined,
    ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
  };
}
