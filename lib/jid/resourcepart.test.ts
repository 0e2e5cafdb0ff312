/**
 * References:
 * - RFC 7622 §3.4 (resourcepart = OpaqueString)
 * - RFC 8265 §4.2 (OpaqueString), §4.3 (examples 12–18)
 */

import { JidError, prepResource } from "./index";

function reason(s: string): string {
  try {
    prepResource(s);
  } catch (err) {
    if (err instanceof JidError) {
      expect(err.part).toBe("resourcepart");
      return err.message;
    }
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
}

describe("RFC 8265 §4.3 examples", () => {
  test.each([
    [12, "correct horse battery staple", "correct horse battery staple"],
    [13, "Correct Horse Battery Staple", "Correct Horse Battery Staple"],
    [14, "\u03c0\u00df\u00e5", "\u03c0\u00df\u00e5"],
    [15, "Jack of \u2666s", "Jack of \u2666s"],
    [16, "foo\u1680bar", "foo bar"],
  ])("example %i: %j prepares to %j", (_n, input, output) => {
    expect(prepResource(input)).toBe(output);
  });

  test("example 17: the empty string is rejected", () => {
    expect(reason("")).toMatch(/^resourcepart: is empty/);
  });

  test("example 18: TAB is rejected", () => {
    expect(reason("my cat is a \tby")).toMatch(/U\+0009 .*Controls/);
  });
});

describe("mapping", () => {
  test("case is preserved", () => {
    expect(prepResource("Balcony")).toBe("Balcony");
    expect(prepResource("\u03a3")).toBe("\u03a3");
  });

  test("fullwidth and compatibility characters are kept as they are", () => {
    expect(prepResource("\uff32")).toBe("\uff32");
    expect(prepResource("\u2163")).toBe("\u2163");
    expect(prepResource("\ufb00")).toBe("\ufb00");
  });

  test("non-ASCII spaces become SPACE; leading and trailing spaces stay", () => {
    expect(prepResource("A\u00a0B")).toBe("A B");
    expect(prepResource("\u2003x\u3000")).toBe(" x ");
    expect(prepResource(" ")).toBe(" ");
  });

  test("NFC", () => {
    expect(prepResource("Re\u0301s")).toBe("R\u00e9s");
    expect(prepResource("\u1100\u1161")).toBe("\uac00");
    expect(prepResource("\u212b")).toBe("\u00c5");
  });

  test("symbols, punctuation, emoji, separators and U+FFFD are allowed", () => {
    for (const s of ["\u265a", "\u{1f600}", "a@b/c", "\u00a1\u00bf", "\ufffd", "\u2126"]) {
      expect(prepResource(s)).toBe(s.normalize("NFC"));
    }
  });

  test("no Bidi Rule: mixed directions are fine", () => {
    expect(prepResource("a\u05d0\u05d1")).toBe("a\u05d0\u05d1");
    expect(prepResource("1\u05d0")).toBe("1\u05d0");
  });

  test("preparation is idempotent", () => {
    for (const s of ["foo\u1680bar", "Re\u0301s", "\u2003x\u3000", "\u0130"]) {
      const once = prepResource(s);
      expect(prepResource(once)).toBe(once);
    }
  });
});

describe("FreeformClass exclusions", () => {
  test.each([
    ["\u0000", /U\+0000 .*Controls/],
    ["a\nb", /U\+000A .*Controls/],
    ["\u007f", /U\+007F .*Controls/],
    ["\u0085", /U\+0085 .*Controls/],
    ["\u00ad", /U\+00AD .*PrecisIgnorableProperties/],
    ["a\u200bb", /U\+200B .*PrecisIgnorableProperties/],
    ["a\ufeff", /U\+FEFF .*PrecisIgnorableProperties/],
    ["\ue000", /U\+E000 .*Other/],
    ["\ud800", /U\+D800 .*Other/],
    ["\u0378", /U\+0378 is unassigned/],
    ["\u2029", /U\+2029 .*Other/],
  ])("%j is rejected: %s", (input, why) => {
    expect(reason(input)).toMatch(why);
  });

  test("contextual rules apply in the FreeformClass too", () => {
    expect(reason("a\u200db")).toMatch(/A\.2/);
    expect(reason("a\u00b7b")).toMatch(/A\.3/);
    expect(prepResource("l\u00b7l")).toBe("l\u00b7l");
  });
});

describe("size (RFC 7622 §3.4: 1 to 1023 octets after preparation)", () => {
  test("1023 octets pass, 1024 fail", () => {
    expect(prepResource("a".repeat(1023))).toHaveLength(1023);
    expect(reason("a".repeat(1024))).toMatch(/1024 octets/);
  });

  test("four-octet characters count as four", () => {
    expect(prepResource("\u{1f600}".repeat(255) + "abc")).toHaveLength(513); // 1023 octets
    expect(reason("\u{1f600}".repeat(256))).toMatch(/1024 octets/);
  });
});
