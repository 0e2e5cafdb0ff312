/**
 * Stored SCRAM credentials: what the account store keeps instead of a password.
 *
 * References:
 * - RFC 5802 §3 (SaltedPassword, StoredKey, ServerKey), §5.1 (SASLprep the password), §9 (salt)
 * - RFC 7677 §4 (iteration count at least 4096)
 * - XEP-0438 §3 (per-user random salt, iteration counts); reliability.md AUTH-04, AUTH-10
 */
import { randomBytes } from "node:crypto";
import { clientKeyOf, digest, hi, safeEqual, serverKeyOf, type ScramHash } from "./scram-crypto";
import { decodeBase64Strict } from "./base64";
import { saslPrep } from "./saslprep";

export type { ScramHash } from "./scram-crypto";
export { saslPrep, SaslPrepError, type SaslPrepOptions } from "./saslprep";

/** Everything the server needs to run SCRAM for one user and one hash; all binary fields base64. */
export interface ScramCredentials {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

export const DEFAULT_ITERATIONS = 10000;
/** RFC 7677 §4: the floor below which clients (ours included) refuse to run. */
export const MIN_ITERATIONS = 4096;
export const SALT_BYTES = 16;
export const SCRAM_HASHES: readonly ScramHash[] = ["sha1", "sha256", "sha512"];

function preparePassword(password: string): string {
  // allowUnassigned: true — a password is a query in RFC 3454 terms when checked (PLAIN), and
  // refusing at set time what clients will send at login time would lock the user out.
  const prepared = saslPrep(password, { allowUnassigned: true });
  if (prepared === "") throw new RangeError("password is empty after SASLprep");
  return prepared;
}

async function saltedPassword(password: string, hash: ScramHash, salt: Buffer, iterations: number): Promise<Buffer> {
  return hi(hash, preparePassword(password), salt, iterations);
}

export async function deriveScramCredentials(
  password: string,
  hash: ScramHash,
  opts: { iterations?: number; salt?: Buffer } = {},
): Promise<ScramCredentials> {
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new RangeError(`SCRAM iteration count must be an integer >= ${MIN_ITERATIONS}`);
  }
  const salt = opts.salt ?? randomBytes(SALT_BYTES);
  if (salt.length === 0) throw new RangeError("SCRAM salt must not be empty");
  const salted = await saltedPassword(password, hash, salt, iterations);
  return {
    salt: salt.toString("base64"),
    iterations,
    storedKey: digest(hash, clientKeyOf(hash, salted)).toString("base64"),
    serverKey: serverKeyOf(hash, salted).toString("base64"),
  };
}

/**
 * Check a plaintext password (PLAIN) against stored SCRAM credentials, so that no plaintext form
 * ever needs to be stored. Costs one PBKDF2 run; comparison is constant-time.
 */
export async function checkScramPassword(password: string, hash: ScramHash, creds: ScramCredentials): Promise<boolean> {
  const salt = decodeBase64Strict(creds.salt);
  const storedKey = decodeBase64Strict(creds.storedKey);
  if (!salt || !storedKey || !Number.isSafeInteger(creds.iterations) || creds.iterations < 1) return false;
  let salted: Buffer;
  try {
    salted = await saltedPassword(password, hash, salt, creds.iterations);
  } catch {
    return false; // unpreparable input can never have been set as a password
  }
  return safeEqual(digest(hash, clientKeyOf(hash, salted)), storedKey);
}
