/**
 * SASLprep: the stringprep profile for user names and passwords.
 *
 * References:
 * - RFC 4013 §2 (mapping, normalisation, prohibited output, bidi, unassigned)
 * - RFC 3454 §3 (B.1, C.1.2), §5 (C.2.1–C.9), §6 (bidi, D.1/D.2), §7 (unassigned for stored strings)
 * - RFC 5802 §5.1, RFC 7677 §4 (SCRAM hashes the SASLprep'd password)
 *
 * Node ships no stringprep tables, so the Unicode 3.2 tables that matter are written out here.
 * Two deliberate approximations, both only able to reject slightly more or less in exotic
 * scripts, never to change ASCII input:
 * - "unassigned" is \p{Cn} of Node's (newer) Unicode, so e.g. emoji are accepted, which a strict
 *   Unicode 3.2 reading would refuse. Clients prepare with newer tables too.
 * - JS regexes expose no Bidi_Class, so LCat (D.2) is approximated by letters, spacing marks and
 *   letter numbers outside right-to-left scripts. RandALCat uses the exact D.1 table plus letters
 *   of right-to-left scripts added after 3.2.
 */

// C.1.2. U+200B is also in B.1; mapping it to SPACE first matches libidn and @mongodb-js/saslprep.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;

// B.1 "commonly mapped to nothing".
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

// C.1.2 (anything left after mapping), C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9.
const PROHIBITED = new RegExp(
  [
    "[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]", // C.1.2
    "[\\u0000-\\u001F\\u007F]", // C.2.1
    "[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]", // C.2.2
    "[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]", // C.3
    "[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]", // C.4
    "[\\uFFF9-\\uFFFD]", // C.6
    "[\\u2FF0-\\u2FFB]", // C.7
    "[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]", // C.8
    "[\\u{E0001}\\u{E0020}-\\u{E007F}]", // C.9
  ].join("|"),
  "u",
);

// C.5: with the "u" flag a lone surrogate is its own code point, so it can be matched directly.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const UNASSIGNED = /\p{Cn}/u;

// D.1 (Unicode 3.2), verbatim.
const RAND_AL_D1 =
  /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u063A\u0640-\u064A\u066D-\u066F\u0671-\u06D5\u06DD\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710\u0712-\u072C\u0780-\u07A5\u07B1\u200F\uFB1D\uFB1F-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFC\uFE70-\uFE74\uFE76-\uFEFC]/u;
const RTL_SCRIPT_LETTER =
  /(?=\p{L})[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const LETTER_LIKE = /[\p{L}\p{Mc}\p{Nl}]/u;

function isRandAL(ch: string): boolean {
  return RAND_AL_D1.test(ch) || RTL_SCRIPT_LETTER.test(ch);
}

function isL(ch: string): boolean {
  return LETTER_LIKE.test(ch) && !isRandAL(ch);
}

export class SaslPrepError extends Error {
  constructor(reason: string) {
    // Never echo the input: it is usually a password.
    super(`SASLprep: ${reason}`);
    this.name = "SaslPrepError";
  }
}

export interface SaslPrepOptions {
  /** RFC 3454 §7: queries may contain unassigned code points, stored strings may not. Default false. */
  allowUnassigned?: boolean;
}

/** RFC 4013 SASLprep. Throws SaslPrepError on prohibited output; the result may be empty. */
export function saslPrep(input: string, opts: SaslPrepOptions = {}): string {
  if (LONE_SURROGATE.test(input)) throw new SaslPrepError("unpaired surrogate");
  const mapped = input.replace(NON_ASCII_SPACE, " ").replace(MAPPED_TO_NOTHING, "");
  const normalized = mapped.normalize("NFKC");
  if (PROHIBITED.test(normalized)) throw new SaslPrepError("prohibited character");
  if (!opts.allowUnassigned && UNASSIGNED.test(normalized)) throw new SaslPrepError("unassigned code point");

  const chars = Array.from(normalized);
  if (chars.some(isRandAL)) {
    if (chars.some(isL)) throw new SaslPrepError("mixed bidirectional text");
    if (!isRandAL(chars[0]!) || !isRandAL(chars[chars.length - 1]!)) {
      throw new SaslPrepError("right-to-left text must start and end with a right-to-left character");
    }
  }
  return normalized;
}
