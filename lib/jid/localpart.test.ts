/**
 * References:
 * - RFC 7622 §3.3 and §3.3.1 (localpart = UsernameCaseMapped + " & ' / : < > @ excluded)
 * - RFC 8265 §3.3 (UsernameCaseMapped), §3.6 (examples)
 * - RFC 5892 Appendix A (contextual rules), RFC 5893 §2 (Bidi Rule)
 */

import { JidError, prepLocal } from "./index";

function reason(s: string): string {
  try {
    prepLocal(s);
  } catch (err) {
    if (err instanceof JidError) {
      expect(err.part).toBe("localpart");
      return err.message;
    }
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
}

describe("RFC 8265 §3.6 userpart examples", () => {
  test.each([
    ["fussball", "fussball"],
    ["fu\u00dfball", "fu\u00dfball"],
    ["\u03c0", "\u03c0"],
    ["\u03a3", "\u03c3"],
    ["\u03c3", "\u03c3"],
    ["\u03c2", "\u03c2"],
  ])("%j prepares to %j", (input, output) => {
    expect(prepLocal(input)).toBe(output);
  });

  test("<juliet@example.com> is a userpart but not an XMPP localpart", () => {
    expect(reason("juliet@example.com")).toBe("localpart: must not contain '@' (RFC 7622 §3.3.1)");
  });

  test.each([
    ["foo bar", /U\+0020 .*Spaces/],
    ["henry\u2163", /HasCompat/],
    ["\u265a", /U\+265A .*Symbols/],
  ])("%j is rejected", (input, why) => {
    expect(reason(input)).toMatch(why);
  });

  test("the empty string is rejected", () => {
    expect(reason("")).toMatch(/^localpart: is empty/);
  });
});

describe("mapping", () => {
  test.each([
    ["\uff2auliet", "juliet"], // width, then case
    ["\uff21\uff22\uff23", "abc"],
    ["\uff76\uff9e", "\u30ac"], // halfwidth KA + voiced mark compose to GA
    ["JULIET", "juliet"],
    ["\u1e9e", "\u00df"], // CAPITAL SHARP S lowercases to ß
    ["\u0130", "i\u0307"], // toLowerCase, not Turkish-specific
    ["\u0391\u03a3", "\u03b1\u03c2"], // Unicode toLowerCase applies Final_Sigma
    ["K\u0301", "\u1e31"], // NFC after lowercasing
    ["\u212b", "\u00e5"], // ANGSTROM SIGN: NFC, then lower
    ["\u2126", "\u03c9"], // OHM SIGN is judged as the omega it becomes
    ["\u1100\u1161", "\uac00"], // conjoining jamo compose to a syllable
    ["\u0131", "\u0131"], // dotless i is its own letter
  ])("%j prepares to %j", (input, output) => {
    expect(prepLocal(input)).toBe(output);
  });

  test("halfwidth Hangul maps to compatibility jamo, which stay disallowed", () => {
    // NFKC would give conjoining jamo that NFC fuses into U+AC00; the decomposition mapping must not.
    expect(reason("\uffa1\uffc2")).toMatch(/U\+3131 .*HasCompat/);
  });

  test("ASCII punctuation other than the XMPP exclusions is allowed", () => {
    expect(prepLocal("!#$%()*+,-.;=?[\\]^_`{|}~")).toBe("!#$%()*+,-.;=?[\\]^_`{|}~");
  });

  test("preparation is idempotent", () => {
    for (const s of ["\uff2auliet", "\u0130", "\u0391\u03a3", "K\u0301\u0301", "\u212b", "\u05d0\u05d1", "l\u00b7l"]) {
      const once = prepLocal(s);
      expect(prepLocal(once)).toBe(once);
    }
  });
});

describe("RFC 7622 §3.3.1 extra exclusions", () => {
  test.each(['"', "&", "'", "/", ":", "<", ">", "@"])("%j is rejected", (ch) => {
    expect(reason(`a${ch}b`)).toBe(`localpart: must not contain '${ch}' (RFC 7622 §3.3.1)`);
  });

  test("also when width mapping produces them", () => {
    expect(reason("a\uff06b")).toBe("localpart: must not contain '&' (RFC 7622 §3.3.1)");
  });
});

describe("IdentifierClass exclusions", () => {
  test.each([
    ["a\u0000", /U\+0000 .*Controls/],
    ["a\tb", /U\+0009 .*Controls/],
    ["a\u007f", /U\+007F .*Controls/],
    ["a\u0085", /U\+0085 .*Controls/],
    ["a\u00a0b", /U\+00A0 .*HasCompat/],
    ["a\u3000b", /U\+0020 .*Spaces/], // IDEOGRAPHIC SPACE width-maps to SPACE
    ["a\u00adb", /U\+00AD .*PrecisIgnorableProperties/],
    ["a\u200bb", /U\+200B .*PrecisIgnorableProperties/],
    ["a\u202eb", /U\+202E .*PrecisIgnorableProperties/],
    ["a\ufdd0", /U\+FDD0 .*PrecisIgnorableProperties/],
    ["a\ue000", /U\+E000 .*Other/],
    ["a\ud800", /U\+D800 .*Other/],
    ["a\udc00b", /U\+DC00 .*Other/],
    ["a\u2028", /U\+2028 .*Other/],
    ["a\u0378", /U\+0378 is unassigned/],
    ["\u1100", /U\+1100 .*OldHangulJamo/],
    ["\ufffd", /U\+FFFD .*Symbols/],
    ["\u{1f600}", /U\+1F600 .*Symbols/],
    ["\u00a1", /U\+00A1 .*Punctuation/],
    ["\ufb01", /U\+FB01 .*HasCompat/],
    ["\u01c5", /U\+01C6 .*HasCompat/], // titlecase dz lowercases to a compatibility ligature
    ["\u0640", /U\+0640 .*Exceptions/],
  ])("%j is rejected: %s", (input, why) => {
    expect(reason(input)).toMatch(why);
  });
});

describe("contextual rules (RFC 5892 Appendix A)", () => {
  test.each([
    ["l\u00b7l", "A.3 MIDDLE DOT between l and l"],
    ["\u0375\u03b1", "A.4 KERAIA before Greek"],
    ["\u05d0\u05f3", "A.5 GERESH after Hebrew"],
    ["\u05d0\u05f4", "A.6 GERSHAYIM after Hebrew"],
    ["\u30ab\u30fba", "A.7 KATAKANA MIDDLE DOT with Katakana"],
    ["\u0915\u094d\u200d\u0937", "A.2 ZWJ after virama"],
    ["\u0915\u094d\u200c\u0937", "A.1 ZWNJ after virama"],
    ["\u0628\u200c\u0628", "A.1 ZWNJ between dual-joining letters"],
    ["\u0628\u064e\u200c\u064e\u0628", "A.1 ZWNJ with transparent marks around it"],
    ["\u0628\u0660", "A.8 Arabic-Indic digit alone"],
    ["\u0628\u06f0", "A.9 extended Arabic-Indic digit alone"],
  ])("%j is allowed (%s)", (input) => {
    expect(prepLocal(input)).toBe(input);
  });

  test.each([
    ["a\u00b7b", /A\.3/],
    ["\u00b7l", /A\.3/],
    ["\u0375a", /A\.4/],
    ["\u05f3\u05d0", /A\.5/],
    ["a\u30fbb", /A\.7/],
    ["a\u200db", /A\.2/],
    ["\u200d", /A\.2/],
    ["a\u200cb", /A\.1/],
    ["\u0628\u200c", /A\.1/],
    ["\u0627\u200c\u0628", /A\.1/], // ALEF is right-joining: it cannot join to the left
    ["\u0628\u0660\u06f0", /A\.8/],
  ])("%j is rejected", (input, rule) => {
    expect(reason(input)).toMatch(rule);
  });
});

describe("Bidi Rule (RFC 5893 §2) for localparts with right-to-left characters", () => {
  test.each([
    ["\u05d0\u05d1", "Hebrew letters"],
    ["\u05d0\u05d11", "RTL ending in a European digit"],
    ["\u0628\u0661", "Arabic letter and Arabic-Indic digit"],
    ["\u05d0\u05d1\u05b0", "RTL ending in a mark"],
    ["abc123", "no RTL at all: not checked, LTR ending in a digit"],
    ["a-", "no RTL at all: the rule is not applied"],
  ])("%j is allowed (%s)", (input) => {
    expect(prepLocal(input)).toBe(input);
  });

  test.each([
    ["1\u05d0\u05d1", /condition 1/],
    ["\u0660\u0661", /condition 1/],
    ["\u05d0\u05d1a", /condition 2/],
    ["\u05d0\u05d1-", /condition 3/],
    ["\u05d0\u05d11\u0661", /condition 4/],
    ["a\u05d0\u05d1", /condition 5/],
    ["a\u05d0\u05d1b", /condition 5/],
  ])("%j is rejected", (input, condition) => {
    expect(reason(input)).toMatch(condition);
  });
});

describe("size (RFC 7622 §3.3: 1 to 1023 octets after preparation)", () => {
  test("1023 ASCII octets pass, 1024 fail", () => {
    expect(prepLocal("a".repeat(1023))).toHaveLength(1023);
    expect(reason("a".repeat(1024))).toMatch(/1024 octets/);
  });

  test("the limit counts UTF-8 octets of the prepared string", () => {
    expect(prepLocal("\u00e9".repeat(511) + "a")).toHaveLength(512); // 1023 octets
    expect(reason("\u00e9".repeat(512))).toMatch(/1024 octets/);
    // Decomposed input is 1534 UTF-16 units but composes to 1023 octets.
    expect(prepLocal("e\u0301".repeat(511) + "a")).toBe("\u00e9".repeat(511) + "a");
    // Uppercase ASCII is counted after lowercasing (same size) and still passes.
    expect(prepLocal("A".repeat(1023))).toBe("a".repeat(1023));
  });

  test("non-strings are rejected", () => {
    expect(() => prepLocal(null as unknown as string)).toThrow("localpart: must be a string");
  });
});
