/**
 * Preparation and enforcement of the domainpart: a DNS name written with U-labels (IDNA2008), an
 * IPv4 address, or an IPv6 literal.
 *
 * Domain names go through Node's UTS #46 processing (url.domainToASCII), which does the mappings
 * RFC 7622 §3.2.2 asks for (case, width, NFC) and decodes A-labels; the result is then held to the
 * stricter IDNA2008 and DNS rules: LDH or U-labels only, label and name lengths, Bidi Rule.
 *
 * References:
 * - RFC 7622 §3.2 (final dot stripped first; 1–1023 octets), §3.2.1 (NR-LDH or U-labels, no
 *   A-labels), §3.2.2 (enforcement)
 * - RFC 5890 §2.3.1 (LDH, R-LDH and XN-labels), §2.3.2.1 (U-label / A-label round trip)
 * - RFC 5891 §4.2 and RFC 5892 (U-label validity), RFC 5893 §2 (Bidi Rule for Bidi domain names)
 * - RFC 1034 §3.1 and RFC 1035 §2.3.4 (63-octet labels, 253-octet names)
 * - RFC 3696 §2 (a top-level label is never all-numeric)
 */

import { domainToASCII, domainToUnicode } from "node:url";

import { bidiRuleFailure, hasRtl } from "./bidi-rule";
import { uLabelFailure } from "./idna-label";
import { isIpv4Address, prepIpLiteral } from "./ip-literal";
import { JidError } from "./jid-error";
import { LruCache } from "./lru-cache";
import { codePoints } from "./precis-enforce";
import { assertPreparedSize, assertRawSize } from "./utf8-length";

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;

// Every stanza names a domain and almost all name the same few, so prepared domains are cached.
const cache = new LruCache<string, string>(1024);
// A valid name is at most 253 octets in DNS form; longer inputs (full of ignorables that UTS #46
// drops) are legal but not worth the memory.
const MAX_CACHED_INPUT = 512;

const ASCII_HOSTNAME = /^[A-Za-z0-9.-]+$/;
const LDH_LABEL = /^[a-z0-9-]+$/;
const ALL_DIGITS = /^[0-9]+$/;

function fail(reason: string): never {
  throw new JidError("domainpart", reason);
}

/** Checks the ASCII (A-label) form of a name: what DNS itself would see. */
function checkAsciiName(ascii: string): void {
  if (ascii.length > MAX_NAME_OCTETS) fail(`is longer than ${MAX_NAME_OCTETS} octets in DNS form (RFC 1035 §2.3.4)`);
  const labels = ascii.split(".");
  for (const label of labels) {
    if (label.length === 0) fail("has an empty label (RFC 1034 §3.1)");
    if (label.length > MAX_LABEL_OCTETS) fail(`has a label longer than ${MAX_LABEL_OCTETS} octets (RFC 1034 §3.1)`);
    if (!LDH_LABEL.test(label)) fail(`label "${label}" may contain only letters, digits and '-' (RFC 5890 §2.3.1)`);
    if (label.startsWith("-") || label.endsWith("-")) fail(`label "${label}" starts or ends with '-' (RFC 5890 §2.3.1)`);
    // "ab--cd" is a reserved R-LDH label; only the "xn--" kind (A-labels) has a meaning.
    if (label.slice(2, 4) === "--" && !label.startsWith("xn--")) fail(`label "${label}" is a reserved R-LDH label (RFC 5890 §2.3.1)`);
  }
  // Such a name would read as an IPv4 address (URL parsers do exactly that with "1.2.3" or "123").
  if (ALL_DIGITS.test(labels[labels.length - 1])) fail("the last label is all digits, which is not a host name (RFC 3696 §2)");
}

function prepDnsName(s: string): string {
  // The usual case: an ASCII host name with no A-labels is just lower-cased.
  if (ASCII_HOSTNAME.test(s)) {
    const lower = s.toLowerCase();
    if (!lower.startsWith("xn--") && !lower.includes(".xn--")) {
      checkAsciiName(lower);
      return lower;
    }
  }
  const sep = /[@/]/.exec(s);
  if (sep) fail(`must not contain '${sep[0]}' (RFC 7622 §3.1)`);
  const ascii = domainToASCII(s);
  if (ascii === "") fail("is not a valid internationalized domain name (UTS #46 processing failed)");
  checkAsciiName(ascii);
  const unicode = domainToUnicode(ascii);
  // An A-label is valid only if it is the encoding of its own U-label (e.g. not "xn--ascii-").
  if (domainToASCII(unicode) !== ascii) fail("contains an A-label that does not round-trip to a U-label (RFC 5890 §2.3.2.1)");
  const asciiLabels = ascii.split(".");
  const labels = unicode.split(".");
  let bidiDomain = false;
  const labelCps = labels.map((label, i) => {
    const cps = codePoints(label);
    if (asciiLabels[i].startsWith("xn--")) {
      const failure = uLabelFailure(label);
      if (failure !== undefined) fail(failure);
      if (hasRtl(cps)) bidiDomain = true;
    }
    return cps;
  });
  // In a domain name with any right-to-left label, every label must satisfy the Bidi Rule.
  if (bidiDomain) {
    for (const cps of labelCps) {
      const failure = bidiRuleFailure(cps);
      if (failure !== undefined) fail(failure);
    }
  }
  return unicode;
}

function prepare(input: string): string {
  // RFC 7622 §3.2: a final label separator is stripped before any other canonicalization.
  const s = input.endsWith(".") ? input.slice(0, -1) : input;
  if (s.length === 0) fail("is empty once the final '.' is stripped (RFC 7622 §3.2)");
  if (s.startsWith("[")) return prepIpLiteral(s);
  if (isIpv4Address(s)) return s;
  return prepDnsName(s);
}

export function prepDomain(s: string): string {
  if (typeof s !== "string") throw new JidError("domainpart", "must be a string");
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  assertRawSize("domainpart", s);
  const out = prepare(s);
  assertPreparedSize("domainpart", out);
  if (s.length <= MAX_CACHED_INPUT) cache.set(s, out);
  return out;
}
