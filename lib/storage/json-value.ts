/**
 * The single place values are serialized, so both drivers agree on what round-trips.
 * The memory driver stores the encoded string too: that gives it the deep copy it needs and
 * the exact semantics of the SQLite driver.
 */

export function encodeJson(value: unknown): string {
  // JSON.stringify throws on BigInt and cycles, and returns undefined for functions and symbols.
  const text = JSON.stringify(value);
  if (typeof text !== "string") throw new TypeError(`storage: value of type ${typeof value} is not JSON`);
  return text;
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
