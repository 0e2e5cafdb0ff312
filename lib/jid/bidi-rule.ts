/**
 * The Bidi Rule: a string (or domain label) that mixes directions must read the same way in a
 * left-to-right and a right-to-left display, so that two different identifiers never look alike.
 *
 * References:
 * - RFC 5893 §2 (the six conditions), §1.4 ("RTL label", "Bidi domain name")
 * - RFC 8265 §3.3.1 step 5 (applies to usernames containing right-to-left code points)
 */

import { Bidi, bidiClass } from "./unicode-props";

/** R, AL or AN: what makes a label an "RTL label" and a domain name a "Bidi domain name". */
export function hasRtl(cps: readonly number[]): boolean {
  for (const cp of cps) {
    const c = bidiClass(cp);
    if (c === Bidi.R || c === Bidi.AL || c === Bidi.AN) return true;
  }
  return false;
}

const RTL_ALLOWED = new Set([Bidi.R, Bidi.AL, Bidi.AN, Bidi.EN, Bidi.ES, Bidi.CS, Bidi.ET, Bidi.ON, Bidi.BN, Bidi.NSM]);
const LTR_ALLOWED = new Set([Bidi.L, Bidi.EN, Bidi.ES, Bidi.CS, Bidi.ET, Bidi.ON, Bidi.BN, Bidi.NSM]);

function hex(cp: number): string {
  return "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
}

/** Returns undefined when all six conditions hold, or which one failed. */
export function bidiRuleFailure(cps: readonly number[]): string | undefined {
  if (cps.length === 0) return undefined;
  const classes = cps.map(bidiClass);
  const first = classes[0];
  if (first !== Bidi.L && first !== Bidi.R && first !== Bidi.AL) {
    return `${hex(cps[0])} cannot start a bidirectional string: the first character must be L, R or AL (RFC 5893 §2 condition 1)`;
  }
  // Trailing NSM marks attach to the last strong character, so conditions 3 and 6 look past them.
  let last = classes.length - 1;
  while (last > 0 && classes[last] === Bidi.NSM) last--;
  if (first === Bidi.R || first === Bidi.AL) {
    const bad = classes.findIndex((c) => !RTL_ALLOWED.has(c));
    if (bad >= 0) return `${hex(cps[bad])} is not allowed in a right-to-left string (RFC 5893 §2 condition 2)`;
    const end = classes[last];
    if (end !== Bidi.R && end !== Bidi.AL && end !== Bidi.EN && end !== Bidi.AN) {
      return `a right-to-left string must end with R, AL, EN or AN, then marks (RFC 5893 §2 condition 3)`;
    }
    if (classes.includes(Bidi.EN) && classes.includes(Bidi.AN)) {
      return "a right-to-left string cannot mix European and Arabic-Indic digits (RFC 5893 §2 condition 4)";
    }
    return undefined;
  }
  const bad = classes.findIndex((c) => !LTR_ALLOWED.has(c));
  if (bad >= 0) return `${hex(cps[bad])} is not allowed in a left-to-right string (RFC 5893 §2 condition 5)`;
  const end = classes[last];
  if (end !== Bidi.L && end !== Bidi.EN) {
    return "a left-to-right string must end with L or EN, then marks (RFC 5893 §2 condition 6)";
  }
  return undefined;
}
