/**
 * References:
 * - RFC 8265 §3.3.1 rule 1 (decomposition mappings of <wide>/<narrow> characters)
 */

import { mapWidth } from "./width-mapping";

describe("mapWidth", () => {
  test.each([
    ["\uff2a\uff55\uff4c\uff49\uff45\uff54", "Juliet"],
    ["\uff01\uff04\uff20", "!$@"],
    ["\u3000", " "],
    ["\uff76", "\u30ab"], // halfwidth katakana
    ["\uff9e", "\u3099"], // halfwidth voiced mark becomes the combining one
    ["\uffe0", "\u00a2"], // fullwidth cent
    ["\uffe8", "\u2502"], // halfwidth forms light vertical
    ["\uffa1", "\u3131"], // halfwidth Hangul: compatibility jamo, not U+1100
    ["\uffa0", "\u3164"],
    ["\uffdc", "\u3163"],
    ["\uffe3", "\u00af"], // FULLWIDTH MACRON: one step only, not SPACE + U+0304
  ])("%j maps to %j", (input, output) => {
    expect(mapWidth(input)).toBe(output);
  });

  test("leaves everything else alone, including compatibility characters", () => {
    expect(mapWidth("abc \u2163 \ufb01 \u00a0 \uffef")).toBe("abc \u2163 \ufb01 \u00a0 \uffef");
  });
});
