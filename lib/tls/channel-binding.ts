/**
 * Channel-binding data for SCRAM-*-PLUS: ties the SASL exchange to this very TLS connection, so
 * a man in the middle who terminates TLS cannot relay the authentication.
 *
 * - tls-exporter (RFC 9266 §2): TLS exporter, label "EXPORTER-Channel-Binding", zero-length context,
 *   32 bytes. RFC 9266 defines it for TLS 1.3, and for TLS 1.2 only with the extended master secret
 *   (RFC 7627). Node cannot tell us whether EMS was negotiated; OpenSSL 3 offers and accepts it by
 *   default, so we return it on 1.2 as well. The context is passed as an empty buffer, which in
 *   TLS 1.2 differs from "no context" (RFC 5705 §4); "zero-length string" is the RFC's wording.
 * - tls-server-end-point (RFC 5929 §4.1): hash of the server certificate's DER, with the hash of
 *   the certificate's signature algorithm; MD5 and SHA-1 are replaced by SHA-256. For algorithms
 *   without a single hash (Ed25519, Ed448) RFC 5929 leaves it undefined, and so do we.
 * - tls-unique (RFC 5929 §3.1): "the first Finished message sent in the most recent handshake".
 *   On a full TLS 1.2 handshake the client sends Finished first, so that is the client's Finished
 *   (client: getFinished(), server: getPeerFinished()); on an abbreviated (resumed) handshake the
 *   server's goes first, so the roles swap. The selection below is the one CPython's
 *   SSLSocket.get_channel_binding("tls-unique") uses, which matters for the next point.
 *   COMPAT: tls-unique is undefined for TLS 1.3 (RFC 9266 §3, RFC 8446 §C.5) — there the server's
 *   Finished is sent first — but slixmpp 1.8 uses SCRAM-*-PLUS with tls-unique on TLS 1.3 via
 *   CPython's formula. We return the same bytes CPython computes so those clients can log in;
 *   supportedChannelBindings() does not advertise it on 1.3.
 *
 * References:
 * - RFC 5929 §3, §4 (tls-unique, tls-server-end-point)
 * - RFC 9266 §2, §3 (tls-exporter; tls-unique undefined for TLS 1.3)
 * - RFC 5705 §4 (exporter context), RFC 7627 (extended master secret)
 * - XEP-0440 §4 (servers MUST support tls-server-end-point)
 */
import { createHash } from "node:crypto";
import type * as tls from "node:tls";
import { x509 } from "./x509";

export type ChannelBindingType = "tls-exporter" | "tls-server-end-point" | "tls-unique";

export function channelBindingData(sock: tls.TLSSocket, type: string, side: "server" | "client"): Buffer | undefined {
  const version = sock.getProtocol();
  if (version !== "TLSv1.3" && version !== "TLSv1.2") return undefined;
  switch (type) {
    case "tls-exporter":
      return sock.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0));
    case "tls-server-end-point": {
      const raw = side === "server" ? ownCertificate(sock) : peerCertificate(sock);
      return raw ? serverEndPoint(raw) : undefined;
    }
    case "tls-unique": {
      // Client sent the first Finished unless the session was resumed (CPython's rule; see above).
      const ownFinishedFirst = sock.isSessionReused() !== (side === "client");
      return (ownFinishedFirst ? sock.getFinished() : sock.getPeerFinished()) ?? undefined;
    }
    default:
      return undefined;
  }
}

/** Types worth advertising (XEP-0440) on this connection, best first. */
export function supportedChannelBindings(sock: tls.TLSSocket): ChannelBindingType[] {
  const version = sock.getProtocol();
  const out: ChannelBindingType[] = [];
  if (version !== "TLSv1.3" && version !== "TLSv1.2") return out;
  out.push("tls-exporter");
  const own = ownCertificate(sock);
  if (own && serverEndPoint(own)) out.push("tls-server-end-point");
  if (version === "TLSv1.2") out.push("tls-unique");
  return out;
}

// getCertificate() returns {} when this side sent no certificate.
function ownCertificate(sock: tls.TLSSocket): Buffer | undefined {
  return (sock.getCertificate() as Partial<tls.PeerCertificate> | null)?.raw;
}

function peerCertificate(sock: tls.TLSSocket): Buffer | undefined {
  return (sock.getPeerCertificate() as Partial<tls.PeerCertificate> | null)?.raw;
}

/** A server has few certificates; parsing one (for its signature hash) costs far more than a login's SCRAM. */
const endPointCache = new Map<string, Buffer | undefined>();
const END_POINT_CACHE_MAX = 64;

function serverEndPoint(der: Buffer): Buffer | undefined {
  const key = der.toString("base64");
  if (endPointCache.has(key)) return endPointCache.get(key);
  const hash = endPointHash(der);
  const value = hash ? createHash(hash).update(der).digest() : undefined;
  if (endPointCache.size >= END_POINT_CACHE_MAX) endPointCache.delete(endPointCache.keys().next().value as string);
  endPointCache.set(key, value);
  return value;
}

function endPointHash(der: Buffer): string | undefined {
  let alg: { name: string; hash?: { name: string } };
  try {
    alg = new x509.X509Certificate(der).signatureAlgorithm as typeof alg;
  } catch {
    return undefined;
  }
  switch (alg.hash?.name?.toUpperCase()) {
    case "MD5":
    case "SHA-1":
    case "SHA-256":
      return "sha256";
    case "SHA-384":
      return "sha384";
    case "SHA-512":
      return "sha512";
    default:
      return undefined;
  }
}
