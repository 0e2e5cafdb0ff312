/**
 * Width mapping: fullwidth and halfwidth forms become their ordinary counterparts, so that
 * "Ｊuliet" and "Juliet" are the same username.
 *
 * References:
 * - RFC 8265 §3.3.1 rule 1 (map to the <wide>/<narrow> decomposition mappings)
 * - UAX #11 (East Asian Width), UnicodeData.txt decomposition tags <wide> and <narrow>
 */

// Every character with a <wide> or <narrow> decomposition lies in this class. For all but the ones
// below, NFKC of the single character equals its one-step decomposition mapping.
const WIDTH_FORMS = /[\u3000\uff01-\uffee]/g;

// Halfwidth Hangul letters decompose to *compatibility* jamo (U+3131…), whereas NFKC would go on to
// conjoining jamo (U+1100…) that NFC then fuses into a syllable: "ﾡￂ" must not become "가".
// FULLWIDTH MACRON decomposes to MACRON, which NFKC would take further to SPACE + COMBINING MACRON.
const EXACT = new Map<string, string>();
function mapRange(from: number, to: number, target: number): void {
  for (let cp = from; cp <= to; cp++) EXACT.set(String.fromCharCode(cp), String.fromCharCode(target + cp - from));
}
mapRange(0xffa0, 0xffa0, 0x3164);
mapRange(0xffa1, 0xffbe, 0x3131);
mapRange(0xffc2, 0xffc7, 0x314f);
mapRange(0xffca, 0xffcf, 0x3155);
mapRange(0xffd2, 0xffd7, 0x315b);
mapRange(0xffda, 0xffdc, 0x3161);
mapRange(0xffe3, 0xffe3, 0x00af);

export function mapWidth(s: string): string {
  return s.replace(WIDTH_FORMS, (ch) => EXACT.get(ch) ?? ch.normalize("NFKC"));
}
