/**
 * The TLS parameters every server-side context gets, in one place so the SNI contexts and the
 * server's own default context can never drift apart.
 *
 * References:
 * - RFC 9325 §3.1.1 (TLS 1.2 minimum, 1.3 preferred), §3.3 (no TLS compression), §4.2 (AEAD
 *   suites with forward secrecy for TLS 1.2)
 * - RFC 8996 (TLS 1.0 and 1.1 deprecated)
 * - RFC 7590 §3 (XMPP follows BCP 195)
 * - RFC 6120 §5.3.5 (renegotiation: servers may refuse it)
 */
import { constants } from "node:crypto";
import type * as tls from "node:tls";

/** TLS 1.2 suites: ECDHE + AEAD only. TLS 1.3 suites stay at OpenSSL's defaults (all AEAD). */
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

export const TLS13_CIPHERS = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].join(":");

/**
 * minVersion is explicit rather than inherited from tls.DEFAULT_MIN_VERSION, which a
 * `--tls-min-v1.0` flag or another module could lower for the whole process.
 * SSL_OP_NO_RENEGOTIATION makes OpenSSL refuse a TLS 1.2 renegotiation before any handshake
 * work is done (Prosody CVE-2021-32920 was a CPU DoS by renegotiation); hardenTlsSocket adds
 * Node's own check on top.
 */
export function hardenedContextOptions(): tls.SecureContextOptions {
  return {
    minVersion: "TLSv1.2",
    ciphers: `${TLS13_CIPHERS}:${TLS12_CIPHERS}`,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_COMPRESSION | constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_CIPHER_SERVER_PREFERENCE,
  };
}
