/**
 * The IDNA2008 derived property of a code point, used to check the U-labels of a domainpart.
 *
 * Node's UTS #46 processing (url.domainToASCII) maps and validates domain names, but it admits
 * code points that IDNA2008 disallows (symbols, punctuation, emoji); RFC 7622 §3.2 asks for
 * IDNA2008 U-labels, so each label is checked again with this table.
 *
 * References:
 * - RFC 5892 §2 (categories A–J), §3 (calculation of the derived property)
 * - RFC 7622 §3.2.1 (domainparts are NR-LDH labels or U-labels)
 */

import { exceptionValue } from "./code-point-exceptions";
import type { PropertyValue } from "./precis-class";
import { isOldHangulJamo } from "./unicode-props";

const RE_CN = /\p{Cn}/u;
const RE_NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
const RE_IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Noncharacter_Code_Point}]/u;
const RE_LETTER_DIGITS = /[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]/u;
const RE_SURROGATE = /\p{Cs}/u;

function isIgnorableBlock(cp: number): boolean {
  return (
    (cp >= 0x20d0 && cp <= 0x20ff) || // Combining Diacritical Marks for Symbols
    (cp >= 0x1d100 && cp <= 0x1d1ff) || // Musical Symbols
    (cp >= 0x1d200 && cp <= 0x1d24f) // Ancient Greek Musical Notation
  );
}

// RFC 5892 §2.2 uses Unicode case folding, which JavaScript lacks. toLowerCase() agrees with it on
// every code point except a few that UTS #46 has already folded away before this check, and the
// Cherokee letters: since Unicode 8 case folding maps them to the *capitals* (U+13A0…), so the
// capitals are stable and the small letters are not.
function caseFold(s: string): string {
  return s.replace(/[\u13a0-\u13f5]|[\u13f8-\u13fd]|[\uab70-\uabbf]|[^\u13a0-\u13fd\uab70-\uabbf]+/g, (run) => {
    const cp = run.charCodeAt(0);
    if (cp >= 0x13a0 && cp <= 0x13f5) return run;
    if (cp >= 0x13f8 && cp <= 0x13fd) return String.fromCharCode(cp - 8);
    if (cp >= 0xab70 && cp <= 0xabbf) return String.fromCharCode(cp - 0xab70 + 0x13a0);
    return run.toLowerCase();
  });
}

function isUnstable(ch: string): boolean {
  const nfkc = ch.normalize("NFKC");
  return caseFold(nfkc).normalize("NFKC") !== ch;
}

export function idnaProperty(cp: number): PropertyValue {
  const exception = exceptionValue(cp);
  if (exception !== undefined) return exception;
  // BackwardCompatible (§2.7) is empty.
  const ch = String.fromCodePoint(cp);
  if (RE_SURROGATE.test(ch)) return "DISALLOWED";
  if (RE_CN.test(ch) && !RE_NONCHARACTER.test(ch)) return "UNASSIGNED";
  if (cp === 0x2d || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a)) return "PVALID";
  if (cp === 0x200c || cp === 0x200d) return "CONTEXTJ";
  if (isUnstable(ch)) return "DISALLOWED";
  if (RE_IGNORABLE.test(ch)) return "DISALLOWED";
  if (isIgnorableBlock(cp)) return "DISALLOWED";
  if (isOldHangulJamo(cp)) return "DISALLOWED";
  if (RE_LETTER_DIGITS.test(ch)) return "PVALID";
  return "DISALLOWED";
}
