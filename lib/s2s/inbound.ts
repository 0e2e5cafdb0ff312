/**
 * Per-stream state of an incoming server-to-server link: which domain the peer claims, which
 * remote domains it has authenticated, and the certificate checks done so far.
 *
 * References:
 * - RFC 6120 §13.7.2 (certificate validation on inbound s2s), XEP-0178 §3, XEP-0220 §2.2.1
 */
import type { Session } from "../stream/session";
import { verifyPeerCertificate, type PeerCertCheck } from "../tls/verify-identity";
import type { TrustOptions } from "../tls/trust";

export class InboundState {
  /** The 'from' of the peer's stream header, once seen. */
  claimed: string | undefined;
  /** Remote domains the peer may send stanzas from, with how each was authenticated. */
  readonly authed = new Map<string, string>();
  /** Remote domains whose dialback verification is under way. */
  readonly dialbackPending = new Set<string>();
  /** The peer asked for a bidirectional stream (XEP-0288): we may answer over this stream. */
  bidi = false;
  private readonly certChecks = new Map<string, PeerCertCheck>();

  constructor(
    private readonly session: Session,
    private readonly trust: TrustOptions,
    /** Told of each (our domain, their domain) pair the peer is authenticated for. */
    private readonly onAuthenticated: (local: string, remote: string) => void,
  ) {}

  /** Is the peer's TLS certificate valid for this domain? Cached per domain for the stream's life. */
  cert(domain: string): PeerCertCheck {
    const sock = this.session.tlsSocket;
    if (!sock) return { valid: false, reason: "the stream is not encrypted" };
    let check = this.certChecks.get(domain);
    if (!check) {
      check = verifyPeerCertificate(sock, domain, this.trust);
      this.certChecks.set(domain, check);
    }
    return check;
  }

  /** The peer may send from `domain`; `local` is the domain of ours it authenticated towards. */
  authenticate(domain: string, mechanism: string, local: string): void {
    this.authed.set(domain, mechanism);
    this.dialbackPending.delete(domain);
    this.session.markReady();
    this.session.log.info("incoming s2s stream authenticated", { session: this.session.id, from: domain, to: local, mechanism, bidi: this.bidi || undefined });
    this.onAuthenticated(local, domain);
  }
}
