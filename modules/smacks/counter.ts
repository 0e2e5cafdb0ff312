/**
 * The 'h' sequence numbers of stream management: unsigned 32-bit, wrapping to zero.
 *
 * References:
 * - XEP-0198 §4 (h starts at 0, counts handled stanzas, and is reset from 2^32-1 to 0 rather than reaching 2^32)
 */

export const H_MODULUS = 2 ** 32;

export function addH(h: number, n = 1): number {
  return (h + n) % H_MODULUS;
}

/** How far `newer` is ahead of `older` on the wrapping counter. */
export function distanceH(newer: number, older: number): number {
  return (((newer - older) % H_MODULUS) + H_MODULUS) % H_MODULUS;
}

/** An xs:unsignedInt in canonical decimal form, or undefined. */
export function parseH(value: string | undefined): number | undefined {
  if (value === undefined || !/^\+?\d{1,10}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n < H_MODULUS ? n : undefined;
}
