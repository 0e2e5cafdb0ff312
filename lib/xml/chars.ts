/**
 * Character classes of XML 1.0 that the parser and serializer share.
 *
 * References:
 * - XML 1.0 (Fifth Edition) §2.2 (Char), §2.3 (S, NameChar)
 * - Namespaces in XML 1.0 §3 (NCName)
 */

/** XML 1.0 `Char`: what may appear in a document, literally or as a character reference. */
export function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x9 || cp === 0xa || cp === 0xd;
  if (cp <= 0xd7ff) return true;
  if (cp < 0xe000) return false;
  if (cp <= 0xfffd) return true;
  return cp >= 0x10000 && cp <= 0x10ffff;
}

const NON_WS = /[^ \t\n\r]/;

/** XML `S*`: the only text allowed between stanzas (whitespace keepalives, RFC 6120 §4.6.1). */
export function isXmlWhitespace(s: string): boolean {
  return !NON_WS.test(s);
}

// NameChar minus NameStartChar: a Name may continue with these but an NCName may not start with them,
// so after splitting a QName at its colon the local part must be re-checked.
const NOT_NC_START = /^[-.0-9\u00B7\u0300-\u036F\u203F\u2040]/;

/**
 * Splits a QName that already matched XML `Name` into prefix and local part, or returns undefined when
 * it is not a QName (empty prefix or local part, a second colon, a local part starting with a digit...).
 */
export function splitQName(name: string): { prefix: string; local: string } | undefined {
  const colon = name.indexOf(":");
  if (colon === -1) return { prefix: "", local: name };
  const prefix = name.slice(0, colon);
  const local = name.slice(colon + 1);
  if (prefix === "" || local === "" || local.indexOf(":") !== -1 || NOT_NC_START.test(local)) return undefined;
  return { prefix, local };
}

/** Keeps attacker-controlled names short inside error texts that may be logged or sent back. */
export function clip(s: string, max = 64): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/**
 * Stores `value` under `key` as an own data property. A plain `obj[key] = v` with key `__proto__`
 * would hit the prototype setter and silently drop the attribute (XML-24).
 */
export function setOwn(obj: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
