/**
 * Resource limits of the stream parser. Every limit is checked while parsing, before the
 * element it concerns is built, so a hostile peer can never make us buffer more than about
 * one limit's worth of input.
 *
 * References:
 * - RFC 6120 §13.12 (denial of service)
 * - XEP-0205 §4.5 (stanza size), §4.6 (nesting)
 */

export interface ParserLimits {
  /** Bytes of one top-level child (stanza), from its `<` to its last `>`. Also bounds the gap between stanzas. */
  maxStanzaBytes: number;
  /** Nesting depth inside a stanza; the stanza itself is depth 1. */
  maxDepth: number;
  /** Attributes per element, namespace declarations included (they cost memory too). */
  maxAttributes: number;
  /** Bytes of the stream header: `<?xml?>`, whitespace and the `<stream:stream ...>` open tag. */
  maxHeaderBytes: number;
  /** UTF-8 bytes of one text node (adjacent text and CDATA merged); defaults to maxStanzaBytes. */
  maxTextBytes?: number;
  /** Elements in one stanza, the stanza itself included (a wide stanza amplifies memory ~50×). */
  maxElements?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<ParserLimits>> = Object.freeze({
  maxStanzaBytes: 262144,
  maxDepth: 32,
  maxAttributes: 64,
  maxHeaderBytes: 8192,
  maxTextBytes: 262144,
  maxElements: 10000,
});

/** Merges `next` over `base`; an absent maxTextBytes follows maxStanzaBytes. */
export function mergeLimits(base: Required<ParserLimits>, next: Partial<ParserLimits> | undefined, textExplicit: boolean): {
  limits: Required<ParserLimits>;
  textExplicit: boolean;
} {
  const merged = { ...base };
  let explicit = textExplicit;
  if (next) {
    for (const key of Object.keys(next) as (keyof ParserLimits)[]) {
      const v = next[key];
      if (v === undefined) continue;
      if (!Number.isFinite(v) || v < 1) throw new RangeError(`parser limit ${key} must be a positive number`);
      merged[key] = Math.floor(v);
      if (key === "maxTextBytes") explicit = true;
    }
  }
  if (!explicit) merged.maxTextBytes = merged.maxStanzaBytes;
  return { limits: merged, textExplicit: explicit };
}
