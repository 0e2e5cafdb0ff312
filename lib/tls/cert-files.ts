/**
 * Finds certificate/key pairs in a directory and turns each into a CertificateEntry.
 *
 * Layouts understood (dir itself and each immediate subdirectory, symlinks followed):
 * - `host.crt` / `host.pem` with `host.key` (what generateSelfSigned writes; common hand-made layout)
 * - a `.crt`/`.pem` that holds its own PRIVATE KEY block
 * - Let's Encrypt `live/<host>/`: `fullchain.pem` + `privkey.pem` (cert.pem/chain.pem then ignored)
 * A pair is only accepted if the key really belongs to the certificate; that also weeds out CA
 * bundles such as chain.pem.
 *
 * References:
 * - RFC 7468 (PEM textual encodings)
 * - RFC 9525 §6 (identities come from subjectAltName; CN ignored)
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import type { CertificateEntry } from "./entry";
import { normalizePresentedDns, toALabel } from "./names";
import { certificateIdentities } from "./san";

export interface CandidatePair {
  certPath: string;
  keyPath: string;
}

const CERT_BLOCK = "-----BEGIN CERTIFICATE-----";
const KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** Lists candidate pairs; `problems` gets one line per file that looked like a certificate but could not be paired. */
export async function findCertificateFiles(dir: string, problems: string[]): Promise<CandidatePair[]> {
  const out: CandidatePair[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out; // a missing directory is just an empty store
  }
  await scanOne(dir, names, out, problems);
  for (const n of names.sort()) {
    const sub = path.join(dir, n);
    if (!(await isDirectory(sub))) continue;
    let subNames: string[];
    try {
      subNames = await readdir(sub);
    } catch {
      problems.push(`cannot read directory ${sub}`);
      continue;
    }
    await scanOne(sub, subNames, out, problems);
  }
  return out;
}

async function scanOne(dir: string, names: string[], out: CandidatePair[], problems: string[]): Promise<void> {
  const has = new Set(names);
  const leChain = has.has("fullchain.pem");
  for (const n of names.sort()) {
    if (!/\.(crt|pem)$/.test(n)) continue;
    if (n === "privkey.pem" || n === "chain.pem" || /\.key\.pem$/.test(n)) continue;
    if (leChain && n === "cert.pem") continue; // fullchain.pem is the same leaf plus intermediates
    const certPath = path.join(dir, n);
    if (!(await isFile(certPath))) continue;
    let text: string;
    try {
      text = await readFile(certPath, "utf8");
    } catch (err) {
      problems.push(`cannot read ${certPath}: ${(err as Error).message}`);
      continue;
    }
    if (!text.includes(CERT_BLOCK)) {
      // A bare key saved as .pem is a key, not a broken certificate; anything else is worth a warning.
      if (!KEY_BLOCK.test(text)) problems.push(`${certPath} holds no PEM certificate`);
      continue;
    }
    const base = n.replace(/\.(crt|pem)$/, "");
    const keyCandidates = [`${base}.key`, `${base}.key.pem`];
    if (n === "fullchain.pem" || n === "cert.pem") keyCandidates.unshift("privkey.pem");
    const keyName = keyCandidates.find((k) => has.has(k));
    if (keyName) out.push({ certPath, keyPath: path.join(dir, keyName) });
    else if (KEY_BLOCK.test(text)) out.push({ certPath, keyPath: certPath });
    else problems.push(`${certPath} has no matching private key (looked for ${keyCandidates.join(", ")})`);
  }
}

/** Parses and cross-checks one pair. Throws with a readable message when unusable. */
export async function loadCertificateEntry(pair: CandidatePair): Promise<CertificateEntry> {
  const certPem = await readFile(pair.certPath, "utf8");
  const keyPem = pair.keyPath === pair.certPath ? certPem : await readFile(pair.keyPath, "utf8");
  // The leaf comes first in a chain file; X509Certificate reads the first block.
  const cert = new X509Certificate(certPem);
  const key = createPrivateKey(keyPem);
  if (!cert.checkPrivateKey(key)) throw new Error(`private key ${pair.keyPath} does not belong to ${pair.certPath}`);
  const ids = certificateIdentities(cert.raw);
  if (!ids) throw new Error(`cannot parse the subjectAltName of ${pair.certPath}`);
  const names: string[] = [];
  for (const d of ids.dnsNames) {
    const n = normalizePresentedDns(d);
    if (n !== undefined && !names.includes(n)) names.push(n);
  }
  for (const jid of ids.xmppAddrs) {
    const n = /[@/]/.test(jid) ? jid : (toALabel(jid) ?? jid);
    if (!names.includes(n)) names.push(n);
  }
  if (names.length === 0) {
    throw new Error(`${pair.certPath} has no dNSName or xmppAddr subjectAltName (the CN is not used, RFC 9525)`);
  }
  const selfSigned = cert.issuer === cert.subject && cert.verify(cert.publicKey);
  return { certPath: pair.certPath, keyPath: pair.keyPath, names, notAfter: new Date(cert.validTo), selfSigned };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
