/**
 * The SCRAM key schedule: Hi(), ClientKey/StoredKey/ServerKey, proofs and signatures.
 *
 * References:
 * - RFC 5802 §2.2 (Hi, HMAC, H, XOR), §3 (SaltedPassword, ClientKey, StoredKey, ServerKey,
 *   ClientSignature, ClientProof, ServerSignature)
 * - RFC 7677 §3 (SCRAM-SHA-256); SCRAM-SHA-512 uses the same construction with SHA-512
 */
import { createHash, createHmac, pbkdf2, timingSafeEqual } from "node:crypto";

export type ScramHash = "sha1" | "sha256" | "sha512";

/** Output length of each hash; Hi() is asked for exactly one block (RFC 5802 §2.2). */
export const HASH_LENGTH: Readonly<Record<ScramHash, number>> = { sha1: 20, sha256: 32, sha512: 64 };

export function hmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** Hi(str, salt, i) = PBKDF2 with HMAC-H. Async so a login never blocks the event loop. */
export function hi(hash: ScramHash, preparedPassword: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(preparedPassword, "utf8"), salt, iterations, HASH_LENGTH[hash], hash, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export function clientKeyOf(hash: ScramHash, saltedPassword: Buffer): Buffer {
  return hmac(hash, saltedPassword, "Client Key");
}

export function serverKeyOf(hash: ScramHash, saltedPassword: Buffer): Buffer {
  return hmac(hash, saltedPassword, "Server Key");
}

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new RangeError("xor: length mismatch");
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * Constant-time equality. Lengths are public (they follow from the hash or the protocol), so an
 * early length check leaks nothing; the content comparison never short-circuits.
 */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
