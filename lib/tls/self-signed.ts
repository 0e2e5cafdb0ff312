/**
 * Generates a self-signed certificate so a fresh install can offer TLS (and so STARTTLS) at once.
 *
 * ECDSA P-256 through WebCrypto + @peculiar/x509 takes ~6 ms, against ~250 ms for RSA-2048
 * (deps.md §3), which matters because this runs on first start, once per virtual host.
 * The key is written 0600 through a temporary file and a rename, so a crash never leaves a
 * half-written or world-readable key behind.
 *
 * References:
 * - RFC 5280 §4.1.2.2 (serial: positive, ≤ 20 octets), §4.2.1.6 (SAN), §4.2.1.3/.12 (key usage)
 * - RFC 6120 §13.7.1.2 (server certificate contents: DNS-ID)
 * - RFC 9525 §4 (names go in the SAN; the CN is only a label for humans)
 */
import { randomBytes, webcrypto } from "node:crypto";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { CertificateEntry } from "./entry";
import { toALabel } from "./names";
import { x509 } from "./x509";

export interface SelfSignedOptions {
  /** Validity in days; default 365. */
  days?: number;
  /** Extra dNSName SANs (e.g. "conference.example.com"). */
  altNames?: string[];
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Writes `<host>.crt` and `<host>.key` (A-label file names) into `dir` and returns the entry.
 * Throws on a host that is not a DNS name, which also keeps path separators out of file names.
 */
export async function generateSelfSigned(host: string, dir: string, opts: SelfSignedOptions = {}): Promise<CertificateEntry> {
  const name = toALabel(host);
  if (name === undefined) throw new Error(`cannot generate a certificate for invalid host name ${JSON.stringify(host)}`);
  const altNames: string[] = [];
  for (const alt of opts.altNames ?? []) {
    const a = alt.startsWith("*.") ? toALabel(alt.slice(2)) : toALabel(alt);
    if (a === undefined) throw new Error(`invalid alternative name ${JSON.stringify(alt)}`);
    const n = alt.startsWith("*.") ? `*.${a}` : a;
    if (n !== name && !altNames.includes(n)) altNames.push(n);
  }
  const days = opts.days ?? 365;
  if (!(days > 0)) throw new Error("days must be positive");

  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  // Positive 16-octet serial: clear the top bit so the DER INTEGER needs no sign padding.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    name: `CN=${name}`,
    // An hour of slack for peers whose clocks run behind.
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + days * DAY),
    signingAlgorithm: alg,
    keys: keys as unknown as CryptoKeyPairLike,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      // clientAuth too: we present the same certificate when we dial out for s2s.
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([name, ...altNames].map((value) => ({ type: "dns" as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as CryptoKeyLike),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`;

  await mkdir(dir, { recursive: true });
  const certPath = path.join(dir, `${name}.crt`);
  const keyPath = path.join(dir, `${name}.key`);
  // Key first: a certificate on disk without its key would be picked up and then fail to load.
  await writeAtomically(keyPath, keyPem, 0o600);
  await writeAtomically(certPath, cert.toString("pem") + "\n", 0o644);
  return { certPath, keyPath, names: [name, ...altNames], notAfter: cert.notAfter, selfSigned: true };
}

type CryptoKeyPairLike = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];
type CryptoKeyLike = Parameters<typeof x509.SubjectKeyIdentifierExtension.create>[0];

async function writeAtomically(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: "wx" });
    // The umask may have narrowed `mode` on creation; make it exact.
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
