/**
 * Client side of PLAIN (used by tests, the spec-test runner and the benchmark).
 *
 * References:
 * - RFC 4616 §2 (message = [authzid] UTF8NUL authcid UTF8NUL passwd)
 */

export function plainClientResponse(username: string, password: string, authzid?: string): Buffer {
  return Buffer.from(`${authzid ?? ""}\u0000${username}\u0000${password}`, "utf8");
}
