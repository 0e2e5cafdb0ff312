/**
 * Contextual rules for CONTEXTJ and CONTEXTO code points: they are allowed only where the
 * neighbouring code points make them meaningful (e.g. ZWJ after a virama, MIDDLE DOT in "l·l").
 *
 * PRECIS applies them to the whole string, IDNA2008 to each label; the caller passes the right span.
 *
 * References:
 * - RFC 5892 Appendix A.1–A.9 (the rules)
 * - RFC 8264 §8 ("CONTEXTUAL RULE REQUIRED"; a code point without a rule is invalid)
 * - RFC 5891 §4.2.3.3 and §4.2.3.4 (IDNA2008 label checks)
 */

import { Joining, isVirama, joiningType } from "./unicode-props";

const RE_GREEK = /\p{Script=Greek}/u;
const RE_HEBREW = /\p{Script=Hebrew}/u;
const RE_KANA_HAN = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

function scriptIs(re: RegExp, cp: number | undefined): boolean {
  return cp !== undefined && re.test(String.fromCodePoint(cp));
}

// A.1: a ZWNJ between two joining letters (transparent marks may intervene) breaks a cursive join.
function zwnjJoinsLetters(cps: readonly number[], i: number): boolean {
  let j = i - 1;
  while (j >= 0 && joiningType(cps[j]) === Joining.T) j--;
  if (j < 0) return false;
  const left = joiningType(cps[j]);
  if (left !== Joining.L && left !== Joining.D) return false;
  let k = i + 1;
  while (k < cps.length && joiningType(cps[k]) === Joining.T) k++;
  if (k >= cps.length) return false;
  const right = joiningType(cps[k]);
  return right === Joining.R || right === Joining.D;
}

/**
 * Returns undefined when the contextual rule for cps[i] holds, or a sentence saying which rule
 * failed. Only call it for code points whose derived property is CONTEXTJ or CONTEXTO.
 */
export function contextRuleFailure(cps: readonly number[], i: number): string | undefined {
  const cp = cps[i];
  const before = i > 0 ? cps[i - 1] : undefined;
  const after = i + 1 < cps.length ? cps[i + 1] : undefined;
  switch (cp) {
    case 0x200c:
      if ((before !== undefined && isVirama(before)) || zwnjJoinsLetters(cps, i)) return undefined;
      return "ZERO WIDTH NON-JOINER must follow a virama or separate two joining letters (RFC 5892 A.1)";
    case 0x200d:
      if (before !== undefined && isVirama(before)) return undefined;
      return "ZERO WIDTH JOINER must follow a virama (RFC 5892 A.2)";
    case 0x00b7:
      if (before === 0x6c && after === 0x6c) return undefined;
      return "MIDDLE DOT is allowed only between two 'l' (RFC 5892 A.3)";
    case 0x0375:
      if (scriptIs(RE_GREEK, after)) return undefined;
      return "GREEK LOWER NUMERAL SIGN must precede a Greek character (RFC 5892 A.4)";
    case 0x05f3:
    case 0x05f4:
      if (scriptIs(RE_HEBREW, before)) return undefined;
      return "HEBREW GERESH/GERSHAYIM must follow a Hebrew character (RFC 5892 A.5, A.6)";
    case 0x30fb:
      if (cps.some((c) => c !== 0x30fb && scriptIs(RE_KANA_HAN, c))) return undefined;
      return "KATAKANA MIDDLE DOT needs a Hiragana, Katakana or Han character in the same string (RFC 5892 A.7)";
    default:
      if (cp >= 0x0660 && cp <= 0x0669) {
        if (!cps.some((c) => c >= 0x06f0 && c <= 0x06f9)) return undefined;
        return "ARABIC-INDIC DIGITS cannot be mixed with EXTENDED ARABIC-INDIC DIGITS (RFC 5892 A.8)";
      }
      if (cp >= 0x06f0 && cp <= 0x06f9) {
        if (!cps.some((c) => c >= 0x0660 && c <= 0x0669)) return undefined;
        return "EXTENDED ARABIC-INDIC DIGITS cannot be mixed with ARABIC-INDIC DIGITS (RFC 5892 A.9)";
      }
      return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} needs a contextual rule and none is defined (RFC 8264 §8)`;
  }
}
