/**
 * Dialback keys: HMAC-SHA256 keyed with the hex SHA-256 of a secret, over the receiving domain,
 * the originating domain and the stream id, separated by spaces. The separators matter: without
 * them (to=a.example, from=bc.example) and (to=ab.example, from=c.example) share a key (the 2016
 * "Wrong Number" attack).
 *
 * References:
 * - XEP-0185 §3 (key generation), XEP-0220 §2.1.1 (example: the secret's hex digest is the HMAC key)
 * - RFC 6120 §4.7.3 (stream ids are unpredictable, so keys are too)
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The HMAC key: hex SHA-256 of the secret (XEP-0185 §3 step 1). */
export function dialbackSecret(secret: string | Buffer): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function dialbackKey(secretHex: string, receiving: string, originating: string, streamId: string): string {
  return createHmac("sha256", secretHex).update(`${receiving} ${originating} ${streamId}`).digest("hex");
}

/** Constant-time check of a key presented in a <db:verify/>. */
export function checkDialbackKey(secretHex: string, receiving: string, originating: string, streamId: string, key: string): boolean {
  const expected = Buffer.from(dialbackKey(secretHex, receiving, originating, streamId), "utf8");
  const given = Buffer.from(key.trim(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
