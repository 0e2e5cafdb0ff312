/**
 * Spot checks of the derived property against the published PRECIS tables: one code point per
 * category, and the ones where the order of the tests in RFC 8264 §8 decides the outcome.
 *
 * References:
 * - RFC 8264 §8 (algorithm), §9 (categories)
 */

import { derivedProperty } from "./precis-class";

const hex = (cp: number): string => cp.toString(16).toUpperCase().padStart(4, "0");

/** Rows [code point, expected] become [hex name, expected, code point], for readable test names. */
function rows<T>(table: readonly (readonly [number, T])[]): [string, T, number][] {
  return table.map(([cp, expected]) => [hex(cp), expected, cp]);
}

function both(cp: number): string {
  const id = derivedProperty(cp, "IdentifierClass");
  const free = derivedProperty(cp, "FreeformClass");
  const value = id.value === "PVALID" ? "PVALID" : free.value === "PVALID" ? "FREE_PVAL" : id.value;
  return `${value}/${id.category.split(" ")[0]}`;
}

describe("derived property (RFC 8264 §8)", () => {
  test.each(rows([
    [0x0000, "DISALLOWED/Controls"],
    [0x0020, "FREE_PVAL/Spaces"],
    [0x0021, "PVALID/ASCII7"],
    [0x007e, "PVALID/ASCII7"],
    [0x007f, "DISALLOWED/Controls"],
    [0x00a0, "FREE_PVAL/HasCompat"],
    [0x00a1, "FREE_PVAL/Punctuation"],
    [0x00a2, "FREE_PVAL/Symbols"],
    [0x00ad, "DISALLOWED/PrecisIgnorableProperties"],
    [0x00b7, "CONTEXTO/Exceptions"],
    [0x00df, "PVALID/Exceptions"],
    [0x00e9, "PVALID/LetterDigits"],
    [0x0340, "FREE_PVAL/HasCompat"], // a canonical singleton also changes under NFKC
    [0x0378, "UNASSIGNED/Unassigned"],
    [0x03c2, "PVALID/Exceptions"],
    [0x0488, "FREE_PVAL/OtherLetterDigits"], // Me
    [0x0600, "DISALLOWED/Other"], // Cf that is not default-ignorable
    [0x0640, "DISALLOWED/Exceptions"],
    [0x0660, "CONTEXTO/Exceptions"],
    [0x1100, "DISALLOWED/OldHangulJamo"],
    [0x1680, "FREE_PVAL/Spaces"],
    [0x1fbc, "FREE_PVAL/OtherLetterDigits"], // Lt
    [0x200b, "DISALLOWED/PrecisIgnorableProperties"],
    [0x200c, "CONTEXTJ/JoinControl"],
    [0x200d, "CONTEXTJ/JoinControl"],
    [0x2028, "DISALLOWED/Other"], // Zl
    [0x2163, "FREE_PVAL/HasCompat"],
    [0x2180, "FREE_PVAL/OtherLetterDigits"], // Nl without a compatibility mapping
    [0x265a, "FREE_PVAL/Symbols"],
    [0x2e2f, "PVALID/LetterDigits"], // VERTICAL TILDE is Lm
    [0x3000, "FREE_PVAL/HasCompat"],
    [0x3007, "PVALID/Exceptions"],
    [0x30fb, "CONTEXTO/Exceptions"],
    [0x3164, "DISALLOWED/PrecisIgnorableProperties"], // HANGUL FILLER is default-ignorable
    [0xa960, "DISALLOWED/OldHangulJamo"],
    [0xac00, "PVALID/LetterDigits"],
    [0xd7b0, "DISALLOWED/OldHangulJamo"],
    [0xd800, "DISALLOWED/Other"],
    [0xe000, "DISALLOWED/Other"],
    [0xfdd0, "DISALLOWED/PrecisIgnorableProperties"],
    [0xfeff, "DISALLOWED/PrecisIgnorableProperties"],
    [0xff21, "FREE_PVAL/HasCompat"],
    [0xfffd, "FREE_PVAL/Symbols"],
    [0xffff, "DISALLOWED/PrecisIgnorableProperties"],
    [0x1f600, "FREE_PVAL/Symbols"],
    [0xe0000, "UNASSIGNED/Unassigned"], // unassigned wins over default-ignorable
    [0xe0001, "DISALLOWED/PrecisIgnorableProperties"],
    [0xf0000, "DISALLOWED/Other"],
    [0x10fffe, "DISALLOWED/PrecisIgnorableProperties"],
  ]))("U+%s is %s", (_hex, expected, cp) => {
    expect(both(cp)).toBe(expected);
  });

  test("Unicode 16 and 17 additions are classified from the running ICU", () => {
    expect(both(0x1e6c0)).toBe("PVALID/LetterDigits"); // Tai Yo (Unicode 17)
    expect(both(0x10d6e)).toBe("FREE_PVAL/Punctuation"); // Garay (Unicode 16)
  });
});
