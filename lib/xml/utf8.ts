/**
 * Just enough UTF-8 structure to keep decoding chunk-independent. The fast path is the fatal
 * TextDecoder; these helpers only run to remember an incomplete trailing sequence (≤ 3 bytes) and,
 * once, to find where the valid prefix of a failing slice ends, so that everything before an
 * invalid byte is processed exactly as it would be had it arrived in a separate write.
 *
 * References:
 * - RFC 3629 §4 (UTF-8 syntax: no overlongs, no surrogates, ≤ U+10FFFF)
 * - RFC 6120 §11.6 (UTF-8 only)
 */

/** Length of the sequence a lead byte announces, or 0 if it cannot start one. */
function seqLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Index of the first byte of the first invalid sequence, or -1 when there is none (a sequence that
 * is merely cut off at the end counts as valid).
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = seqLength(c);
    if (len === 0) return i;
    // The second byte carries the overlong/surrogate/range restrictions.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return -1;
      const d = b[i + k];
      if (k === 1 ? d < lo || d > hi : (d & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return -1;
}

/** How many trailing bytes start a sequence that is not complete yet (0–3). */
export function incompleteTail(b: ArrayLike<number>): number {
  const n = b.length;
  let j = n - 1;
  while (j >= 0 && n - j < 4 && (b[j] & 0xc0) === 0x80) j--;
  if (j < 0) return 0;
  const need = seqLength(b[j]);
  const have = n - j;
  return need > have ? have : 0;
}
