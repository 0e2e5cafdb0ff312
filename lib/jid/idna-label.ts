/**
 * Validity of one U-label (a non-ASCII domain label) under IDNA2008.
 *
 * References:
 * - RFC 5891 §4.2.3.1 (hyphen restrictions), §4.2.3.2 (leading combining marks),
 *   §4.2.3.3 and §4.2.3.4 (contextual rules), §5.4 (NFC)
 * - RFC 5892 §3 (derived property)
 */

import { contextRuleFailure } from "./context-rules";
import { idnaProperty } from "./idna-property";
import { codePoints, hexCp } from "./precis-enforce";

const RE_MARK = /^\p{M}/u;

/** Returns undefined when the label is a valid U-label, or why it is not. */
export function uLabelFailure(label: string): string | undefined {
  if (label.normalize("NFC") !== label) return `label "${label}" is not in NFC (RFC 5891 §5.4)`;
  const cps = codePoints(label);
  if (cps[2] === 0x2d && cps[3] === 0x2d) return `label "${label}" has "--" in the third and fourth positions (RFC 5891 §4.2.3.1)`;
  if (cps[0] === 0x2d || cps[cps.length - 1] === 0x2d) return `label "${label}" starts or ends with a hyphen (RFC 5891 §4.2.3.1)`;
  if (RE_MARK.test(label)) return `label "${label}" starts with a combining mark (RFC 5891 §4.2.3.2)`;
  for (let i = 0; i < cps.length; i++) {
    const value = idnaProperty(cps[i]);
    if (value === "PVALID") continue;
    if (value === "CONTEXTJ" || value === "CONTEXTO") {
      const failure = contextRuleFailure(cps, i);
      if (failure === undefined) continue;
      return `label "${label}": ${failure}`;
    }
    return `${hexCp(cps[i])} is ${value} in IDNA2008 (RFC 5892 §3)`;
  }
  return undefined;
}
