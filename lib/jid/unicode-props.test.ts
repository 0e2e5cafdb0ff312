/**
 * References:
 * - RFC 5893 §2 (Bidi_Class), RFC 5892 Appendix A.1–A.2 (Joining_Type, Virama)
 */

import { Bidi, Joining, bidiClass, isOldHangulJamo, isVirama, joiningType } from "./unicode-props";

const hex = (cp: number): string => cp.toString(16).toUpperCase().padStart(4, "0");

/** Rows [code point, expected] become [hex name, expected, code point], for readable test names. */
function rows<T>(table: readonly (readonly [number, T])[]): [string, T, number][] {
  return table.map(([cp, expected]) => [hex(cp), expected, cp]);
}

describe("bidiClass", () => {
  test.each(rows([
    [0x0041, "L"],
    [0x00e9, "L"],
    [0x05d0, "R"],
    [0x05f3, "R"],
    [0x0627, "AL"],
    [0x0031, "EN"],
    [0x06f1, "EN"],
    [0x0661, "AN"],
    [0x002b, "ES"],
    [0x002d, "ES"],
    [0x0023, "ET"],
    [0x002c, "CS"],
    [0x002e, "CS"],
    [0x0301, "NSM"],
    [0x200c, "BN"],
    [0x0021, "ON"],
    [0x0020, "OTHER"], // WS
    [0x202e, "OTHER"], // RLO
    [0x07c0, "R"], // N'Ko digit zero
    [0x1e900, "R"], // Adlam
    [0x10d4a, "R"], // Garay (Unicode 16)
  ]))("U+%s is %s", (_hex, cls, cp) => {
    expect(Bidi[bidiClass(cp)]).toBe(cls);
  });
});

describe("joiningType", () => {
  test.each(rows([
    [0x0628, "D"], // BEH
    [0x0627, "R"], // ALEF
    [0x064e, "T"], // FATHA
    [0x0640, "C"], // TATWEEL
    [0xa872, "L"], // PHAGS-PA SUPERFIXED LETTER RA
    [0x0041, "U"],
    [0x200c, "U"],
  ]))("U+%s is %s", (_hex, jt, cp) => {
    expect(Joining[joiningType(cp)]).toBe(jt);
  });
});

describe("isVirama (Canonical_Combining_Class = 9)", () => {
  const viramas = [0x094d, 0x09cd, 0x0bcd, 0x0d4d, 0x0e3a, 0x1039, 0x17d2, 0xa806, 0x11046];
  test.each(viramas.map((cp) => [hex(cp), cp]))("U+%s is a virama", (_hex, cp) => {
    expect(isVirama(cp)).toBe(true);
  });

  test.each([
    0x0915, // a letter
    0x093c, // NUKTA, ccc 7
    0x05b0, // SHEVA, ccc 10
    0x3099, // kana voiced mark, ccc 8
    0x0301, // ccc 230
    0x0041,
  ].map((cp) => [hex(cp), cp]))("U+%s is not", (_hex, cp) => {
    expect(isVirama(cp)).toBe(false);
  });
});

describe("isOldHangulJamo", () => {
  test("covers the conjoining jamo blocks and nothing else", () => {
    for (const cp of [0x1100, 0x115f, 0x1160, 0x11a7, 0x11a8, 0x11ff, 0xa960, 0xa97c, 0xd7b0, 0xd7c6, 0xd7cb, 0xd7fb]) {
      expect(isOldHangulJamo(cp)).toBe(true);
    }
    for (const cp of [0x10ff, 0x1200, 0xa95f, 0xa97d, 0xac00, 0xd7af, 0xd7c7, 0xd7fc, 0x3131]) {
      expect(isOldHangulJamo(cp)).toBe(false);
    }
  });
});
