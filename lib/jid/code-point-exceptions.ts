/**
 * The code points whose derived property is fixed by hand rather than computed from their
 * Unicode properties. PRECIS reuses the IDNA2008 list unchanged.
 *
 * References:
 * - RFC 5892 §2.6 (Exceptions, category F)
 * - RFC 8264 §9.2 (PRECIS Exceptions = RFC 5892 §2.6)
 */

export type ExceptionValue = "PVALID" | "CONTEXTO" | "DISALLOWED";

const table = new Map<number, ExceptionValue>();

function add(value: ExceptionValue, ...cps: number[]): void {
  for (const cp of cps) table.set(cp, value);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let cp = from; cp <= to; cp++) out.push(cp);
  return out;
}

// ß, final sigma and a few letters that case folding or NFKC would otherwise reject.
add("PVALID", 0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007);
// Allowed only next to the right neighbours; RFC 5892 Appendix A holds their rules.
add("CONTEXTO", 0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb, ...range(0x0660, 0x0669), ...range(0x06f0, 0x06f9));
// Tatweel, N'Ko lajanyalan and vertical kana repeat marks: formatting, not letters.
add("DISALLOWED", 0x0640, 0x07fa, 0x302e, 0x302f, ...range(0x3031, 0x3035), 0x303b);

export function exceptionValue(cp: number): ExceptionValue | undefined {
  return table.get(cp);
}
