/**
 * DNS name normalisation and matching shared by the certificate store (which certificate do we
 * serve?) and peer verification (is the peer who it claims to be?).
 *
 * References:
 * - RFC 9525 §6.3 (DNS domain names compared as A-labels, case-insensitively; wildcards)
 * - RFC 6125 §6.4.1, §6.4.3 (same rules, older text)
 * - RFC 5890 §2.3.2.1 (A-label / U-label)
 */
import { domainToASCII } from "node:url";

const FORBIDDEN_ASCII = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]/;

/**
 * Reference identifier (a domain we were asked about) → lowercase A-label form, or undefined if
 * it is not a usable DNS name. U-labels are converted here so that callers may pass a JID domainpart
 * as the user typed it.
 */
export function toALabel(domain: string): string | undefined {
  let d = domain.trim();
  if (d.endsWith(".")) d = d.slice(0, -1);
  // domainToASCII parses like a URL host and would turn "a/b" or "x@y" into "a" or "y":
  // any ASCII outside letters, digits, "-", "." and "_" is refused before it gets the chance.
  if (d === "" || FORBIDDEN_ASCII.test(d)) return undefined;
  const ascii = domainToASCII(d).toLowerCase();
  if (ascii === "" || !isLdhName(ascii)) return undefined;
  return ascii;
}

/**
 * Presented identifier (a dNSName from a certificate) → lowercase, or undefined if malformed.
 * dNSName is an IA5String, so a U-label in it is a malformed certificate, not something to convert:
 * refusing keeps the comparison byte-exact (RFC 9525 §6.3).
 */
export function normalizePresentedDns(name: string): string | undefined {
  let n = name.toLowerCase();
  if (n.endsWith(".")) n = n.slice(0, -1);
  if (n.startsWith("*.")) return isLdhName(n.slice(2)) ? n : undefined;
  return isLdhName(n) ? n : undefined;
}

// Letters, digits, hyphens; labels 1..63; at least one label; no empty labels.
function isLdhName(name: string): boolean {
  if (name.length > 253) return false;
  return name.split(".").every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
}

/**
 * Does a (normalised) presented DNS-ID cover the (normalised) reference domain?
 * Wildcards: only a left-most label that is exactly "*", covering exactly one label
 * (`*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`).
 * Partial-label wildcards (`a*.example.com`, `xn--*`) never match (RFC 9525 §6.3).
 * A wildcard directly above a single label (`*.com`) is refused as well: no CA may issue one,
 * and accepting it would let one certificate claim a whole TLD.
 */
export function dnsNameMatches(presented: string, reference: string): boolean {
  if (!presented.includes("*")) return presented === reference;
  if (!presented.startsWith("*.")) return false;
  const base = presented.slice(2);
  if (base.includes("*") || !base.includes(".")) return false;
  const dot = reference.indexOf(".");
  if (dot <= 0) return false;
  return reference.slice(dot + 1) === base;
}
