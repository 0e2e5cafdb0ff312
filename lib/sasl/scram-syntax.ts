/**
 * The SCRAM message grammar: attribute lists, saslname escaping, nonces, the GS2 header.
 * Parsers follow the ABNF and return undefined rather than guess.
 *
 * References:
 * - RFC 5802 §5.1 (attribute meanings; "=" not followed by "2C"/"3D" MUST fail; m= MUST fail),
 *   §7 (formal syntax: attr-val, value-safe-char, printable, saslname, gs2-header, extensions)
 * - RFC 5801 §4 (gs2-header)
 * - RFC 5056 §7 (channel binding type names)
 */

/** One `ALPHA "=" value` pair; its wire form is exactly `${name}=${value}`. */
export interface Attribute {
  name: string;
  value: string;
}

/** Attribute names RFC 5802 defines. An extension may not reuse them (that would be a duplicate). */
export const DEFINED_ATTRIBUTES: ReadonlySet<string> = new Set(["a", "n", "m", "r", "c", "s", "i", "p", "v", "e"]);

// value = 1*value-char: any UTF-8 character except NUL and "," (the splitter removed commas).
const ATTR_VAL = /^([A-Za-z])=([^\u0000]+)$/su;

/** Split a comma-separated attr-val list. Any empty or malformed element fails the whole list. */
export function parseAttributes(text: string): Attribute[] | undefined {
  const out: Attribute[] = [];
  for (const part of text.split(",")) {
    const m = ATTR_VAL.exec(part);
    if (!m) return undefined;
    out.push({ name: m[1]!, value: m[2]! });
  }
  return out;
}

/**
 * True when every extension may be ignored: RFC 5802 §7 says unrecognised attributes MUST be
 * ignored, but one that reuses a defined name is a duplicate or misplaced attribute, not an
 * extension, and m= must always fail (§5.1).
 */
export function extensionsAcceptable(extensions: readonly Attribute[]): boolean {
  return extensions.every((a) => !DEFINED_ATTRIBUTES.has(a.name));
}

// saslname = 1*(value-safe-char / "=2C" / "=3D"); ABNF literals are case-insensitive (RFC 5234 §2.3).
const SASLNAME = /^(?:[^,=\u0000]|=2[Cc]|=3[Dd])+$/u;

export function escapeSaslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

/** Undo =2C / =3D escaping; undefined for an empty name or any other use of "=". */
export function unescapeSaslName(escaped: string): string | undefined {
  if (!SASLNAME.test(escaped)) return undefined;
  return escaped.replace(/=2C/gi, ",").replace(/=3D/gi, "=");
}

// printable = %x21-2B / %x2D-7E
const PRINTABLE = /^[\x21-\x2B\x2D-\x7E]+$/;

export function isValidNonce(nonce: string): boolean {
  return PRINTABLE.test(nonce);
}

// cb-name = 1*(ALPHA / DIGIT / "." / "-")
const CB_NAME = /^[A-Za-z0-9.-]+$/;

export function isValidCbName(name: string): boolean {
  return CB_NAME.test(name);
}

// posit-number = %x31-39 *DIGIT; nine digits keeps it a safe integer.
const POSIT_NUMBER = /^[1-9][0-9]{0,8}$/;

export function parsePositNumber(text: string): number | undefined {
  return POSIT_NUMBER.test(text) ? Number(text) : undefined;
}

export type Gs2Flag = { kind: "n" } | { kind: "y" } | { kind: "p"; cbName: string };

export interface Gs2Header {
  flag: Gs2Flag;
  /** Unescaped authorization identity, when a= was present. */
  authzid?: string;
  /** The header exactly as received, trailing comma included: c= must echo these bytes. */
  raw: string;
}

/** Split `gs2-header client-first-message-bare`. */
export function parseGs2Header(message: string): { header: Gs2Header; bare: string } | undefined {
  const c1 = message.indexOf(",");
  if (c1 < 0) return undefined;
  const c2 = message.indexOf(",", c1 + 1);
  if (c2 < 0) return undefined;

  const flagText = message.slice(0, c1);
  let flag: Gs2Flag;
  if (flagText === "n" || flagText === "y") flag = { kind: flagText };
  else if (flagText.startsWith("p=") && isValidCbName(flagText.slice(2))) flag = { kind: "p", cbName: flagText.slice(2) };
  else return undefined;

  const authzText = message.slice(c1 + 1, c2);
  let authzid: string | undefined;
  if (authzText !== "") {
    if (!authzText.startsWith("a=")) return undefined;
    authzid = unescapeSaslName(authzText.slice(2));
    if (authzid === undefined) return undefined;
  }

  return { header: { flag, authzid, raw: message.slice(0, c2 + 1) }, bare: message.slice(c2 + 1) };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode a SCRAM message as strict UTF-8. NUL needs no check here: no production admits it. */
export function decodeScramText(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
