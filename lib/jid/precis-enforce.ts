/**
 * The behavioural rules shared by every PRECIS profile: each code point must be valid for the
 * string class (or satisfy its contextual rule), and the mapping rules must reach a fixed point.
 *
 * References:
 * - RFC 8264 §7 (order of operations; re-apply until stable, at most three more times)
 * - RFC 8264 §8 (PVALID / CONTEXTJ / CONTEXTO / DISALLOWED / UNASSIGNED)
 */

import { contextRuleFailure } from "./context-rules";
import { derivedProperty, type StringClass } from "./precis-class";
import { UNICODE_DATA_VERSION } from "./unicode-data";

/** A string that a PRECIS profile rejects; the message names the code point and the rule. */
export class PrecisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrecisError";
  }
}

export function hexCp(cp: number): string {
  return "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
}

export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

export function assertStringClass(cps: readonly number[], cls: StringClass): void {
  for (let i = 0; i < cps.length; i++) {
    const { value, category } = derivedProperty(cps[i], cls);
    switch (value) {
      case "PVALID":
        break;
      case "CONTEXTJ":
      case "CONTEXTO": {
        const failure = contextRuleFailure(cps, i);
        if (failure !== undefined) throw new PrecisError(failure);
        break;
      }
      case "UNASSIGNED":
        throw new PrecisError(`${hexCp(cps[i])} is unassigned in Unicode ${UNICODE_DATA_VERSION}: ${category}`);
      case "DISALLOWED":
        throw new PrecisError(`${hexCp(cps[i])} is not allowed in the ${cls}: ${category}`);
    }
  }
}

/**
 * Applies `map` until its output stops changing. A stored, prepared part must prepare to itself
 * again, or two equal addresses could compare unequal after a round trip.
 */
export function mapUntilStable(s: string, map: (s: string) => string): string {
  let out = map(s);
  for (let i = 0; i < 3; i++) {
    const again = map(out);
    if (again === out) return out;
    out = again;
  }
  throw new PrecisError("the mapping rules do not reach a stable result (RFC 8264 §7)");
}
