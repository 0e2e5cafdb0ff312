/**
 * The two PRECIS profiles that XMPP addresses use: UsernameCaseMapped for localparts and
 * OpaqueString for resourceparts. Both throw PrecisError and return the enforced string.
 *
 * The class check runs on the mapped and normalized output, the last step of RFC 8264 §7, so that
 * e.g. OHM SIGN (which NFC turns into GREEK CAPITAL LETTER OMEGA) is judged as the letter it becomes.
 *
 * References:
 * - RFC 8265 §3.3 (UsernameCaseMapped: width map, toLowerCase, NFC, Bidi Rule; IdentifierClass)
 * - RFC 8265 §4.2 (OpaqueString: non-ASCII spaces to U+0020, NFC; FreeformClass; no Bidi Rule)
 * - RFC 8264 §7 (order of operations)
 */

import { bidiRuleFailure, hasRtl } from "./bidi-rule";
import { PrecisError, assertStringClass, codePoints, mapUntilStable } from "./precis-enforce";
import { mapWidth } from "./width-mapping";

const PRINTABLE_ASCII_NO_SPACE = /^[\x21-\x7e]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const NON_ASCII_SPACE = /(?! )\p{Zs}/gu;

function mapUsername(s: string): string {
  // toLowerCase() is Unicode's full, locale-independent toLowercase, as RFC 8265 §3.3.1 asks.
  return mapWidth(s).toLowerCase().normalize("NFC");
}

function mapOpaque(s: string): string {
  return s.replace(NON_ASCII_SPACE, " ").normalize("NFC");
}

export function usernameCaseMapped(input: string): string {
  // Printable ASCII is all ASCII7 (PVALID), is already NFC and has no right-to-left characters.
  if (PRINTABLE_ASCII_NO_SPACE.test(input)) return input.toLowerCase();
  const out = mapUntilStable(input, mapUsername);
  if (out.length === 0) throw new PrecisError("is empty after preparation (RFC 8265 §3.3.3)");
  const cps = codePoints(out);
  assertStringClass(cps, "IdentifierClass");
  if (hasRtl(cps)) {
    const failure = bidiRuleFailure(cps);
    if (failure !== undefined) throw new PrecisError(failure);
  }
  return out;
}

export function opaqueString(input: string): string {
  // Printable ASCII and SPACE are all valid in the FreeformClass and unchanged by the mappings.
  if (PRINTABLE_ASCII.test(input)) return input;
  const out = mapUntilStable(input, mapOpaque);
  if (out.length === 0) throw new PrecisError("is empty after preparation (RFC 8265 §4.1)");
  assertStringClass(codePoints(out), "FreeformClass");
  return out;
}
