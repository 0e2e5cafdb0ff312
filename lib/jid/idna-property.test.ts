/**
 * References:
 * - RFC 5892 §2, §3 (IDNA2008 derived property)
 */

import { idnaProperty } from "./idna-property";

const hex = (cp: number): string => cp.toString(16).toUpperCase().padStart(4, "0");

/** Rows [code point, expected] become [hex name, expected, code point], for readable test names. */
function rows<T>(table: readonly (readonly [number, T])[]): [string, T, number][] {
  return table.map(([cp, expected]) => [hex(cp), expected, cp]);
}

describe("idnaProperty", () => {
  test.each(rows([
    [0x002d, "PVALID"], // LDH
    [0x0061, "PVALID"],
    [0x0041, "DISALLOWED"], // uppercase is unstable under case folding
    [0x005f, "DISALLOWED"], // '_' is not LDH
    [0x00df, "PVALID"], // exception
    [0x00e9, "PVALID"],
    [0x00b7, "CONTEXTO"],
    [0x0131, "PVALID"], // dotless i folds to itself
    [0x13a0, "PVALID"], // Cherokee capitals fold to themselves
    [0xab70, "DISALLOWED"], // Cherokee small letters fold to capitals
    [0x200c, "CONTEXTJ"],
    [0x200b, "DISALLOWED"], // default-ignorable
    [0x00a0, "DISALLOWED"], // NFKC changes it
    [0x20d0, "DISALLOWED"], // Combining Diacritical Marks for Symbols
    [0x1d165, "DISALLOWED"], // Musical Symbols (NFKC-stable Mc)
    [0x1100, "DISALLOWED"], // old Hangul jamo
    [0x265a, "DISALLOWED"], // symbols are not LetterDigits
    [0x0378, "UNASSIGNED"],
    [0xac00, "PVALID"],
    [0x4e00, "PVALID"],
  ]))("U+%s is %s", (_hex, value, cp) => {
    expect(idnaProperty(cp)).toBe(value);
  });
});
