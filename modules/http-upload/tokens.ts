/**
 * Unguessable file ids and PUT secrets from the operating system's CSPRNG, and a comparison whose
 * time does not depend on where (or whether) two secrets differ.
 *
 * References:
 * - XEP-0363 §8 (long random URL parts, impossible to guess)
 * - reliability.md HTTP-08 (crypto.randomBytes, at least 128 bits, never Math.random)
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A file id: 128 random bits in base64url, used in the URL and as the file's name on disk. */
export const FILE_ID = /^[A-Za-z0-9_-]{22}$/;

export function newFileId(): string {
  return randomBytes(16).toString("base64url");
}

/** The PUT secret: 256 bits, sent only in the slot's Authorization header, never in a URL. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Hashing both sides first makes the comparison independent of their lengths as well. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
