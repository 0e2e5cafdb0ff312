/**
 * Options for the server side of a TLS connection — `tls.createServer(opts)` for Direct TLS, or
 * `new tls.TLSSocket(sock, { isServer: true, ...opts })` after STARTTLS — plus per-socket hardening.
 *
 * References:
 * - RFC 7590 §3.1 (SNI), §3.2 (BCP 195 applies to XMPP)
 * - RFC 9325 §3 (TLS versions, compression, cipher suites)
 * - RFC 7301 §3.2 (ALPN: no_application_protocol when nothing matches)
 * - XEP-0368 §3 (Direct TLS, ALPN "xmpp-client" / "xmpp-server")
 * - RFC 6120 §5.3.5 (renegotiation), §13.7.2 (certificate policy is ours, not the TLS library's)
 */
import type * as tls from "node:tls";
import type { CertificateStore } from "./certs";
import { hardenedContextOptions } from "./context-options";
import { trustedCaList, type TrustOptions } from "./trust";

export interface TlsServerOptionsExtra {
  /**
   * ALPN protocols to accept, e.g. ["xmpp-client"] on a Direct TLS port. A client offering only
   * other protocols is refused with no_application_protocol; one offering none is accepted.
   * Leave it out on STARTTLS: some clients (go-sendxmpp) offer "xmpp-client" there too.
   */
  alpn?: string[];
  /**
   * Ask the peer for a certificate (s2s, SASL EXTERNAL). The handshake never fails because of it:
   * `rejectUnauthorized` is false and the caller decides with verifyPeerCertificate().
   */
  requestCert?: boolean;
  /** CAs used to check a requested peer certificate; default: the system store only. */
  trust?: TrustOptions;
}

const SYSTEM_ONLY: TrustOptions = { ca: [], useSystemStore: true };

/**
 * The default host must already have a certificate in the store (await store.ensure(defaultHost)).
 * Unknown or absent SNI gets the default host's certificate — never an error, never another
 * host's certificate chosen by guesswork.
 */
export function tlsServerOptions(store: CertificateStore, defaultHost: string, opts: TlsServerOptionsExtra = {}): tls.TlsOptions {
  const trust = opts.requestCert ? (opts.trust ?? SYSTEM_ONLY) : undefined;
  const defaultContext = store.secureContext(defaultHost, trust);
  const { cert, key } = store.credentials(defaultHost);

  const SNICallback = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    let ctx = defaultContext;
    try {
      if (store.find(servername)) ctx = store.secureContext(servername, trust);
    } catch {
      // An unreadable certificate file for one vhost must not break the handshake; the default stands.
    }
    cb(null, ctx);
  };

  return {
    // tls.createServer builds its no-SNI context from these; a TLSSocket uses `secureContext`.
    ...hardenedContextOptions(),
    cert,
    key,
    ...(trust ? { ca: trustedCaList(trust) } : {}),
    secureContext: defaultContext,
    SNICallback,
    ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
    requestCert: opts.requestCert ?? false,
    rejectUnauthorized: false,
  };
}

/**
 * Call on every server-side TLS socket. TLS 1.3 has no renegotiation; for TLS 1.2 OpenSSL already
 * refuses it (SSL_OP_NO_RENEGOTIATION in our contexts), and this is the second line for sockets
 * whose context did not come from here. Node only *reports* a disabled renegotiation as an 'error'
 * and otherwise lets the handshake run, so the socket is destroyed here as well.
 * The listener added here also means an unhandled socket error no longer crashes the process;
 * the caller should still attach its own 'error' handler for logging.
 */
export function hardenTlsSocket(sock: tls.TLSSocket): void {
  sock.disableRenegotiation();
  sock.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "ERR_TLS_RENEGOTIATION_DISABLED" || err.code === "ERR_TLS_SESSION_ATTACK") sock.destroy();
  });
}
