/**
 * The PRECIS derived property of a code point for the IdentifierClass and the FreeformClass.
 *
 * The categories are tested in exactly the order of the RFC's pseudo-code: a code point can be in
 * several (e.g. a fullwidth letter is both HasCompat and LetterDigits) and the first match wins.
 *
 * References:
 * - RFC 8264 §8 (calculation of the derived property), §9 (the categories)
 * - RFC 8264 §4.2 (IdentifierClass), §4.3 (FreeformClass)
 */

import { exceptionValue } from "./code-point-exceptions";
import { isOldHangulJamo } from "./unicode-props";

export type StringClass = "IdentifierClass" | "FreeformClass";

export type PropertyValue = "PVALID" | "CONTEXTJ" | "CONTEXTO" | "DISALLOWED" | "UNASSIGNED";

export interface DerivedProperty {
  readonly value: PropertyValue;
  /** The RFC 8264 category that decided the value, for error messages. */
  readonly category: string;
}

function dp(value: PropertyValue, category: string): DerivedProperty {
  return Object.freeze({ value, category });
}

// Shared, preallocated results: this runs once per non-ASCII code point of every prepared part.
const ASCII7 = dp("PVALID", "ASCII7 (RFC 8264 §9.11)");
const LETTER_DIGITS = dp("PVALID", "LetterDigits (RFC 8264 §9.1)");
const EXC_PVALID = dp("PVALID", "Exceptions (RFC 8264 §9.6)");
const EXC_CONTEXTO = dp("CONTEXTO", "Exceptions (RFC 8264 §9.6)");
const EXC_DISALLOWED = dp("DISALLOWED", "Exceptions (RFC 8264 §9.6)");
const UNASSIGNED = dp("UNASSIGNED", "Unassigned (RFC 8264 §9.10)");
const JOIN_CONTROL = dp("CONTEXTJ", "JoinControl (RFC 8264 §9.8)");
const OLD_HANGUL = dp("DISALLOWED", "OldHangulJamo (RFC 8264 §9.9)");
const IGNORABLE = dp("DISALLOWED", "PrecisIgnorableProperties (RFC 8264 §9.13)");
const CONTROLS = dp("DISALLOWED", "Controls (RFC 8264 §9.12)");
const OTHER = dp("DISALLOWED", "Other (RFC 8264 §8)");

// Categories that only the FreeformClass accepts (FREE_PVAL) and the IdentifierClass rejects (ID_DIS).
const CLASS_SPECIFIC = ["HasCompat (RFC 8264 §9.17)", "OtherLetterDigits (RFC 8264 §9.18)", "Spaces (RFC 8264 §9.14)", "Symbols (RFC 8264 §9.15)", "Punctuation (RFC 8264 §9.16)"];
const FREE_PVAL = new Map(CLASS_SPECIFIC.map((c) => [c, dp("PVALID", c)]));
const ID_DIS = new Map(CLASS_SPECIFIC.map((c) => [c, dp("DISALLOWED", c)]));

const RE_SURROGATE = /\p{Cs}/u;
const RE_CN = /\p{Cn}/u;
const RE_NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
const RE_IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]/u;
const RE_CONTROL = /\p{Cc}/u;
const RE_LETTER_DIGITS = /[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]/u;
const RE_OTHER_LETTER_DIGITS = /[\p{Lt}\p{Nl}\p{No}\p{Me}]/u;
const RE_SPACES = /\p{Zs}/u;
const RE_SYMBOLS = /[\p{Sm}\p{Sc}\p{Sk}\p{So}]/u;
const RE_PUNCTUATION = /[\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}]/u;

function classSpecific(category: string, cls: StringClass): DerivedProperty {
  return (cls === "FreeformClass" ? FREE_PVAL : ID_DIS).get(category) as DerivedProperty;
}

export function derivedProperty(cp: number, cls: StringClass): DerivedProperty {
  // Tested first only for speed: no Exception and no unassigned code point is in ASCII7.
  if (cp >= 0x21 && cp <= 0x7e) return ASCII7;
  const exception = exceptionValue(cp);
  if (exception === "PVALID") return EXC_PVALID;
  if (exception === "CONTEXTO") return EXC_CONTEXTO;
  if (exception === "DISALLOWED") return EXC_DISALLOWED;
  // BackwardCompatible (§9.7) is empty.
  const ch = String.fromCodePoint(cp);
  // A lone surrogate is not a character at all; it falls through to Other, but testing it early
  // keeps it away from normalize(), which would replace it.
  if (RE_SURROGATE.test(ch)) return OTHER;
  if (RE_CN.test(ch) && !RE_NONCHARACTER.test(ch)) return UNASSIGNED;
  if (cp === 0x200c || cp === 0x200d) return JOIN_CONTROL;
  if (isOldHangulJamo(cp)) return OLD_HANGUL;
  if (RE_IGNORABLE.test(ch)) return IGNORABLE;
  if (RE_CONTROL.test(ch)) return CONTROLS;
  if (ch.normalize("NFKC") !== ch) return classSpecific("HasCompat (RFC 8264 §9.17)", cls);
  if (RE_LETTER_DIGITS.test(ch)) return LETTER_DIGITS;
  if (RE_OTHER_LETTER_DIGITS.test(ch)) return classSpecific("OtherLetterDigits (RFC 8264 §9.18)", cls);
  if (RE_SPACES.test(ch)) return classSpecific("Spaces (RFC 8264 §9.14)", cls);
  if (RE_SYMBOLS.test(ch)) return classSpecific("Symbols (RFC 8264 §9.15)", cls);
  if (RE_PUNCTUATION.test(ch)) return classSpecific("Punctuation (RFC 8264 §9.16)", cls);
  return OTHER;
}
