/**
 * Size limits of each part of an address, counted after preparation.
 *
 * References:
 * - RFC 7622 §3.2, §3.3, §3.4 (each part is 1 to 1023 octets of UTF-8)
 */

import { JidError, type JidPart } from "./jid-error";

export const MAX_PART_BYTES = 1023;

// Preparation can shrink a string (NFC composes up to four code points into one, UTS #46 drops
// ignorables), but never by more than 4 UTF-16 units per output octet in practice. Anything longer
// is rejected before the costly Unicode work, so a hostile megabyte-long address costs nothing.
export const MAX_RAW_PART_UNITS = 4 * MAX_PART_BYTES;

export function assertRawSize(part: JidPart, s: string): void {
  if (s.length === 0) throw new JidError(part, "is empty (RFC 7622 §3.1: a present part must not be zero octets)");
  if (s.length > MAX_RAW_PART_UNITS) throw new JidError(part, `is longer than ${MAX_PART_BYTES} octets (RFC 7622 §3)`);
}

export function assertPreparedSize(part: JidPart, s: string): void {
  if (s.length === 0) throw new JidError(part, "is empty after preparation (RFC 7622 §3)");
  // A UTF-16 unit never needs more than three UTF-8 octets, so short strings need no exact count.
  if (s.length <= MAX_PART_BYTES / 3) return;
  const bytes = Buffer.byteLength(s, "utf8");
  if (bytes > MAX_PART_BYTES) {
    throw new JidError(part, `is ${bytes} octets of UTF-8 after preparation; the limit is ${MAX_PART_BYTES} (RFC 7622 §3)`);
  }
}
