/**
 * References:
 * - RFC 5892 Appendix A.1–A.9
 */

import { contextRuleFailure } from "./context-rules";

const cps = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) as number);

function check(s: string, at: number): string | undefined {
  return contextRuleFailure(cps(s), at);
}

describe("contextRuleFailure", () => {
  test("A.1 ZWNJ: after a virama, or between joining letters across transparent marks", () => {
    expect(check("\u0915\u094d\u200c", 2)).toBeUndefined();
    expect(check("\u0628\u200c\u0628", 1)).toBeUndefined(); // D … D
    expect(check("\u0628\u200c\u0627", 1)).toBeUndefined(); // D … R
    expect(check("\ua872\u200c\u0628", 1)).toBeUndefined(); // L … D
    expect(check("\u0628\u064e\u200c\u064e\u0627", 2)).toBeUndefined();
    expect(check("\u0627\u200c\u0628", 1)).toMatch(/A\.1/); // R cannot join left
    expect(check("\u0628\u200c\ua872", 1)).toMatch(/A\.1/); // L cannot join right
    expect(check("\u200c\u0628", 0)).toMatch(/A\.1/);
    expect(check("\u0628\u200c", 1)).toMatch(/A\.1/);
    expect(check("a\u200cb", 1)).toMatch(/A\.1/);
  });

  test("A.2 ZWJ: only after a virama", () => {
    expect(check("\u0915\u094d\u200d", 2)).toBeUndefined();
    expect(check("\u0628\u200d\u0628", 1)).toMatch(/A\.2/);
    expect(check("\u200d", 0)).toMatch(/A\.2/);
  });

  test("A.3 MIDDLE DOT: between two 'l'", () => {
    expect(check("l\u00b7l", 1)).toBeUndefined();
    expect(check("L\u00b7L", 1)).toMatch(/A\.3/);
    expect(check("l\u00b7", 1)).toMatch(/A\.3/);
  });

  test("A.4 KERAIA: before a Greek character", () => {
    expect(check("\u0375\u03b1", 0)).toBeUndefined();
    expect(check("\u03b1\u0375", 1)).toMatch(/A\.4/);
  });

  test("A.5 and A.6 GERESH and GERSHAYIM: after a Hebrew character", () => {
    expect(check("\u05d0\u05f3", 1)).toBeUndefined();
    expect(check("\u05d0\u05f4", 1)).toBeUndefined();
    expect(check("a\u05f3", 1)).toMatch(/A\.5/);
    expect(check("\u05f4", 0)).toMatch(/A\.6/);
  });

  test("A.7 KATAKANA MIDDLE DOT: with Hiragana, Katakana or Han anywhere", () => {
    expect(check("a\u30fb\u3042", 1)).toBeUndefined();
    expect(check("\u30fb\u4e00", 0)).toBeUndefined();
    expect(check("a\u30fbb", 1)).toMatch(/A\.7/);
    expect(check("\u30fb", 0)).toMatch(/A\.7/);
  });

  test("A.8 and A.9: the two Arabic digit sets do not mix", () => {
    expect(check("\u0660\u0661", 0)).toBeUndefined();
    expect(check("\u06f0\u06f1", 1)).toBeUndefined();
    expect(check("\u0660\u06f0", 0)).toMatch(/A\.8/);
    expect(check("\u0660\u06f0", 1)).toMatch(/A\.9/);
  });

  test("a code point without a rule fails", () => {
    expect(check("a", 0)).toMatch(/no rule|none is defined/);
  });
});
