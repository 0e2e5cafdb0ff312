/**
 * References:
 * - RFC 5893 §2 (the six conditions)
 */

import { bidiRuleFailure, hasRtl } from "./bidi-rule";

const cps = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) as number);

describe("hasRtl", () => {
  test("R, AL and AN make a string right-to-left", () => {
    expect(hasRtl(cps("\u05d0"))).toBe(true);
    expect(hasRtl(cps("\u0627"))).toBe(true);
    expect(hasRtl(cps("a\u0661"))).toBe(true);
    expect(hasRtl(cps("abc123-"))).toBe(false);
    expect(hasRtl(cps("\u06f1"))).toBe(false); // extended Arabic-Indic digits are EN
  });
});

describe("bidiRuleFailure", () => {
  test.each([
    ["abc", "LTR letters"],
    ["a1", "LTR ending in EN"],
    ["a\u0301", "LTR ending in L + NSM"],
    ["a-b", "ES inside LTR"],
    ["\u05d0", "single R"],
    ["\u0627\u0661", "AL then AN"],
    ["\u05d01", "R then EN"],
    ["\u05d0\u05b0\u05b0", "R then marks"],
    ["\u05d0-\u05d1", "ES inside RTL"],
    ["", "empty"],
  ])("%j passes (%s)", (s) => {
    expect(bidiRuleFailure(cps(s))).toBeUndefined();
  });

  test.each([
    ["1a", 1],
    ["-a", 1],
    ["\u0301a", 1],
    ["\u0661\u0627", 1],
    ["\u05d0a", 2],
    ["\u05d0 \u05d1", 2],
    ["\u05d0-", 3],
    ["\u05d0!", 3],
    ["\u05d01\u0661", 4],
    ["a\u05d0", 5],
    ["a\u0661", 5],
    ["a-", 6],
    ["a!", 6],
  ])("%j fails condition %i", (s, condition) => {
    expect(bidiRuleFailure(cps(s))).toMatch(new RegExp(`condition ${condition}\\)`));
  });
});
