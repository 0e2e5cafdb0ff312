/**
 * Unicode character properties that PRECIS and IDNA2008 need but that JavaScript does not expose
 * directly: Bidi_Class, Joining_Type, Canonical_Combining_Class = Virama and Hangul_Syllable_Type.
 *
 * References:
 * - RFC 5893 §2 (Bidi_Class), RFC 5892 Appendix A.1/A.2 (Joining_Type, Virama)
 * - RFC 8264 §9.7 and RFC 5892 §2.9 (OldHangulJamo = Hangul_Syllable_Type L, V or T)
 */

import { BIDI_CLASS_RANGES, JOINING_TYPE_RANGES } from "./unicode-data";

export enum Bidi {
  L = 0,
  R = 1,
  AL = 2,
  EN = 3,
  ES = 4,
  ET = 5,
  AN = 6,
  CS = 7,
  NSM = 8,
  BN = 9,
  ON = 10,
  /** B, S, WS and the explicit embedding/override/isolate classes: never allowed by the Bidi Rule. */
  OTHER = 11,
}

export enum Joining {
  U = 0,
  D = 1,
  L = 2,
  R = 3,
  T = 4,
  C = 5,
}

interface RangeTable {
  starts: Uint32Array;
  ends: Uint32Array;
  codes: Uint8Array;
}

function unpack(triples: readonly number[]): RangeTable {
  const n = triples.length / 3;
  const table = { starts: new Uint32Array(n), ends: new Uint32Array(n), codes: new Uint8Array(n) };
  let end = 0;
  for (let i = 0; i < n; i++) {
    const start = end + triples[3 * i];
    end = start + triples[3 * i + 1];
    table.starts[i] = start;
    table.ends[i] = end;
    table.codes[i] = triples[3 * i + 2];
  }
  return table;
}

function lookup(table: RangeTable, cp: number): number {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cp < table.starts[mid]) hi = mid - 1;
    else if (cp >= table.ends[mid]) lo = mid + 1;
    else return table.codes[mid];
  }
  return 0;
}

const BIDI_TABLE = unpack(BIDI_CLASS_RANGES);
const JOINING_TABLE = unpack(JOINING_TYPE_RANGES);

export function bidiClass(cp: number): Bidi {
  return lookup(BIDI_TABLE, cp) as Bidi;
}

export function joiningType(cp: number): Joining {
  return lookup(JOINING_TABLE, cp) as Joining;
}

// Canonical ordering sorts adjacent combining marks by combining class, so where a mark lands
// between a ccc=7 reference (U+093C NUKTA) and a ccc=10 reference (U+05B0 SHEVA) reveals whether
// its class is 8 or 9. ICU then keeps this in step with the running Unicode version.
const NUKTA = "\u093c";
const SHEVA = "\u05b0";

/** Canonical_Combining_Class(cp) == Virama (9). */
export function isVirama(cp: number): boolean {
  // ccc=8 is only the two kana voicing marks; the references are excluded because they would
  // trivially "sort" against themselves.
  if (cp < 0x300 || cp === 0x3099 || cp === 0x309a || cp === 0x093c || cp === 0x05b0) return false;
  const ch = String.fromCodePoint(cp);
  if (ch.normalize("NFD") !== ch) return false;
  return ("a" + ch + NUKTA).normalize("NFD") === "a" + NUKTA + ch && ("a" + SHEVA + ch).normalize("NFD") === "a" + ch + SHEVA;
}

/** Hangul_Syllable_Type is L, V or T: the conjoining jamo, which NFC may fuse into syllables. */
export function isOldHangulJamo(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x11ff) || // L 1100..115F, V 1160..11A7, T 11A8..11FF
    (cp >= 0xa960 && cp <= 0xa97c) || // L
    (cp >= 0xd7b0 && cp <= 0xd7c6) || // V
    (cp >= 0xd7cb && cp <= 0xd7fb) // T
  );
}
