/**
 * Which certificate authorities we trust for peers: the system store (Node's bundled Mozilla
 * roots, tls.rootCertificates) plus CA files the admin configured.
 *
 * References:
 * - RFC 6120 §13.7.2.1 (PKIX validation of peer certificates)
 * - RFC 5280 §6 (path validation; trust anchors)
 */
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as tls from "node:tls";

export interface TrustOptions {
  /** Extra CA certificates as PEM text (a string may hold several). */
  ca: string[];
  useSystemStore: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits PEM text into one string per certificate block (other blocks are ignored). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

/** Reads CA files named in the configuration; any unreadable file is an error at startup. */
export async function readCaFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const certs = splitPemCertificates(await readFile(p, "utf8"));
    if (certs.length === 0) throw new Error(`no PEM certificate in CA file ${p}`);
    out.push(...certs);
  }
  return out;
}

/**
 * The `ca` option for a TLS socket. Passing `ca` replaces Node's default roots rather than adding
 * to them, so the system store has to be listed explicitly.
 */
export function trustedCaList(trust: TrustOptions): string[] {
  const extra = trust.ca.flatMap(splitPemCertificates);
  return trust.useSystemStore ? [...tls.rootCertificates, ...extra] : extra;
}

let systemFingerprints: Set<string> | undefined;
const extraFingerprints = new Map<string, string | undefined>();

/**
 * SHA-256 fingerprints of every trust anchor. verifyPeerCertificate uses this to insist that the
 * chain OpenSSL accepted ends in an anchor of *this* trust configuration, not merely in whatever
 * `ca` the socket happened to be created with.
 */
export function trustAnchorFingerprints(trust: TrustOptions): Set<string> {
  const out = new Set<string>();
  if (trust.useSystemStore) {
    // ~150 roots: parsed once per process.
    systemFingerprints ??= new Set(tls.rootCertificates.map((pem) => fingerprintOf(pem)).filter(isString));
    for (const f of systemFingerprints) out.add(f);
  }
  for (const pem of trust.ca.flatMap(splitPemCertificates)) {
    if (!extraFingerprints.has(pem)) extraFingerprints.set(pem, fingerprintOf(pem));
    const f = extraFingerprints.get(pem);
    if (f) out.add(f);
  }
  return out;
}

function fingerprintOf(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

function isString(x: string | undefined): x is string {
  return typeof x === "string";
}
